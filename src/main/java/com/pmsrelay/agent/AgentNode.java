package com.pmsrelay.agent;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.exec.ExecutorMeters;
import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.agent.pms.demo.DemoDialect;
import com.pmsrelay.agent.pms.demo.DemoPmsDatabase;
import com.pmsrelay.agent.pms.demo.DemoPmsSpec;
import com.pmsrelay.common.Version;
import com.pmsrelay.common.metrics.NodeMetrics;
import com.pmsrelay.guard.SqlGuard;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.LocalDate;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One agent: the practice's database, the executor that protects it, and the link to the cloud. */
public final class AgentNode {
  private static final Logger LOG = LoggerFactory.getLogger(AgentNode.class);

  private final Vertx vertx;
  private final AgentConfig config;
  private PmsDatabase pms;
  private QueryExecutor executor;
  private AgentLink link;
  private String deploymentId;

  private final NodeMetrics metrics;
  private final PmsDatabase embeddedPms;
  private final SqlGuard embeddedGuard;
  private final java.util.function.IntConsumer exit;

  public AgentNode(Vertx vertx, AgentConfig config) {
    this(vertx, config, null, null);
  }

  /** An agent counting into {@code metrics} (the registry its Vert.x reports to, for one scrape of both). */
  public AgentNode(Vertx vertx, AgentConfig config, NodeMetrics metrics) {
    this(vertx, config, null, null, AgentNode::exitProcess, metrics);
  }

  /**
   * For embedding (benchmarks, tests): serve {@code pms} with {@code guard} instead of what the
   * configuration names. Either may be null for the configured one.
   */
  public AgentNode(Vertx vertx, AgentConfig config, PmsDatabase pms, SqlGuard guard) {
    this(vertx, config, pms, guard, AgentNode::exitProcess, new NodeMetrics());
  }

  /** An agent whose self-update ends with {@code exit} (a status) instead of ending the process (tests). */
  public AgentNode(Vertx vertx, AgentConfig config, PmsDatabase pms, SqlGuard guard, java.util.function.IntConsumer exit) {
    this(vertx, config, pms, guard, exit, new NodeMetrics());
  }

  private AgentNode(Vertx vertx, AgentConfig config, PmsDatabase pms, SqlGuard guard, java.util.function.IntConsumer exit,
      NodeMetrics metrics) {
    this.exit = exit;
    this.metrics = metrics;
    this.vertx = vertx;
    this.config = config;
    this.embeddedPms = pms;
    this.embeddedGuard = guard;
  }

  public Future<AgentNode> start() {
    return vertx.executeBlocking(() -> embeddedPms != null ? embeddedPms : openPms())
        .compose(opened -> {
          pms = opened;
          SqlGuard guard = embeddedGuard == null ? new SqlGuard(config.exec().maxSqlChars()) : embeddedGuard;
          // The version is known once a connection was made (probed at start); never block for it here.
          ExecutorMeters meters = new ExecutorMeters(metrics.registry());
          link = new AgentLink(config, () -> new QueryExecutor(vertx, pms, config.exec(), guard,
              config.registered().reservedSlots(), meters),
              new AgentLink.Identity(Version.current(), pms.kind(), pms::version, pms.catalogues()))
              .selfUpdate(new com.pmsrelay.agent.update.SelfUpdate(vertx, config.update(), Version.current(),
                  this::pmsReachable, exit));
          return vertx.deployVerticle(link);
        })
        .map(id -> {
          deploymentId = id;
          executor = link.executor();
          meterLoad();
          com.pmsrelay.common.metrics.EventLoopDelay.deploy(vertx, metrics.registry());
          LOG.info("agent of practice {} started ({} on catalogues {})", config.practiceId(), pms.kind(), pms.catalogues());
          return this;
        });
  }

  /** The executor's load and the link's state as gauges, read at each scrape. */
  private void meterLoad() {
    MeterRegistry registry = metrics.registry();
    Gauge.builder("pmsrelay_agent_queued", this, n -> n.executor.load().queued())
        .description("queries waiting in the agent's queue").register(registry);
    Gauge.builder("pmsrelay_agent_running", this, n -> n.executor.load().running())
        .description("queries running on the practice database").register(registry);
    Gauge.builder("pmsrelay_agent_limit", this, n -> n.executor.load().limit())
        .description("the adaptive concurrency limit (at most exec.maxConcurrent)").register(registry);
    Gauge.builder("pmsrelay_agent_circuit_open", this, n -> n.executor.load().circuit().equals("CLOSED") ? 0 : 1)
        .description("1 while the circuit to the practice database is open or half open").register(registry);
    Gauge.builder("pmsrelay_agent_connected", this, n -> n.isConnected() ? 1 : 0)
        .description("1 while the agent is connected and accepted by the cloud").register(registry);
    FunctionCounter.builder("pmsrelay_agent_connections", this, n -> n.connectionsAccepted())
        .description("connections the cloud accepted since the start").register(registry);
  }

  public NodeMetrics metrics() {
    return metrics;
  }

  /**
   * Ends the process with {@code status} from a thread of its own: the shutdown hook stops the
   * agent gracefully, and waits for the event loops this may be called from.
   */
  private static void exitProcess(int status) {
    Thread exiting = new Thread(() -> System.exit(status), "agent-exit");
    exiting.setDaemon(false);
    exiting.start();
  }

  /** The health check's database half: a connection to the default catalogue answers. */
  private Future<Boolean> pmsReachable() {
    return vertx.executeBlocking(() -> {
      try (java.sql.Connection c = pms.connect(pms.catalogues().get(0))) {
        return c.isValid(5);
      } catch (java.sql.SQLException e) {
        return false;
      }
    }, false);
  }

  private PmsDatabase openPms() throws Exception {
    AgentConfig.Pms p = config.pms();
    int connections = config.exec().maxConcurrent();
    if (p.kind().equals("demo")) {
      String catalogue = p.catalogues().get(0);
      DemoPmsDatabase demo = DemoPmsDatabase.open(p.demoDir(), catalogue,
          new DemoPmsSpec(p.demoSeed(), p.demoPatients(), LocalDate.now()));
      return PooledPms.of("demo", DemoPmsDatabase.pmsVersion(), Map.of(catalogue, demo.readOnlyDataSource()), connections,
          DemoDialect::toH2);
    }
    PooledPms sqlServer = PooledPms.sqlServer(p.product(), p.jdbcUrl(), p.user(), p.password(), p.catalogues(), connections);
    // Learn the server's version in the background: the database may be down while the agent starts.
    vertx.executeBlocking(sqlServer::probeVersion).onSuccess(version -> {
      if (version == null) {
        LOG.warn("the PMS database is not reachable yet; queries get pms_unavailable until it is");
      }
    });
    return sqlServer;
  }

  /**
   * Stops gracefully (SIGTERM): new queries are refused with 503, running ones get the configured
   * grace period to finish and the rest are cancelled on the database, then the link closes.
   */
  public Future<Void> shutdown() {
    long grace = config.exec().shutdownGraceMs();
    LOG.info("agent shutting down: taking no new queries, {} ms for those underway", grace);
    Future<Void> drained = executor == null ? Future.succeededFuture() : executor.shutdown(grace);
    return drained.eventually(this::stop);
  }

  public Future<Void> stop() {
    Future<Void> undeploy = deploymentId == null ? Future.succeededFuture() : vertx.undeploy(deploymentId);
    return undeploy.eventually(() -> vertx.executeBlocking(() -> {
      if (executor != null) {
        executor.close();
      }
      if (pms != null) {
        pms.close();
      }
      return null;
    }));
  }

  public boolean isConnected() {
    return link != null && link.isReady();
  }

  /** How many connections the cloud has accepted since the start (1 while the first link holds). */
  public int connectionsAccepted() {
    return link == null ? 0 : link.connectionsAccepted();
  }

  public AgentConfig config() {
    return config;
  }

  public QueryExecutor executor() {
    return executor;
  }

  /** The practice's registered queries as this agent runs them. */
  public com.pmsrelay.agent.registered.RegisteredRunner registered() {
    return link == null ? null : link.registered();
  }
}
