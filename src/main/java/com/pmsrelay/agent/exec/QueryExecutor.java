package com.pmsrelay.agent.exec;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.SchemaRequest;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's protection of the practice database, in order: the SQL guard and scopes; a circuit
 * breaker that answers at once while the database is down; sharing of identical queries; a
 * bounded queue, fair across integrators by their grants' weights; an adaptive concurrency limit
 * under a hard cap; then JDBC on a worker pool no larger than the cap, with the agent's own caps
 * and a deadline that cancels the statement. Its state lives on one Vert.x context.
 */
public final class QueryExecutor {
  private static final Logger LOG = LoggerFactory.getLogger(QueryExecutor.class);

  private final Vertx vertx;
  private final Context context;
  private final PmsDatabase pms;
  private final AgentConfig.Exec caps;
  private final SqlGuard guard;
  private final AdmissionQueue queue;
  private final ConcurrencyLimiter limiter;
  private final JdbcRunner runner;
  private final CatalogueReader catalogueReader;
  private final WorkerExecutor workers;
  private final CircuitBreaker breaker;
  private final ExecutorMeters meters;
  /** Executions that identical queries may still join, by {@link SharedExecution#key}. */
  private final Map<String, SharedExecution> shareable = new HashMap<>();
  /** Every query this executor holds (queued or running), by query id. */
  private final Map<String, SharedExecution> byQuery = new HashMap<>();
  /** Queries running now, by integrator. */
  private final Map<String, Integer> runningByClient = new HashMap<>();
  /** Queries that reached the database lately: a copy sent again is not run again. */
  private final RecentQueries recent = new RecentQueries();
  /** This run of the agent: a query sent again to "the run that took it" must not reach another. */
  private final String bootId = java.util.UUID.randomUUID().toString();
  /** Set once a shutdown began: new queries are refused. */
  private boolean shuttingDown;
  /** Slots a background run (a registered query's) never takes: kept for interactive queries. */
  private final int reservedForInteractive;

  public QueryExecutor(Vertx vertx, PmsDatabase pms, AgentConfig.Exec caps) {
    this(vertx, pms, caps, new SqlGuard(caps.maxSqlChars()));
  }

  public QueryExecutor(Vertx vertx, PmsDatabase pms, AgentConfig.Exec caps, SqlGuard guard) {
    this(vertx, pms, caps, guard, 1);
  }

  /**
   * An executor whose background runs (registered queries) leave {@code reservedForInteractive}
   * slots to interactive queries (at most all but one: with a cap of one, they run when it is free).
   */
  public QueryExecutor(Vertx vertx, PmsDatabase pms, AgentConfig.Exec caps, SqlGuard guard, int reservedForInteractive) {
    this(vertx, pms, caps, guard, reservedForInteractive,
        new ExecutorMeters(new io.micrometer.core.instrument.simple.SimpleMeterRegistry()));
  }

  /** As above, counting into {@code meters}. */
  public QueryExecutor(Vertx vertx, PmsDatabase pms, AgentConfig.Exec caps, SqlGuard guard, int reservedForInteractive,
      ExecutorMeters meters) {
    this.meters = meters;
    this.reservedForInteractive = Math.max(0, reservedForInteractive);
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pms = pms;
    this.caps = caps;
    this.guard = guard;
    this.queue = new AdmissionQueue(caps.queueCapacity(), Math.max(1, caps.queuePerIntegrator()));
    this.limiter = new ConcurrencyLimiter(caps.maxConcurrent());
    this.runner = new JdbcRunner(pms, caps.chunkRows(), caps.chunkBytes());
    this.catalogueReader = new CatalogueReader(pms, caps.chunkRows(), caps.chunkBytes());
    // Plain JDBC, not the Vert.x JDBC pool: that gives no Statement.cancel nor row-by-row fetch with back-pressure.
    // The pool is the cap: never more threads on the database than queries allowed at once.
    this.workers = vertx.createSharedWorkerExecutor("pms-query-" + System.identityHashCode(this),
        caps.maxConcurrent(), Math.max(caps.maxTimeoutMs() * 2L, 60_000), TimeUnit.MILLISECONDS);
    this.breaker = CircuitBreaker.create("pms-" + System.identityHashCode(this), vertx, new CircuitBreakerOptions()
        .setMaxFailures(caps.breakerFailures())
        .setTimeout(-1) // our own deadlines bound every run
        .setResetTimeout(caps.breakerResetMs())
        // No event-bus notifications: nobody listens, and by default the breaker keeps latency
        // metrics and publishes them every 2 s, idle or not, for as long as the agent runs.
        .setNotificationAddress(null));
    breaker.openHandler(v -> LOG.warn("the PMS database is failing: circuit open, queries get pms_unavailable"));
    breaker.closeHandler(v -> LOG.info("the PMS database answers again: circuit closed"));
  }

  /**
   * Takes a query from the cloud; every outcome ends in one final message ({@code end} or
   * {@code error}), except a query cancelled by the cloud or by the loss of the link, whose
   * reader is gone. A query id this agent has run before is not run again.
   */
  public void submit(QueryRequest request, ResultSink sink) {
    checkAndAdmit(request, sink, false);
  }

  /**
   * Takes a registered query's scheduled run: the same guard, scopes, caps, admission bounds,
   * concurrency cap and time-out as any query, at a lower priority: it starts only when no
   * interactive query waits, never into the slots reserved for them, and never shares an
   * execution (an interactive query must not wait behind a background one).
   */
  public void submitBackground(QueryRequest request, ResultSink sink) {
    checkAndAdmit(request, sink, true);
  }

  private void checkAndAdmit(QueryRequest request, ResultSink sink, boolean background) {
    QueryRequest capped = capped(request);
    String catalogue = capped.catalogue() == null ? pms.catalogues().get(0) : capped.catalogue();
    if (!pms.catalogues().contains(catalogue)) {
      rejectCatalogue(sink, catalogue);
      return;
    }
    guard.check(vertx, capped).onComplete(checked -> {
      if (checked.failed()) {
        if (checked.cause() instanceof RelayException problem) {
          reject(sink, problem.code(), problem.detail());
        } else {
          reject(sink, ErrorCode.SQL_REJECTED, "the statement could not be checked");
        }
        return;
      }
      onContext(() -> admit(capped, catalogue, sink, runner::run, background));
    });
  }

  /**
   * Takes a schema request from the cloud: the catalogue's tables read like a query, through the
   * same admission, concurrency cap, time-out and byte cap, for the integrator that asked; its
   * statement is the agent's own (the guard refuses the system catalogue to integrators' SQL).
   */
  public void submitSchema(SchemaRequest request, ResultSink sink) {
    QueryRequest capped = capped(request.asQuery(CatalogueReader.SQL));
    String catalogue = capped.catalogue() == null ? pms.catalogues().get(0) : capped.catalogue();
    if (!pms.catalogues().contains(catalogue)) {
      rejectCatalogue(sink, catalogue);
      return;
    }
    onContext(() -> admit(capped, catalogue, sink, catalogueReader, false));
  }
  /** The same answer the cloud gives a schema request for a catalogue the agent does not serve. */
  private void rejectCatalogue(ResultSink sink, String catalogue) {
    reject(sink, ErrorCode.CATALOGUE_NOT_FOUND,
        "the practice's agent serves no catalogue named '" + catalogue + "'; leave 'catalogue' out for its default");
  }


  /** Catalogue reads (schema discovery) that reached the database since the start. */
  public long catalogueReads() {
    return catalogueReader.reads();
  }

  private void onContext(Runnable action) {
    com.pmsrelay.common.Confined.run(context, action);
  }

  private void admit(QueryRequest request, String catalogue, ResultSink sink, QueryTask.Work work, boolean background) {
    if (!sink.isOpen()) {
      // Cancelled, or its link lost, while its SQL was being checked (cancel and cancelAll did not
      // find it yet): no one will read its answer, so it must not reach the database.
      LOG.debug("query {} was cancelled before it was admitted", request.queryId());
      return;
    }
    if (byQuery.containsKey(request.queryId())) {
      LOG.warn("query {} was sent again while it is queued or running here: the copy is ignored", request.queryId());
      return;
    }
    if (request.requireBoot() != null && !request.requireBoot().equals(bootId)) {
      reject(sink, ErrorCode.QUERY_INTERRUPTED,
          "the agent restarted after it took the query, which may have reached the database; it does not run twice");
      return;
    }
    if (recent.hasRun(request.queryId())) {
      LOG.warn("query {} was sent again after it ran here: it does not run twice", request.queryId());
      reject(sink, ErrorCode.QUERY_INTERRUPTED,
          "the query ran once already and its answer was lost with the connection; it does not run twice");
      return;
    }
    if (shuttingDown) {
      reject(sink, ErrorCode.AGENT_OFFLINE, "the practice's agent is shutting down");
      return;
    }
    if (breaker.state() == CircuitBreakerState.OPEN) {
      reject(sink, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
      return;
    }
    String key = SharedExecution.key(request, catalogue);
    SharedExecution existing = background ? null : shareable.get(key);
    if (existing != null && existing.join(request.queryId(), request.clientId(), sink)) {
      byQuery.put(request.queryId(), existing);
      if (existing.task.started) {
        recent.ran(request.queryId());
      }
      return;
    }
    SharedExecution shared = new SharedExecution(key, request.queryId(), request.clientId(), sink);
    QueryTask task = new QueryTask(request, shared, work, background);
    task.catalogue = catalogue;
    shared.task = task;
    AdmissionQueue.Refusal refusal = queue.offer(task);
    if (refusal != AdmissionQueue.Refusal.NONE) {
      reject(sink, ErrorCode.QUEUE_FULL, refusal == AdmissionQueue.Refusal.INTEGRATOR_FULL
          ? "this integration's queue at the practice is full" : "the practice's query queue is full");
      return;
    }
    if (!background) {
      shareable.put(key, shared);
    }
    byQuery.put(request.queryId(), shared);
    task.queueTimer = vertx.setTimer(Math.max(1, request.queueTimeoutMs()), id -> {
      if (queue.remove(task)) {
        forget(shared);
        reject(shared, ErrorCode.QUEUE_TIMEOUT, "the query waited too long in the practice's queue");
      }
    });
    drain();
  }

  /**
   * Starts queued queries while the limiter has room. One slot is kept as headroom: no integrator
   * may hold every slot, so another integrator's query starts at once instead of waiting for a
   * greedy one's to finish (the noisy-neighbour benchmark measures this). Interactive queries go
   * first; a background run starts only if, with it, the reserved slots stay free.
   */
  private void drain() {
    while (queue.size() > 0 && limiter.tryAcquire()) {
      int perClient = Math.max(1, limiter.currentLimit() - 1);
      int reserved = Math.min(reservedForInteractive, limiter.currentLimit() - 1);
      boolean roomForBackground = limiter.running() + reserved <= limiter.currentLimit();
      QueryTask next = queue.poll(client -> runningByClient.getOrDefault(client, 0) < perClient, roomForBackground);
      if (next == null) {
        limiter.release(-1); // only integrators at their share are waiting
        return;
      }
      vertx.cancelTimer(next.queueTimer);
      runningByClient.merge(next.clientId(), 1, Integer::sum);
      start(next);
    }
  }

  private void start(QueryTask task) {
    SharedExecution shared = (SharedExecution) task.sink;
    long timeoutMs = task.request.timeoutMs();
    task.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    task.deadlineTimer = vertx.setTimer(timeoutMs, id -> task.stop(QueryTask.Stop.TIMEOUT));
    shared.queryIds().forEach(recent::ran);
    long startNanos = System.nanoTime();
    breaker.<JdbcRunner.Outcome>execute(() -> {
          task.started = true;
          return workers.<JdbcRunner.Outcome>executeBlocking(() -> task.work.run(task, task.catalogue), false)
              .compose(outcome -> outcome == JdbcRunner.Outcome.PMS_DOWN
                  ? Future.failedFuture(new PmsDown()) : Future.succeededFuture(outcome));
        })
        .onComplete(done -> {
          vertx.cancelTimer(task.deadlineTimer);
          forget(shared);
          limiter.release(task.latencyNanos);
          runningByClient.computeIfPresent(task.clientId(), (k, n) -> n > 1 ? n - 1 : null);
          if (task.started) {
            meters.ran(task.clientId(), done.succeeded() ? done.result()
                : done.cause() instanceof PmsDown ? JdbcRunner.Outcome.PMS_DOWN : JdbcRunner.Outcome.FAILED,
                startNanos - task.admittedNanos, System.nanoTime() - startNanos);
          }
          if (!task.started) {
            // The open circuit refused it before it reached the database.
            reject(shared, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
          } else if (done.failed() && !(done.cause() instanceof PmsDown)) {
            LOG.error("query {} failed unexpectedly", task.request.queryId(), done.cause());
            reject(shared, ErrorCode.INTERNAL_ERROR, "the agent failed to run the query");
          }
          drain();
        });
  }

  /** A run that found the database unreachable: a failure for the circuit breaker, already answered. */
  private static final class PmsDown extends RuntimeException {
    PmsDown() {
      super("the PMS database is not reachable", null, false, false);
    }
  }

  /** Cancels a queued or running query (the client went away or the cloud timed out). */
  public void cancel(String queryId) {
    context.runOnContext(v -> {
      SharedExecution shared = byQuery.remove(queryId);
      if (shared == null || !shared.leave(queryId)) {
        return; // unknown, or others still wait for the same execution
      }
      QueryTask task = shared.task;
      if (queue.remove(task)) {
        vertx.cancelTimer(task.queueTimer);
        forget(shared);
      } else {
        task.stop(QueryTask.Stop.CANCELLED);
      }
    });
  }

  /**
   * The link to the cloud is gone, and with it every reader: stops every running query on the
   * database and drops every queued one (a dropped query never reached the database, so the
   * cloud may send it again). Logs what it stopped.
   */
  public void cancelAll(String reason) {
    context.runOnContext(v -> {
      int running = 0;
      int queued = 0;
      for (SharedExecution shared : new java.util.HashSet<>(byQuery.values())) {
        QueryTask task = shared.task;
        if (queue.remove(task)) {
          vertx.cancelTimer(task.queueTimer);
          forget(shared);
          queued += shared.subscribers();
        } else {
          task.stop(QueryTask.Stop.CANCELLED);
          running += shared.subscribers();
        }
      }
      byQuery.clear();
      if (running + queued > 0) {
        LOG.warn("{}: cancelled {} running queries on the database and dropped {} queued", reason, running, queued);
      }
    });
  }

  /**
   * Stops taking queries (new ones are refused with 503), lets the running and queued ones finish
   * for up to {@code graceMs}, then cancels what is left.
   */
  public Future<Void> shutdown(long graceMs) {
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    context.runOnContext(v -> {
      shuttingDown = true;
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
      long timer = vertx.setPeriodic(50, id -> {
        if (byQuery.isEmpty() && limiter.running() == 0) {
          vertx.cancelTimer(id);
          done.tryComplete();
        } else if (System.nanoTime() > deadline) {
          vertx.cancelTimer(id);
          cancelAll("the agent is shutting down");
          vertx.setTimer(500, t -> done.tryComplete());
        }
      });
      done.future().onComplete(x -> vertx.cancelTimer(timer));
    });
    return done.future();
  }

  /**
   * Refuses every queued query of one integrator (its grant was just disabled or blocked) with
   * {@code code}; an execution others share goes on for them. Running queries finish.
   */
  public void cancelClient(String clientId, ErrorCode code, String detail) {
    context.runOnContext(v -> {
      for (SharedExecution shared : new java.util.HashSet<>(byQuery.values())) {
        QueryTask task = shared.task;
        if (task.started) {
          continue;
        }
        for (ResultSink sink : shared.leaveClient(clientId)) {
          reject(sink, code, detail);
        }
        if (shared.subscribers() == 0 && queue.remove(task)) {
          vertx.cancelTimer(task.queueTimer);
          forget(shared);
        }
      }
      byQuery.entrySet().removeIf(e -> e.getValue().subscribers() == 0);
    });
  }

  private void forget(SharedExecution shared) {
    shareable.remove(shared.key, shared);
    byQuery.values().removeIf(s -> s == shared);
  }

  /** The request's limits, never above the agent's own caps. */
  private QueryRequest capped(QueryRequest r) {
    return r.withLimits(Math.min(r.timeoutMs(), caps.maxTimeoutMs()), Math.min(r.queueTimeoutMs(), caps.maxQueueTimeoutMs()),
        Math.min(r.maxRows(), caps.maxRows()), Math.min(r.maxBytes(), caps.maxResultBytes()));
  }

  private void reject(ResultSink sink, ErrorCode code, String detail) {
    meters.refused(code);
    sink.send(Outgoing.error(0, code, detail), System.nanoTime() + 1_000_000_000L);
  }

  /** This run of the agent (new at every start), which the cloud learns when the agent connects. */
  public String bootId() {
    return bootId;
  }

  /** What the executor is doing now, for status and tests. */
  public record Load(int queued, int running, int limit, int hardCap, String circuit) {}

  public Load load() {
    return new Load(queue.size(), limiter.running(), limiter.currentLimit(), limiter.hardCap(), breaker.state().name());
  }

  public void close() {
    workers.close();
    breaker.close();
  }

}
