package com.pmsrelay.agent.exec;

import com.pmsrelay.agent.AgentConfig;
import com.pmsrelay.agent.guard.GuardException;
import com.pmsrelay.agent.guard.SqlGuard;
import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's protection of the practice database, in order: the SQL guard, admission to a
 * bounded fair queue, a concurrency cap, then JDBC on a dedicated worker pool with the agent's own
 * caps and a deadline that cancels the statement. Its state lives on one Vert.x context.
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
  private final WorkerExecutor workers;
  private final Map<String, QueryTask> running = new HashMap<>();

  public QueryExecutor(Vertx vertx, PmsDatabase pms, AgentConfig.Exec caps) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.pms = pms;
    this.caps = caps;
    this.guard = new SqlGuard(caps.maxSqlChars());
    this.queue = new AdmissionQueue(caps.queueCapacity());
    this.limiter = new ConcurrencyLimiter(caps.maxConcurrent());
    this.runner = new JdbcRunner(pms, caps.chunkRows(), caps.maxResultBytes());
    // The pool is the cap: never more threads on the database than queries allowed at once.
    this.workers = vertx.createSharedWorkerExecutor("pms-query-" + System.identityHashCode(this),
        caps.maxConcurrent(), Math.max(caps.maxTimeoutMs() * 2L, 60_000), TimeUnit.MILLISECONDS);
  }

  /** Takes a query from the cloud; every outcome ends in one {@code end} or {@code error} message. */
  public void submit(QueryRequest request, ResultSink sink) {
    QueryRequest capped = capped(request);
    QueryTask task = new QueryTask(capped, sink);
    String catalogue = capped.catalogue() == null ? pms.catalogues().get(0) : capped.catalogue();
    if (!pms.catalogues().contains(catalogue)) {
      reject(task, ErrorCode.INVALID_REQUEST, "unknown catalogue");
      return;
    }
    vertx.<SqlGuard.Checked>executeBlocking(() -> guard.check(capped.sql()), false).onComplete(checked -> {
      if (checked.failed()) {
        Throwable e = checked.cause();
        reject(task, ErrorCode.SQL_REJECTED, e instanceof GuardException ? e.getMessage() : "the statement could not be checked");
        return;
      }
      context.runOnContext(v -> admit(task, catalogue));
    });
  }

  private void admit(QueryTask task, String catalogue) {
    if (!queue.offer(task)) {
      reject(task, ErrorCode.QUEUE_FULL, "the practice's query queue is full");
      return;
    }
    running.put(task.request.queryId(), task);
    task.queueTimer = vertx.setTimer(Math.max(1, task.request.queueTimeoutMs()), id -> {
      if (queue.remove(task)) {
        running.remove(task.request.queryId());
        reject(task, ErrorCode.QUEUE_TIMEOUT, "the query waited too long in the practice's queue");
      }
    });
    task.catalogue = catalogue;
    drain();
  }

  /** Starts queued queries while the limiter has room. */
  private void drain() {
    while (queue.size() > 0 && limiter.tryAcquire()) {
      QueryTask task = queue.poll();
      vertx.cancelTimer(task.queueTimer);
      start(task);
    }
  }

  private void start(QueryTask task) {
    long timeoutMs = task.request.timeoutMs();
    task.deadlineNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    task.deadlineTimer = vertx.setTimer(timeoutMs, id -> task.stop("timeout"));
    workers.executeBlocking(() -> runner.run(task, task.catalogue), false).onComplete(done -> {
      vertx.cancelTimer(task.deadlineTimer);
      running.remove(task.request.queryId());
      limiter.release();
      if (done.failed()) {
        LOG.error("query {} failed unexpectedly", task.request.queryId(), done.cause());
        task.sink.send(StreamMessages.error(task.seq++, ErrorCode.INTERNAL_ERROR, "the agent failed to run the query"),
            System.nanoTime() + 1_000_000_000L);
      }
      drain();
    });
  }

  /** Cancels a queued or running query (the client went away or the cloud timed out). */
  public void cancel(String queryId) {
    context.runOnContext(v -> {
      QueryTask task = running.remove(queryId);
      if (task == null) {
        return;
      }
      if (queue.remove(task)) {
        vertx.cancelTimer(task.queueTimer);
        return;
      }
      running.put(queryId, task); // still running: it is removed when the worker returns
      task.stop("cancelled");
    });
  }

  /** The request's limits, never above the agent's own caps. */
  private QueryRequest capped(QueryRequest r) {
    return new QueryRequest(r.queryId(), r.practiceId(), r.clientId(), r.sql(), r.params(), r.catalogue(),
        Math.min(r.timeoutMs(), caps.maxTimeoutMs()), Math.min(r.queueTimeoutMs(), caps.maxTimeoutMs()),
        Math.min(r.maxRows(), caps.maxRows()), r.weight());
  }

  private static void reject(QueryTask task, ErrorCode code, String detail) {
    task.sink.send(StreamMessages.error(task.seq++, code, detail), System.nanoTime() + 1_000_000_000L);
  }

  public int queued() {
    return queue.size();
  }

  public int runningNow() {
    return limiter.running();
  }

  public void close() {
    workers.close();
  }
}
