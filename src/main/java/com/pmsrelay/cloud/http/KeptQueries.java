package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.async.AsyncQueries;
import com.pmsrelay.cloud.dispatch.BothConsumers;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryStream;
import com.pmsrelay.cloud.results.ResultFileSink;
import com.pmsrelay.cloud.results.ResultFiles;
import com.pmsrelay.cloud.store.QueryRecord;
import com.pmsrelay.cloud.store.QueryRecordStore;
import com.pmsrelay.common.crypto.Secrets;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Queries whose results the cloud keeps: async ones (202, then fetched by id), and immediate ones
 * sent with an {@code idempotencyKey} (answered as they stream and kept, so that the same key from
 * the same integrator within 24 h gets the first answer again, and the SQL never runs twice). A key
 * whose query ended without reaching a result (refused for load, the agent gone, the node
 * stopping) is released: a retry runs.
 */
final class KeptQueries {
  /** What an attempt comes to, for its audit record (none now if {@code outcome} is null). */
  record Outcome(String outcome, Long rows, Long bytes, Long queueMs, Long execMs) {
    static final Outcome LATER = new Outcome(null, null, null, null, null);
  }

  /** What the endpoint knows of the attempt. */
  record Submission(String queryId, String clientId, String practiceId, String chain, QueryBody body, long receivedNanos) {}

  private static final long REPLAY_POLL_MS = 200;

  private final Vertx vertx;
  private final QueryRecordStore records;
  private final ResultFiles files;
  private final AsyncQueries async;
  private final QueryDispatcher dispatcher;

  KeptQueries(Vertx vertx, QueryRecordStore records, ResultFiles files, AsyncQueries async, QueryDispatcher dispatcher) {
    this.vertx = vertx;
    this.records = records;
    this.files = files;
    this.async = async;
    this.dispatcher = dispatcher;
  }

  /** {@code mode: async}: records the query and answers 202 with where to find it. */
  Future<Outcome> submitAsync(RoutingContext ctx, Submission s, QueryRequest query) {
    String key = s.body().idempotencyKey();
    return withinQuota(s.clientId()).compose(room -> {
      QueryRequest capped = query.withLimits(query.timeoutMs(), query.queueTimeoutMs(), query.maxRows(),
          Math.min(query.maxBytes(), room));
      AsyncQueries.Work work = new AsyncQueries.Work(capped, s.chain(), s.body().sql(), s.body().params().size());
      QueryRecord record = QueryRecord.queued(s.queryId(), s.clientId(), s.practiceId(), QueryRecord.ASYNC, key,
          requestHash(s), AsyncQueries.seal(files, s.queryId(), work), async.nodeId(), System.currentTimeMillis());
      return records.insert(record).compose(inserted -> {
        if (inserted) {
          async.run(record, work);
          accepted(ctx, record);
          return Future.succeededFuture(Outcome.LATER); // audited when it ends
        }
        return first(s).map(existing -> {
          accepted(ctx, existing);
          return new Outcome("replayed", null, null, null, null);
        });
      });
    });
  }

  private static void accepted(RoutingContext ctx, QueryRecord r) {
    ctx.response().setStatusCode(202).putHeader("Location", "/v1/queries/" + r.queryId());
    Json.ok(ctx, new JsonObject().put("queryId", r.queryId()).put("status", r.status()));
  }

  /**
   * An immediate query with an idempotency key: the first runs, streamed to the client and kept;
   * a repeat waits for the first to end and gets its answer.
   */
  Future<Outcome> immediate(RoutingContext ctx, Submission s, QueryRequest query, AnswerFormat format,
      java.util.function.Consumer<QueryStream> underway) {
    QueryRecord record = QueryRecord.queued(s.queryId(), s.clientId(), s.practiceId(), QueryRecord.IMMEDIATE,
        s.body().idempotencyKey(), requestHash(s), null, async.nodeId(), System.currentTimeMillis());
    return withinQuota(s.clientId())
        .compose(room -> records.insert(record).compose(inserted -> inserted
            ? runAndKeep(ctx, s, query.withLimits(query.timeoutMs(), query.queueTimeoutMs(), query.maxRows(),
                Math.min(query.maxBytes(), room)), format, underway)
            : first(s).compose(existing -> replay(ctx, s, existing, format,
                query.timeoutMs() + query.queueTimeoutMs()))));
  }

  private Future<Outcome> runAndKeep(RoutingContext ctx, Submission s, QueryRequest query, AnswerFormat format,
      java.util.function.Consumer<QueryStream> underway) {
    StreamedAnswer[] answer = new StreamedAnswer[1];
    ResultFileSink[] kept = new ResultFileSink[1];
    QueryStream stream = dispatcher.dispatch(query, flow -> {
      BothConsumers both = new BothConsumers(
          // A client that leaves does not stop the query: its result is kept for the retry.
          toClient -> answer[0] = new StreamedAnswer(ctx.response(), format, s.queryId(), s.receivedNanos(), toClient, () -> { }),
          toFile -> kept[0] = files.sink(s.queryId(), toFile));
      both.follow(flow);
      return both;
    });
    underway.accept(stream);
    Future<ResultFileSink.Kept> keeping = kept[0].done();
    keeping.onComplete(k -> records.finish(s.queryId(), k.succeeded()
        ? new QueryRecordStore.Outcome(QueryRecord.SUCCEEDED, k.result().end().rowCount(), k.result().end().truncated(),
            k.result().bytes(), k.result().end().queuedMs(), k.result().end().executionMs(), null, null)
        : failure(k.cause()), System.currentTimeMillis(), System.currentTimeMillis() + async.settings().retentionMs(),
        k.failed() && releasesKey(k.cause())));
    return Future.join(answer[0].done(), keeping).transform(both -> {
      if (answer[0].done().succeeded()) {
        var end = answer[0].done().result();
        return Future.succeededFuture(new Outcome("succeeded", stream.rows(), stream.bytes(), end.queuedMs(),
            end.executionMs()));
      }
      return Future.failedFuture(new AnsweredProblem(answer[0].answered(), answer[0].done().cause()));
    });
  }

  /** A failure, and whether the client already had its answer's status (then no problem can be sent). */
  static final class AnsweredProblem extends RuntimeException {
    final boolean answered;

    AnsweredProblem(boolean answered, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.answered = answered;
    }
  }

  /** Answers a repeat from the first query's record once it has ended. */
  private Future<Outcome> replay(RoutingContext ctx, Submission s, QueryRecord first, AnswerFormat format, long waitMs) {
    return ended(first.queryId(), System.currentTimeMillis() + waitMs + 5_000).compose(r -> switch (r.status()) {
      case QueryRecord.SUCCEEDED -> StoredAnswer.write(files, ctx.response(), format, r.queryId(),
              r.queueMs() == null ? 0 : r.queueMs(), r.execMs() == null ? 0 : r.execMs(), s.receivedNanos())
          .map(v -> new Outcome("replayed", r.rowCount(), r.resultBytes(), r.queueMs(), r.execMs()));
      case QueryRecord.EXPIRED -> Future.failedFuture(withId(new RelayException(ErrorCode.RESULTS_EXPIRED,
          "the answer to this idempotencyKey is no longer kept"), r.queryId()));
      case QueryRecord.QUEUED, QueryRecord.EXECUTING -> Future.failedFuture(withId(new RelayException(
          ErrorCode.RESULTS_UNAVAILABLE, "the query first sent with this idempotencyKey is still running", 1), r.queryId()));
      default -> Future.failedFuture(withId(new RelayException(ErrorCode.fromCode(r.errorCode()),
          r.errorDetail() == null ? "the query failed" : r.errorDetail()), r.queryId()));
    });
  }

  /** The query's record once it has ended, or as it is at {@code untilMs}. */
  private Future<QueryRecord> ended(String queryId, long untilMs) {
    return records.find(queryId).compose(found -> {
      QueryRecord r = found.orElseThrow(() -> new RelayException(ErrorCode.QUERY_NOT_FOUND, "no such query"));
      if (r.isFinal() || System.currentTimeMillis() > untilMs) {
        return Future.succeededFuture(r);
      }
      return vertx.timer(REPLAY_POLL_MS).compose(v -> ended(queryId, untilMs));
    });
  }

  /** A problem that answers for another query id (the first one sent with the key). */
  static final class ForQuery extends RuntimeException {
    final RelayException problem;
    final String queryId;

    ForQuery(RelayException problem, String queryId) {
      super(problem.getMessage(), null, false, false);
      this.problem = problem;
      this.queryId = queryId;
    }
  }

  private static ForQuery withId(RelayException problem, String queryId) {
    return new ForQuery(problem, queryId);
  }

  /** The query first sent with this key, if it was the same query; a different one is a mistake. */
  private Future<QueryRecord> first(Submission s) {
    return records.findByKey(s.clientId(), s.body().idempotencyKey()).map(found -> {
      QueryRecord r = found.orElseThrow(() -> new RelayException(ErrorCode.RESULTS_UNAVAILABLE,
          "the query sent with this idempotencyKey ended a moment ago; send it again", 1));
      if (!r.requestHash().equals(requestHash(s))) {
        throw new RelayException(ErrorCode.INVALID_REQUEST,
            "this idempotencyKey was used for a different query in the last 24 hours");
      }
      return r;
    });
  }

  /** Bytes the integrator may still keep; 429 when it holds its quota. */
  private Future<Long> withinQuota(String clientId) {
    long quota = async.settings().quotaBytes();
    return records.storedBytes(clientId).map(used -> {
      if (used >= quota) {
        throw new RelayException(ErrorCode.RATE_LIMITED, "this integration holds its quota of kept results ("
            + quota + " bytes); fetch them or wait for them to expire", 60);
      }
      return quota - used;
    });
  }

  /** What identifies "the same query" under one key: everything that shapes its answer. */
  private static String requestHash(Submission s) {
    QueryBody b = s.body();
    return Secrets.sha256Hex(new JsonArray().add(s.practiceId()).add(b.sql()).add(b.params()).add(b.mode())
        .add(b.catalogue()).add(b.maxRows()).add(b.timeoutMs()).add(b.queueTimeoutMs()).encode());
  }

  private static QueryRecordStore.Outcome failure(Throwable cause) {
    RelayException p = cause instanceof RelayException r ? r : new RelayException(ErrorCode.INTERNAL_ERROR, "failed");
    return new QueryRecordStore.Outcome(QueryRecord.FAILED, null, null, null, null, null, p.code().code(), p.detail());
  }

  /** An attempt that never reached a result may run again under the same key. */
  static boolean releasesKey(Throwable cause) {
    if (!(cause instanceof RelayException p)) {
      return true;
    }
    return switch (p.code()) {
      case RATE_LIMITED, QUEUE_FULL, QUEUE_TIMEOUT, AGENT_OFFLINE, PMS_UNAVAILABLE, SHUTTING_DOWN, QUERY_INTERRUPTED,
          INTERNAL_ERROR, AGENT_ERROR, CLIENT_CLOSED -> true;
      default -> false;
    };
  }
}
