package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.config.CloudConfig.QueryLimits;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryStream;
import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/practices/{id}/queries}: reads the body, checks the grant, the rate and the SQL,
 * caps the limits, dispatches, answers, and records one audit entry for the attempt whatever its
 * outcome.
 */
final class QueriesEndpoint {
  private static final Logger LOG = LoggerFactory.getLogger(QueriesEndpoint.class);

  private final GrantStore grants;
  private final QueryDispatcher dispatcher;
  private final QueryLimits limits;
  private final RateLimiter rateLimiter;
  private final AuditStore audit;
  /** The node's: the verdicts it remembers serve every instance. */
  private final SqlGuard guard;
  private final KeptQueries kept;
  /** Queries underway on this endpoint; confined to its verticle's context. */
  private final java.util.Set<Attempt> active = new java.util.HashSet<>();
  /**
   * Set when the node begins to shut down: new queries get 503. Volatile and set from the caller's
   * thread at once: a request already read on this event loop must not pass before the drain task runs.
   */
  private volatile boolean draining;

  private final com.pmsrelay.cloud.metrics.RelayMeters meters;

  QueriesEndpoint(GrantStore grants, QueryDispatcher dispatcher, QueryLimits limits, RateLimiter rateLimiter,
      SqlGuard guard, AuditStore audit, KeptQueries kept, com.pmsrelay.cloud.metrics.RelayMeters meters) {
    this.meters = meters;
    this.kept = kept;
    this.grants = grants;
    this.dispatcher = dispatcher;
    this.limits = limits;
    this.rateLimiter = rateLimiter;
    this.audit = audit;
    this.guard = guard;
  }

  /** What is known of one attempt as it goes, for its answer and its audit record. */
  private static final class Attempt {
    final String queryId = UUID.randomUUID().toString();
    final long received = System.nanoTime();
    final String clientId;
    String chain = AuditRecord.NO_PRACTICE;
    QueryBody body;
    StreamedAnswer answer;
    QueryStream stream;

    Attempt(String clientId) {
      this.clientId = clientId;
    }
  }

  void submit(RoutingContext ctx) {
    Attempt attempt = new Attempt(BearerAuth.clientId(ctx));
    active.add(attempt);
    Future.succeededFuture()
        .map(v -> {
          if (draining) {
            throw new RelayException(ErrorCode.SHUTTING_DOWN, "this node is shutting down; retry", 1);
          }
          attempt.body = QueryBody.parse(Requests.jsonBody(ctx), limits.maxSqlChars());
          return Requests.practiceId(ctx);
        })
        .compose(practiceId -> PracticeCall.authorise(grants, practiceId, attempt.clientId, p -> attempt.chain = p))
        .map(grant -> {
          int wait = rateLimiter.take(attempt.clientId, grant.practiceId(), grant.ratePerMinute());
          if (wait > 0) {
            throw new RelayException(ErrorCode.RATE_LIMITED,
                "more than " + grant.ratePerMinute() + " queries a minute to this practice", wait);
          }
          return request(attempt, grant);
        })
        // The agent checks again; checking here too refuses bad SQL before anything travels.
        .compose(query -> PracticeCall.checkStatement(ctx.vertx(), guard, query))
        .compose(query -> answer(ctx, attempt, query))
        .onComplete(done -> {
          active.remove(attempt);
          Throwable cause = done.failed() ? done.cause() : null;
          boolean answered = false;
          String problemQueryId = attempt.queryId;
          if (cause instanceof KeptQueries.AnsweredProblem a) {
            answered = a.answered;
            cause = a.getCause();
          }
          if (cause instanceof KeptQueries.ForQuery f) {
            problemQueryId = f.queryId;
            cause = f.problem;
          }
          RelayException problem = cause == null ? null : asProblem(cause);
          try {
            if (problem != null && !answered && !ctx.response().closed() && !ctx.response().ended()) {
              Problems.send(ctx, problem, problemQueryId);
            }
          } finally {
            KeptQueries.Outcome outcome = done.succeeded() ? done.result() : null;
            if (outcome == null || outcome.outcome() != null) {
              record(attempt, outcome, problem); // after the answer: off its latency, never skipped
            }
          }
        });
  }

  /**
   * Runs the checked query: async (kept, 202), immediate with an idempotency key (answered and
   * kept), or immediate (answered as it streams).
   */
  private Future<KeptQueries.Outcome> answer(RoutingContext ctx, Attempt attempt, QueryRequest query) {
    KeptQueries.Submission submission = new KeptQueries.Submission(attempt.queryId, attempt.clientId, query.practiceId(),
        attempt.chain, attempt.body, attempt.received);
    if ("async".equals(attempt.body.mode())) {
      long budget = Math.min(limits.asyncQueueTimeoutMs(),
          attempt.body.queueTimeoutMs() == null ? Long.MAX_VALUE : attempt.body.queueTimeoutMs());
      QueryRequest async = query.withLimits(query.timeoutMs(), budget, query.maxRows(), query.maxBytes());
      return kept.submitAsync(ctx, submission, async);
    }
    if (attempt.body.idempotencyKey() != null) {
      return kept.immediate(ctx, submission, query, format(ctx), stream -> attempt.stream = stream);
    }
    attempt.stream = dispatcher.dispatch(query, flow -> attempt.answer = new StreamedAnswer(ctx.response(),
        format(ctx), attempt.queryId, attempt.received, flow, () -> attempt.stream.cancel()));
    StreamedAnswer answer = attempt.answer;
    return answer.done().transform(done -> done.succeeded()
        ? Future.succeededFuture(new KeptQueries.Outcome("succeeded", attempt.stream.rows(), attempt.stream.bytes(),
            done.result().queuedMs(), done.result().executionMs()))
        : Future.failedFuture(new KeptQueries.AnsweredProblem(answer.answered(), done.cause())));
  }

  /**
   * Takes no new query, lets those underway finish for up to {@code graceMs}, then ends the rest
   * with 503 {@code shutting_down}. Runs on the verticle's context.
   */
  /** Refuses new queries from now on (any thread). */
  void refuseNew() {
    draining = true;
  }

  Future<Void> drain(io.vertx.core.Vertx vertx, long graceMs) {
    draining = true;
    io.vertx.core.Promise<Void> drained = io.vertx.core.Promise.promise();
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(graceMs);
    vertx.setPeriodic(0, 50, id -> {
      if (active.isEmpty() || System.nanoTime() > deadline) {
        vertx.cancelTimer(id);
        if (!active.isEmpty()) {
          LOG.warn("shutting down: {} queries still underway after {} ms are ended with 503", active.size(), graceMs);
        }
        for (Attempt attempt : java.util.List.copyOf(active)) {
          if (attempt.stream != null) {
            attempt.stream.abort(new RelayException(ErrorCode.SHUTTING_DOWN,
                "this node shut down before the query finished; retry", 1));
          }
        }
        drained.complete();
      }
    });
    return drained.future();
  }

  /** NDJSON when the client accepts it, else the JSON document. */
  private static AnswerFormat format(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    return accept != null && accept.contains("application/x-ndjson") ? AnswerFormat.NDJSON : AnswerFormat.JSON;
  }

  private static RelayException asProblem(Throwable cause) {
    if (cause instanceof RelayException problem) {
      return problem;
    }
    LOG.error("query failed unexpectedly", cause);
    return new RelayException(ErrorCode.INTERNAL_ERROR, "an internal error occurred");
  }

  private void record(Attempt attempt, KeptQueries.Outcome outcome, RelayException problem) {
    QueryStream stream = attempt.stream;
    meters.queryTook(attempt.chain, attempt.clientId, System.nanoTime() - attempt.received);
    AuditRecord entry = AuditRecord.attempt(
        attempt.chain,
        attempt.clientId,
        problem == null ? outcome.outcome() : problem.code().code(),
        attempt.queryId,
        attempt.body == null ? null : attempt.body.sql(),
        attempt.body == null ? null : attempt.body.params().size(),
        outcome != null ? outcome.rows() : stream == null ? null : stream.rows(),
        outcome != null ? outcome.bytes() : stream == null ? null : stream.bytes(),
        outcome == null ? null : outcome.queueMs(),
        outcome == null ? null : outcome.execMs());
    audit.append(entry).onFailure(e -> LOG.error("could not write the audit record of query {}", attempt.queryId, e));
  }

  private QueryRequest request(Attempt attempt, Grant grant) {
    QueryBody body = attempt.body;
    int timeout = min(body.timeoutMs(), limits.defaultTimeoutMs(), limits.maxTimeoutMs(), grant.maxTimeoutMs());
    int queueTimeout = min(body.queueTimeoutMs(), limits.defaultQueueTimeoutMs(), limits.maxQueueTimeoutMs(),
        grant.maxQueueTimeoutMs());
    int maxRows = min(body.maxRows(), limits.defaultMaxRows(), limits.maxRows(), grant.maxRows());
    return new QueryRequest(attempt.queryId, grant.practiceId(), attempt.clientId, body.sql(), body.params(),
        body.catalogue(), timeout, queueTimeout, maxRows, limits.maxResultBytes(), grant.weight(), grant.scopes(),
        QueryRequest.DEFAULT_CREDIT);
  }

  /** The request's value (or the default), never above either cap. */
  private static int min(Integer requested, int defaultValue, int cloudCap, int grantCap) {
    int value = requested == null ? defaultValue : requested;
    return Math.min(value, Math.min(cloudCap, grantCap));
  }


}
