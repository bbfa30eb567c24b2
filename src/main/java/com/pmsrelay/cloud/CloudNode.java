package com.pmsrelay.cloud;

import com.pmsrelay.cloud.async.AsyncQueries;
import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.auth.TokenVerifier;
import com.pmsrelay.cloud.bridge.AgentDirectory;
import com.pmsrelay.cloud.bridge.BridgeServer;
import com.pmsrelay.cloud.bridge.HeartbeatRecorder;
import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.guard.SqlGuard;
import com.pmsrelay.cloud.http.HttpApi;
import com.pmsrelay.cloud.console.ConsoleApi;
import com.pmsrelay.cloud.control.ChangeFollower;
import com.pmsrelay.cloud.bridge.LiveAgentStatus;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.cloud.store.ConsoleUserStore;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.throttle.FailureThrottle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One cloud node: store, token service, bridge for agents and HTTP API, wired together and started
 * in order. Stops in reverse order.
 */
public final class CloudNode {
  private static final Logger LOG = LoggerFactory.getLogger(CloudNode.class);
  /** Query attempts arriving within this many ms of an idle audit log share one transaction. */
  static final long AUDIT_WINDOW_MS = 10;
  /** A node silent this long (no alive record) is taken for dead: its unfinished async queries are adopted. */
  static final long ORPHAN_AFTER_MS = 15_000;

  private final Vertx vertx;
  private final CloudConfig config;
  /** What checks the API's bearer tokens, made from the node's token service. */
  private final Function<TokenService, TokenVerifier> bearer;
  /** This node's place in the cluster (alone, when not clustered): its id is the cluster's node id. */
  private final com.pmsrelay.cloud.cluster.ClusterView cluster;
  private final String nodeId;
  private final AgentDirectory agents;
  /** Where registered queries' changes are announced: given from outside, or (null) the node's webhook outbox. */
  private final com.pmsrelay.cloud.webhook.ChangeNotices givenNotices;
  private com.pmsrelay.cloud.registered.RegisteredQueries registered;
  private ChangeFollower follower;
  private Database database;
  private TlsMaterial tls;
  private Stores stores;
  private ResultFiles results;
  /** The node's secret outside the store, from which its keys at rest are derived. */
  private MasterKey masterKey;
  /** The operator API's credential (its hash). */
  private com.pmsrelay.cloud.operator.OperatorToken operatorToken;
  private AsyncQueries async;
  private HeartbeatRecorder heartbeats;
  private Instances<BridgeServer> bridge;
  private Instances<HttpApi> http;
  private boolean bridgeListening;
  /** The node's metrics, scraped at the management listener's /metrics. */
  private final com.pmsrelay.common.metrics.NodeMetrics metrics;
  private final com.pmsrelay.cloud.metrics.RelayMeters meters;
  /** GET /metrics and the operator API, apart from the API (management.host, 127.0.0.1 by default). */
  private com.pmsrelay.common.metrics.ManagementListener management;
  private com.pmsrelay.cloud.monitor.ActivityMonitor monitor;
  private com.pmsrelay.cloud.webhook.Webhooks webhooks;
  private final java.util.List<String> deployments = new java.util.ArrayList<>();
  /** Undeployed after {@link #deployments}: what they append while stopping is still written. */
  private String auditDeployment;

  public CloudNode(Vertx vertx, CloudConfig config) {
    this(vertx, config, tokens -> tokens);
  }

  /**
   * A node counting into {@code metrics}, the registry its Vert.x was started with
   * ({@link com.pmsrelay.common.VertxRuntime#create(io.vertx.core.VertxOptions,
   * com.pmsrelay.common.metrics.NodeMetrics)}), so that one scrape has Vert.x's meters and the relay's.
   */
  public CloudNode(Vertx vertx, CloudConfig config, com.pmsrelay.common.metrics.NodeMetrics metrics) {
    this(vertx, config, tokens -> tokens, null, metrics);
  }

  /** A node announcing registered queries' changes to {@code changeNotices} instead of its webhook outbox (tests). */
  public CloudNode(Vertx vertx, CloudConfig config, com.pmsrelay.cloud.webhook.ChangeNotices changeNotices) {
    this(vertx, config, tokens -> tokens, changeNotices);
  }

  /**
   * A node whose API checks bearer tokens with another verifier: only for tests and benchmarks
   * (package-private, no setting reaches it), which measure what the real check costs.
   */
  CloudNode(Vertx vertx, CloudConfig config, Function<TokenService, TokenVerifier> bearer) {
    this(vertx, config, bearer, null);
  }

  private CloudNode(Vertx vertx, CloudConfig config, Function<TokenService, TokenVerifier> bearer,
      com.pmsrelay.cloud.webhook.ChangeNotices changeNotices) {
    this(vertx, config, bearer, changeNotices, new com.pmsrelay.common.metrics.NodeMetrics());
  }

  private CloudNode(Vertx vertx, CloudConfig config, Function<TokenService, TokenVerifier> bearer,
      com.pmsrelay.cloud.webhook.ChangeNotices changeNotices, com.pmsrelay.common.metrics.NodeMetrics metrics) {
    this.metrics = metrics;
    this.meters = new com.pmsrelay.cloud.metrics.RelayMeters(metrics.registry(), config.management().latencyHistograms());
    this.agents = new AgentDirectory(metrics.registry());
    this.givenNotices = changeNotices;
    this.vertx = vertx;
    this.config = config;
    this.bearer = bearer;
    this.cluster = com.pmsrelay.cloud.cluster.ClusterView.of(vertx);
    this.nodeId = cluster.nodeId();
  }

  public Future<CloudNode> start() {
    TokenService tokens = new TokenService(vertx, config.jwt());
    // The node's: the API checks statements with it, and the monitor reads the tables it remembers.
    SqlGuard guard = new SqlGuard(config.queries().maxSqlChars());
    // Both edges listen on a port their instances share (for port 0: one random port for all).
    CloudConfig listening = config.withPorts(Instances.sharedPort(config.http().port()),
        Instances.sharedPort(config.bridge().port()));
    return vertx.executeBlocking(() -> {
          java.nio.file.Files.createDirectories(config.dataDir());
          database = Database.open(vertx, config.store());
          tls = TlsMaterial.configuredOrSelfSigned(config.bridge(), config.dataDir());
          config.http().tls().checkFiles();
          masterKey = MasterKey.load(config.keys(), config.dataDir());
          operatorToken = com.pmsrelay.cloud.operator.OperatorToken.loadOrCreate(com.pmsrelay.cloud.operator.OperatorToken
              .file(config.management().operatorTokenFile(), config.dataDir()));
          results = new ResultFiles(vertx, config.results().dir(), masterKey.sealing(KeyPurposes.RESULTS));
          return null;
        })
        .compose(v -> {
          stores = Stores.over(database, masterKey, AUDIT_WINDOW_MS);
          stores.audit().observe(meters::audited);
          // The audit store's batching window runs on a context of its own, stopped after all that appends.
          return vertx.deployVerticle(new com.pmsrelay.common.LifecycleVerticle(stores.audit()));
        })
        .compose(auditId -> {
          auditDeployment = auditId;
          return tokens.start(stores.signingKeys());
        })
        // Components with timers run as verticles: undeploying them (stop) ends their timers.
        .compose(v -> deploy(new AuditRetention(vertx, stores.audit(), config.auditRetentionDays())))
        .compose(v -> deploy(new AuditHeadSigning(vertx, stores.signedHeads(), config.auditSignEveryMs())))
        .compose(v -> deploy(new ChangeFollower(vertx, stores.changes(), stores.grants(), stores.integrators(), agents,
            tokens)))
        .map(started -> follower = started)
        .compose(v -> {
          // The admin commands, run here on this node's stores while it holds them (embedded H2 is one process's).
          com.pmsrelay.cloud.operator.OperatorApi operator = new com.pmsrelay.cloud.operator.OperatorApi(vertx,
              new com.pmsrelay.cloud.operator.OperatorApi.Parts(stores,
                  new com.pmsrelay.cloud.webhook.WebhookStore(database, masterKey.sealing(KeyPurposes.WEBHOOK_SECRETS)),
                  new com.pmsrelay.cloud.operator.Operations.Settings(
                      java.time.Duration.ofMillis(config.bridge().heartbeatTimeoutMs()), config.auditSignEveryMs()),
                  new com.pmsrelay.cloud.operator.LocalCommand.CloudFiles(config.bridge(), config.dataDir())),
              operatorToken, new FailureThrottle("operator API", config.throttle().operator()),
              config.management().host(), () -> management.actualPort());
          management = new com.pmsrelay.common.metrics.ManagementListener(config.management().host(),
              config.management().port(), metrics, operator::mount, "GET /metrics and POST /operator/commands");
          return vertx.deployVerticle(management).map(id -> deployments.add(id)).compose(id -> deploy(operator));
        })
        .compose(v -> com.pmsrelay.common.metrics.EventLoopDelay.deploy(vertx, metrics.registry()))
        .map(id -> deployments.add(id))
        .compose(v -> {
          if (!config.monitor().enabled()) {
            LOG.info("suspicious-activity monitor off (monitor.enabled false)");
            return Future.succeededFuture();
          }
          // Reads the attempts the audit log records; tells a rule's pause through the change feed.
          monitor = new com.pmsrelay.cloud.monitor.ActivityMonitor(vertx, config.monitor(),
              new com.pmsrelay.cloud.monitor.ActivityMonitor.Parts(stores.audit(), stores.baselines(), stores.alerts(),
                  stores.grants(), stores.changes(), guard, metrics.registry(), nodeId));
          return deploy(monitor).mapEmpty();
        })
        .compose(v -> {
          // Webhook deliveries: the outbox every node sends from, leasing each notice before it sends it.
          com.pmsrelay.cloud.webhook.WebhookStore hooks = new com.pmsrelay.cloud.webhook.WebhookStore(database,
              masterKey.sealing(KeyPurposes.WEBHOOK_SECRETS));
          com.pmsrelay.cloud.webhook.WebhookTarget target = new com.pmsrelay.cloud.webhook.WebhookTarget(
              com.pmsrelay.cloud.webhook.WebhookTarget.SYSTEM, config.webhooks().allowLoopback());
          com.pmsrelay.cloud.webhook.WebhookDeliverer deliverer =
              new com.pmsrelay.cloud.webhook.WebhookDeliverer(vertx, hooks, target, config.webhooks());
          webhooks = new com.pmsrelay.cloud.webhook.Webhooks(hooks, target,
              new com.pmsrelay.cloud.webhook.OutboxNotices(hooks, deliverer::poke));
          return deploy(deliverer);
        })
        .compose(v -> {
          heartbeats = new HeartbeatRecorder(vertx, stores.practices(), nodeId);
          return deploy(heartbeats);
        })
        .compose(v -> {
          com.pmsrelay.cloud.edge.ProxyHeaderRefusals refusals =
              new com.pmsrelay.cloud.edge.ProxyHeaderRefusals("bridge.proxyProtocol");
          return Instances.deploy(vertx, config.bridge().instances(),
              () -> new BridgeServer(listening.bridge(), tls, stores.practices(), heartbeats, agents, nodeId, refusals,
                  new com.pmsrelay.cloud.bridge.ReleaseOffers(stores.releases(), stores.agentStates())));
        })
        .compose(deployed -> {
          bridge = deployed;
          deployments.add(deployed.deploymentId);
          bridgeListening = true;
          return deploy(new QueryDispatcher(vertx, config.bridge().ackTimeoutMs(), cluster));
        })
        .compose(dispatcher -> {
          async = new AsyncQueries(dispatcher, stores.queryRecords(), results, stores.audit(), meters, nodeId,
              new AsyncQueries.Settings(config.queries().asyncQueueTimeoutMs(), config.results().retentionMs(),
                  config.results().quotaBytesPerIntegrator(), java.util.concurrent.TimeUnit.HOURS.toMillis(24),
                  ORPHAN_AFTER_MS));
          return vertx.deployVerticle(async).map(asyncId -> {
            deployments.add(asyncId);
            return dispatcher;
          });
        })
        .compose(dispatcher -> {
          registered = new com.pmsrelay.cloud.registered.RegisteredQueries(vertx,
              new com.pmsrelay.cloud.registered.RegisteredQueries.Parts(stores.registered(), stores.grants(),
                  stores.integrators(), stores.queryRecords(), results, stores.audit(), dispatcher, agents, changeNotices(),
                  nodeId, config.registered(), config.results().retentionMs()));
          // A grant that changes changes what its practice's agent runs, at once.
          follower.onPracticeChanged(registered::practiceChanged);
          return deploy(registered).map(dispatcher);
        })
        .compose(dispatcher -> {
          // Failed authentication is throttled per node: one throttle of each kind, shared by every instance.
          ConsoleApi console = new ConsoleApi(new ConsoleApi.Parts(stores.consoleUsers(), stores.consoleSessions(),
              stores.practices(), stores.integrators(), stores.grants(), stores.pairings(), stores.audit(),
              stores.changes(), new LiveAgentStatus(vertx, java.time.Duration.ofMillis(config.bridge().heartbeatTimeoutMs())),
              stores.quarantines(), stores.alerts(), config.monitor().enabled(), stores.registered(), stores.agentStates()),
              new FailureThrottle("console login", config.throttle().console()), config.http().clientAddress());
          // One of each for the node, shared by every instance: a limiter per instance would
          // multiply a grant's rate by the number of instances.
          HttpApi.Parts parts = new HttpApi.Parts(listening, database, tokens, bearer.apply(tokens), stores.integrators(),
              stores.grants(), stores.audit(), stores.pairings(), stores.changes(), dispatcher, console,
              () -> bridgeListening, stores.queryRecords(), results, async,
              new RateLimiter(config.queries().rateBurstSeconds()),
              new RateLimiter(60), // pairing codes: a minute's attempts at once, people mistype
              guard, cluster,
              new FailureThrottle("token", config.throttle().token()),
              new com.pmsrelay.cloud.http.ConnectionCap(config.http().maxConnectionsPerAddress()),
              new com.pmsrelay.cloud.edge.ProxyHeaderRefusals("http.proxyProtocol"),
              new com.pmsrelay.cloud.schema.SchemaCache(vertx, dispatcher, config.schema()), registered, webhooks, meters);
          return Instances.deploy(vertx, config.http().instances(), () -> new HttpApi(parts));
        })
        .map(deployed -> {
          http = deployed;
          deployments.add(deployed.deploymentId);
          LOG.info("cloud node {}: {}", nodeId, config.http().tls().describe());
          if (config.blindBehindProxy()) {
            LOG.warn("cloud node {}: {}", nodeId, config.describeClientAddresses());
          } else {
            LOG.info("cloud node {}: {}", nodeId, config.describeClientAddresses());
          }
          // Benchmarks and fault tests read this line up to the fingerprint's closing parenthesis.
          LOG.info("cloud node {} up: API on port {}, agent bridge on port {} (TLS fingerprint SHA-256 {}); {} API and {}"
                  + " bridge instances", nodeId, httpPort(), bridgePort(), tls.fingerprintSha256(), http.all.size(),
              bridge.all.size());
          return this;
        });
  }

  /** Deploys a component with timers or consumers as a verticle of its own, undeployed by {@link #stop()}. */
  private <T extends com.pmsrelay.common.Lifecycle> Future<T> deploy(T component) {
    return vertx.deployVerticle(new com.pmsrelay.common.LifecycleVerticle(component)).map(id -> {
      deployments.add(id);
      return component;
    });
  }

  /**
   * Stops gracefully (SIGTERM): /ready turns 503 and new queries are refused with 503 at once,
   * queries underway get {@code graceMs} to finish and the rest are answered with 503, then the
   * node stops. Agents connected here reconnect to another node.
   */
  public Future<Void> shutdown(long graceMs) {
    LOG.info("cloud node {} shutting down: taking no new queries, {} ms for those underway", nodeId, graceMs);
    Future<Void> drained = http == null ? Future.succeededFuture()
        : Future.all(http.all.stream().map(api -> api.drain(graceMs)).toList()).mapEmpty();
    return drained.eventually(this::stop);
  }

  /**
   * Stops taking requests and agents, then closes the store. Everything the node runs is a
   * deployment, so once this completes none of its timers fires again.
   */
  public Future<Void> stop() {
    bridgeListening = false;
    Database db = database;
    java.util.List<Future<Void>> undeployed = new java.util.ArrayList<>();
    for (int i = deployments.size() - 1; i >= 0; i--) {
      undeployed.add(vertx.undeploy(deployments.get(i)));
    }
    deployments.clear();
    String audit = auditDeployment;
    auditDeployment = null;
    Stores signing = audit == null ? null : stores;
    return Future.join(undeployed).<Void>mapEmpty()
        .eventually(() -> audit == null ? Future.succeededFuture() : vertx.undeploy(audit))
        // the last records written, their chains' heads are signed: a clean stop leaves nothing unsigned
        .eventually(() -> signing == null ? Future.succeededFuture() : signing.signedHeads().signMoved()
            .onFailure(e -> LOG.warn("signing the audit chains' heads at stop failed: {}", e.toString())))
        .eventually(() -> db == null ? Future.succeededFuture() : db.close())
        .eventually(() -> vertx.executeBlocking(() -> {
          if (results != null) {
            results.close();
          }
          metrics.close();
          return null;
        }));
  }

  public int httpPort() {
    return http.first().actualPort();
  }

  public int bridgePort() {
    return bridge.first().actualPort();
  }

  /** One instance of the HTTP API (they all route alike): tests compare its routes with the API's description. */
  public HttpApi httpApi() {
    return http.first();
  }

  /** How many instances of the HTTP API share its port. */
  public int httpInstances() {
    return http.all.size();
  }

  /** How many instances of the bridge share its port. */
  public int bridgeInstances() {
    return bridge.all.size();
  }

  /** The management listener's port (GET /metrics). */
  public int managementPort() {
    return management.actualPort();
  }

  public com.pmsrelay.common.metrics.NodeMetrics metrics() {
    return metrics;
  }

  /** The node's suspicious-activity monitor, or null when {@code monitor.enabled} is false. */
  public com.pmsrelay.cloud.monitor.ActivityMonitor monitor() {
    return monitor;
  }

  public com.pmsrelay.cloud.store.AlertStore alerts() {
    return stores.alerts();
  }

  public com.pmsrelay.cloud.store.BaselineStore baselines() {
    return stores.baselines();
  }

  public TlsMaterial tls() {
    return tls;
  }

  public String nodeId() {
    return nodeId;
  }

  public com.pmsrelay.cloud.cluster.ClusterView cluster() {
    return cluster;
  }

  public AgentDirectory agents() {
    return agents;
  }

  public Database database() {
    return database;
  }

  public PracticeStore practices() {
    return stores.practices();
  }

  public IntegratorStore integrators() {
    return stores.integrators();
  }

  public GrantStore grants() {
    return stores.grants();
  }

  public ChangeStore changes() {
    return stores.changes();
  }

  public PairingStore pairings() {
    return stores.pairings();
  }

  /** Where registered queries announce a changed result: the webhook outbox (issue 15), unless one was given. */
  public com.pmsrelay.cloud.webhook.ChangeNotices changeNotices() {
    return givenNotices != null ? givenNotices : webhooks.notices();
  }

  public com.pmsrelay.cloud.webhook.Webhooks webhooks() {
    return webhooks;
  }

  public AsyncQueries async() {
    return async;
  }

  /** The node's side of registered queries. */
  public com.pmsrelay.cloud.registered.RegisteredQueries registered() {
    return registered;
  }

  public QueryRecordStore queryRecords() {
    return stores.queryRecords();
  }

  public AuditStore audit() {
    return stores.audit();
  }

  public ConsoleUserStore consoleUsers() {
    return stores.consoleUsers();
  }

  public com.pmsrelay.cloud.store.SigningKeyStore signingKeys() {
    return stores.signingKeys();
  }

  public com.pmsrelay.cloud.store.SignedHeadStore signedHeads() {
    return stores.signedHeads();
  }
}
