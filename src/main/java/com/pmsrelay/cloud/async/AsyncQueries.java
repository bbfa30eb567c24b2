package com.pmsrelay.cloud.async;

import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryStream;
import com.pmsrelay.cloud.dispatch.ResultConsumer;
import com.pmsrelay.cloud.results.ResultFileSink;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.QueryRecord;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this node's async queries: each is dispatched like an immediate one, its result kept in an
 * encrypted file, its end recorded and audited. A query may wait up to {@code queueTimeoutMs} for
 * its turn: while the practice's agent is not connected, its queue is full or its database is
 * down, it waits here and is dispatched again; at most {@value #PER_INTEGRATOR} of one
 * integrator's async queries are at a practice at once, so they never fill the agent's queue. A
 * query whose connection to the agent was lost after the agent took it is sent again to the same
 * run of the agent, which runs it only if it had not reached the database. Unfinished queries of
 * a node that died are adopted. Kept results expire after {@code retentionMs}. Deployed as a
 * verticle, so its timers stop with it.
 */
public final class AsyncQueries extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AsyncQueries.class);
  /** Async queries of one integrator at one practice dispatched at once; the rest wait here. */
  static final int PER_INTEGRATOR = 2;
  /** Where cancellations are published, so the node running the query stops it. */
  static final String CANCEL_ADDRESS = "relay.async.cancel";
  private static final long RETRY_MIN_MS = 500;
  private static final long RETRY_MAX_MS = 30_000;
  private static final long ADOPT_EVERY_MS = 5_000;
  private static final long RETENTION_EVERY_MS = 60_000;

  /** The service's settings. */
  public record Settings(long queueTimeoutMs, long retentionMs, long quotaBytes, long idempotencyMs, long orphanAfterMs) {}

  /** What a run needs: the request, and what the audit record names. */
  public record Work(QueryRequest request, String auditChain, String sql, int paramsCount) {}

  private final QueryDispatcher dispatcher;
  private final QueryRecordStore records;
  private final ResultFiles files;
  private final AuditStore audit;
  private final String nodeId;
  private final Settings settings;
  /** Runs on this node, by query id; confined to this verticle's context. */
  private final Map<String, Run> runs = new HashMap<>();
  /** Dispatched runs and waiting ones per integrator at a practice. */
  private final Map<String, Integer> dispatched = new HashMap<>();
  private final Map<String, ArrayDeque<Run>> waiting = new HashMap<>();

  private final com.pmsrelay.cloud.metrics.RelayMeters meters;

  public AsyncQueries(QueryDispatcher dispatcher, QueryRecordStore records, ResultFiles files, AuditStore audit,
      com.pmsrelay.cloud.metrics.RelayMeters meters, String nodeId, Settings settings) {
    this.meters = meters;
    this.dispatcher = dispatcher;
    this.records = records;
    this.files = files;
    this.audit = audit;
    this.nodeId = nodeId;
    this.settings = settings;
  }

  public Settings settings() {
    return settings;
  }

  /** The node these queries run on (the owner recorded with each). */
  public String nodeId() {
    return nodeId;
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().<String>consumer(CANCEL_ADDRESS, m -> stopLocal(m.body()));
    vertx.setPeriodic(ADOPT_EVERY_MS, ADOPT_EVERY_MS, id -> adoptOrphans());
    vertx.setPeriodic(1_000, RETENTION_EVERY_MS, id -> expire());
    return Future.succeededFuture();
  }

  /** One async query on this node. */
  private final class Run {
    final QueryRecord record;
    final Work work;
    /** The agent run that took it, once one did: a resend must reach that run or none. */
    String acceptedBy;
    QueryStream stream;
    ResultFileSink sink;
    /** Whether it holds one of its lane's dispatch places. */
    boolean inFlight;
    long retryDelayMs = RETRY_MIN_MS;
    long timer = -1;
    boolean cancelled;

    Run(QueryRecord record, Work work, String acceptedBy) {
      this.record = record;
      this.work = work;
      this.acceptedBy = acceptedBy;
    }

    String lane() {
      return record.practiceId() + "/" + record.clientId();
    }

    long remainingMs() {
      return record.createdAtMs() + settings.queueTimeoutMs() - System.currentTimeMillis();
    }
  }

  /** Starts an async query recorded as queued (and owned by this node). */
  public void run(QueryRecord record, Work work) {
    context.runOnContext(v -> enqueue(new Run(record, work, null)));
  }

  private void enqueue(Run run) {
    runs.put(run.record.queryId(), run);
    waiting.computeIfAbsent(run.lane(), k -> new ArrayDeque<>()).add(run);
    next(run.lane());
  }

  /** Dispatches the lane's waiting queries while it has room. */
  private void next(String lane) {
    ArrayDeque<Run> queue = waiting.get(lane);
    while (queue != null && !queue.isEmpty() && dispatched.getOrDefault(lane, 0) < PER_INTEGRATOR) {
      Run run = queue.poll();
      if (!run.cancelled) {
        dispatched.merge(lane, 1, Integer::sum);
        run.inFlight = true;
        dispatch(run);
      }
    }
    if (queue != null && queue.isEmpty()) {
      waiting.remove(lane);
    }
  }

  private void dispatch(Run run) {
    long remaining = run.remainingMs();
    if (remaining <= 0) {
      end(run, null, new RelayException(ErrorCode.QUEUE_TIMEOUT, "the query waited too long for its turn"));
      return;
    }
    QueryRequest base = run.work.request();
    QueryRequest request = base.withLimits(base.timeoutMs(), remaining, base.maxRows(), base.maxBytes());
    if (run.acceptedBy != null) {
      request = request.resentTo(run.acceptedBy);
    }
    run.stream = dispatcher.dispatch(request, flow -> {
      run.sink = files.sink(run.record.queryId(), flow);
      return new NotingStart(run, run.sink);
    });
    run.stream.accepted().onSuccess(bootId -> {
      if (run.acceptedBy == null && bootId != null) {
        run.acceptedBy = bootId; // from now on it goes to this agent run or nowhere
        records.accepted(run.record.queryId(), bootId)
            .onFailure(e -> LOG.warn("cannot record which agent took query {}: {}", run.record.queryId(), e.toString()));
      }
    });
    run.sink.done().onComplete(kept -> {
      if (kept.succeeded()) {
        end(run, kept.result(), null);
      } else {
        failed(run, kept.cause());
      }
    });
  }

  /** Marks the query executing when its first message comes, with the agent run that took it. */
  private final class NotingStart implements ResultConsumer {
    private final Run run;
    private final ResultConsumer sink;
    private boolean started;

    NotingStart(Run run, ResultConsumer sink) {
      this.run = run;
      this.sink = sink;
    }

    @Override
    public void next(io.vertx.core.buffer.Buffer columns, Rows rows, ResultMessage.End end) {
      if (!started) {
        started = true;
        records.executing(run.record.queryId(), run.acceptedBy)
            .onFailure(e -> LOG.warn("cannot record query {} as executing: {}", run.record.queryId(), e.toString()));
      }
      sink.next(columns, rows, end);
    }

    @Override
    public void failed(RelayException problem) {
      sink.failed(problem);
    }
  }

  private void failed(Run run, Throwable cause) {
    if (run.cancelled) {
      return;
    }
    RelayException problem = cause instanceof RelayException p ? p
        : new RelayException(ErrorCode.INTERNAL_ERROR, "the result could not be kept");
    if (!(cause instanceof RelayException)) {
      LOG.error("async query {}: its result could not be kept", run.record.queryId(), cause);
      run.stream.abort(problem);
    }
    if (waitable(problem) && run.remainingMs() > 0) {
      // Not taken, or taken by an agent whose connection was lost: try again later, to the same agent run.
      release(run);
      long delay = Math.min(run.retryDelayMs, Math.max(1, run.remainingMs()));
      run.retryDelayMs = Math.min(RETRY_MAX_MS, run.retryDelayMs * 2);
      run.timer = vertx.setTimer(delay, id -> {
        run.timer = -1;
        if (!run.cancelled) {
          waiting.computeIfAbsent(run.lane(), k -> new ArrayDeque<>()).add(run);
          next(run.lane());
        }
      });
      return;
    }
    end(run, null, problem);
  }

  /**
   * Whether the query may wait and go again: the agent was not there, had no room, its database
   * was down, or the cloud node it was on stopped; or the connection was lost (sent again to the
   * agent run that took it, it runs only if it never reached the database; that agent answers
   * {@code query_interrupted} otherwise).
   */
  private static boolean waitable(RelayException problem) {
    return switch (problem.code()) {
      case QUEUE_FULL, PMS_UNAVAILABLE, SHUTTING_DOWN, AGENT_OFFLINE -> true;
      default -> false;
    };
  }

  /** Gives back the run's dispatch place in its lane, if it holds one. */
  private void release(Run run) {
    if (run.inFlight) {
      run.inFlight = false;
      dispatched.computeIfPresent(run.lane(), (k, n) -> n > 1 ? n - 1 : null);
      next(run.lane());
    }
  }

  /** Records and audits how the query ended (kept, or failed). */
  private void end(Run run, ResultFileSink.Kept kept, RelayException problem) {
    runs.remove(run.record.queryId());
    release(run);
    long now = System.currentTimeMillis();
    QueryRecordStore.Outcome outcome = kept != null
        ? new QueryRecordStore.Outcome(QueryRecord.SUCCEEDED, kept.end().rowCount(), kept.end().truncated(), kept.bytes(),
            kept.end().queuedMs(), kept.end().executionMs(), null, null)
        : new QueryRecordStore.Outcome(QueryRecord.FAILED, null, null, null, null, null, problem.code().code(),
            problem.detail());
    records.finish(run.record.queryId(), outcome, now, now + settings.retentionMs(), false)
        .onSuccess(recorded -> {
          if (!recorded && kept != null) {
            files.delete(run.record.queryId()); // cancelled meanwhile: nobody will read it
          }
        })
        .onFailure(e -> LOG.error("cannot record the end of async query {}", run.record.queryId(), e));
    QueryStream s = run.stream;
    meters.queryTook(run.work.auditChain(), run.record.clientId(),
        java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(Math.max(0, now - run.record.createdAtMs())));
    audit.append(AuditRecord.attempt(run.work.auditChain(), run.record.clientId(),
            kept != null ? "succeeded" : problem.code().code(), run.record.queryId(), run.work.sql(),
            run.work.paramsCount(), s == null ? null : s.rows(), s == null ? null : s.bytes(),
            outcome.queueMs(), outcome.execMs()))
        .onFailure(e -> LOG.error("could not write the audit record of query {}", run.record.queryId(), e));
  }

  /**
   * Cancels the integrator's query if it has not ended (on the database too, wherever it runs);
   * completes with its record as it is then, or empty if it is not the integrator's.
   */
  public Future<java.util.Optional<QueryRecord>> cancel(String queryId, String clientId) {
    return records.find(queryId).compose(found -> {
      if (found.isEmpty() || !found.get().clientId().equals(clientId)) {
        return Future.succeededFuture(java.util.Optional.empty());
      }
      QueryRecord r = found.get();
      if (r.isFinal()) {
        return Future.succeededFuture(found);
      }
      QueryRecordStore.Outcome cancelled = new QueryRecordStore.Outcome(QueryRecord.CANCELLED, null, null, null, null,
          null, "cancelled", "cancelled by the integrator");
      long now = System.currentTimeMillis();
      return records.finish(queryId, cancelled, now, now + settings.retentionMs(), false)
          .compose(won -> {
            if (won) {
              vertx.eventBus().publish(CANCEL_ADDRESS, queryId);
            }
            return records.find(queryId);
          });
    });
  }

  /** Stops the query if it runs here (its record already says cancelled). */
  private void stopLocal(String queryId) {
    Run run = runs.remove(queryId);
    if (run == null) {
      return;
    }
    run.cancelled = true;
    vertx.cancelTimer(run.timer);
    if (run.stream != null) {
      run.stream.cancel(); // the agent cancels the statement on the database
      run.sink.failed(new RelayException(ErrorCode.QUERY_NOT_FOUND, "cancelled"));
    }
    release(run);
    audit.append(AuditRecord.attempt(run.work.auditChain(), run.record.clientId(), "cancelled", queryId, run.work.sql(),
        run.work.paramsCount(), run.stream == null ? null : run.stream.rows(),
        run.stream == null ? null : run.stream.bytes(), null, null));
    LOG.info("async query {} cancelled by its integrator", queryId);
  }

  /** Takes over the unfinished async queries of nodes that died, and runs them here. */
  private void adoptOrphans() {
    records.adoptOrphans(nodeId, System.currentTimeMillis() - settings.orphanAfterMs()).onSuccess(adopted -> {
      for (QueryRecord r : adopted) {
        Work work;
        try {
          JsonObject sealed = new JsonObject(files.keys().openText(r.queryId(), r.requestSealed()));
          work = new Work(QueryRequest.fromJson(sealed.getJsonObject("request")), sealed.getString("chain"),
              sealed.getJsonObject("request").getString("sql"), sealed.getJsonObject("request").getJsonArray("params").size());
        } catch (Exception e) {
          LOG.warn("async query {} of a stopped node cannot be resumed: {}", r.queryId(), e.toString());
          records.finish(r.queryId(), new QueryRecordStore.Outcome(QueryRecord.FAILED, null, null, null, null, null,
              ErrorCode.INTERNAL_ERROR.code(), "the query could not be resumed after a cloud restart"),
              System.currentTimeMillis(), System.currentTimeMillis() + settings.retentionMs(), false);
          continue;
        }
        LOG.info("async query {} of a stopped cloud node taken over", r.queryId());
        enqueue(new Run(r, work, r.acceptedBy()));
      }
    }).onFailure(e -> LOG.warn("cannot look for queries of stopped nodes: {}", e.toString()));
  }

  /** The sealed form of what a run needs, kept in the store until the query ends. */
  public static String seal(ResultFiles files, String queryId, Work work) {
    return files.keys().sealText(queryId,
        new JsonObject().put("request", work.request().toJson()).put("chain", work.auditChain()).encode());
  }

  private void expire() {
    expireAsOf(System.currentTimeMillis()).onFailure(e -> LOG.warn("result retention failed: {}", e.toString()));
  }

  /** Applies retention as if it were {@code nowMs} (the periodic sweep passes the time; tests pass a later one). */
  public Future<List<String>> expireAsOf(long nowMs) {
    return records.expire(nowMs, nowMs - settings.idempotencyMs(), nowMs - TimeUnit.DAYS.toMillis(7))
        .onSuccess(this::deleteFiles);
  }

  private void deleteFiles(List<String> expired) {
    for (String queryId : expired) {
      files.delete(queryId).onFailure(e -> LOG.warn("cannot delete the expired result of {}: {}", queryId, e.toString()));
    }
    if (!expired.isEmpty()) {
      LOG.info("result retention: {} results expired and removed", expired.size());
    }
  }

  /** For tests: completes when no async query runs or waits on this node. */
  public Future<Void> idle() {
    Promise<Void> idle = Promise.promise();
    context.runOnContext(v -> {
      long timer = vertx.setPeriodic(20, id -> {
        if (runs.isEmpty()) {
          vertx.cancelTimer(id);
          idle.tryComplete();
        }
      });
    });
    return idle.future();
  }
}
