package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.CloudConfig.QueryLimits;
import com.pmsrelay.agent.guard.GuardException;
import com.pmsrelay.agent.guard.ScopeException;
import com.pmsrelay.agent.guard.SqlGuard;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.RateLimiter;
import com.pmsrelay.cloud.dispatch.QueryResult;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code POST /v1/practices/{id}/queries}: checks the grant, caps the limits, dispatches, answers. */
final class QueriesEndpoint {
  private final GrantStore grants;
  private final QueryDispatcher dispatcher;
  private final QueryLimits limits;
  private final RateLimiter rateLimiter;
  private final SqlGuard guard;

  QueriesEndpoint(GrantStore grants, QueryDispatcher dispatcher, QueryLimits limits, RateLimiter rateLimiter) {
    this.grants = grants;
    this.dispatcher = dispatcher;
    this.limits = limits;
    this.rateLimiter = rateLimiter;
    // The agent checks again; checking here too refuses bad SQL before anything travels.
    this.guard = new SqlGuard(limits.maxSqlChars());
  }

  void submit(RoutingContext ctx) {
    String clientId = BearerAuth.clientId(ctx);
    String practiceId = Requests.practiceId(ctx);
    QueryBody body = QueryBody.parse(Requests.jsonBody(ctx), limits.maxSqlChars());
    if (practiceId == null) {
      throw new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice");
    }
    if ("async".equals(body.mode())) {
      throw new RelayException(ErrorCode.NOT_IMPLEMENTED, "async mode is not available yet; use immediate");
    }
    long received = System.nanoTime();
    String queryId = UUID.randomUUID().toString();
    grants.find(practiceId, clientId)
        .map(found -> allowed(found.orElse(null)))
        .map(grant -> {
          int wait = rateLimiter.take(clientId, practiceId, grant.ratePerMinute());
          if (wait > 0) {
            throw new RelayException(ErrorCode.RATE_LIMITED, "more than " + grant.ratePerMinute()
                + " queries a minute to this practice", wait);
          }
          return request(queryId, clientId, practiceId, body, grant);
        })
        .compose(query -> ctx.vertx().executeBlocking(() -> checked(query), false))
        .onFailure(e -> Problems.send(ctx, e instanceof RelayException r ? r
            : new RelayException(ErrorCode.INTERNAL_ERROR, "an internal error occurred"), queryId))
        .onSuccess(query -> run(ctx, query, received));
  }

  /** The cloud's own reading of the SQL and the scopes (the agent repeats both). */
  private QueryRequest checked(QueryRequest query) {
    try {
      guard.checkScope(guard.check(query.sql()), query.scopes().stream().map(String::valueOf).toList());
      return query;
    } catch (GuardException e) {
      throw new RelayException(ErrorCode.SQL_REJECTED, e.getMessage());
    } catch (ScopeException e) {
      throw new RelayException(ErrorCode.SCOPE_DENIED, e.getMessage());
    }
  }

  private void run(RoutingContext ctx, QueryRequest query, long received) {
    QueryDispatcher.Run run = dispatcher.immediate(query);
    ctx.response().closeHandler(v -> run.cancel());
    run.result().onComplete(result -> {
      if (ctx.response().closed() || ctx.response().ended()) {
        return;
      }
      if (result.failed()) {
        Throwable cause = result.cause();
        if (cause instanceof RelayException problem) {
          Problems.send(ctx, problem, query.queryId());
        } else {
          ctx.fail(cause);
        }
        return;
      }
      Json.ok(ctx, answer(query.queryId(), result.result(), received));
    });
  }

  /** The grant if it lets the integrator query now; otherwise the problem, without existence leaks. */
  static Grant allowed(Grant grant) {
    if (grant == null) {
      throw new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice");
    }
    return switch (grant.status()) {
      case ENABLED -> grant;
      case DISABLED -> throw new RelayException(ErrorCode.INTEGRATION_DISABLED, "the practice has disabled this integration");
      case BLOCKED -> throw new RelayException(ErrorCode.INTEGRATION_BLOCKED, "the practice has blocked this integration");
      case PENDING -> throw new RelayException(ErrorCode.PRACTICE_NOT_FOUND, "no such practice");
    };
  }

  private QueryRequest request(String queryId, String clientId, String practiceId, QueryBody body, Grant grant) {
    int timeout = min(body.timeoutMs(), limits.defaultTimeoutMs(), limits.maxTimeoutMs(), grant.maxTimeoutMs());
    int queueTimeout = min(body.queueTimeoutMs(), limits.defaultQueueTimeoutMs(), limits.maxQueueTimeoutMs(),
        grant.maxQueueTimeoutMs());
    int maxRows = min(body.maxRows(), limits.defaultMaxRows(), limits.maxRows(), grant.maxRows());
    return new QueryRequest(queryId, practiceId, clientId, body.sql(), body.params(),
        body.catalogue(), timeout, queueTimeout, maxRows, grant.weight(), grant.scopes());
  }

  /** The request's value (or the default), never above either cap. */
  private static int min(Integer requested, int defaultValue, int cloudCap, int grantCap) {
    int value = requested == null ? defaultValue : requested;
    return Math.min(value, Math.min(cloudCap, grantCap));
  }

  private static JsonObject answer(String queryId, QueryResult r, long received) {
    long totalMs = (System.nanoTime() - received) / 1_000_000;
    return new JsonObject()
        .put("queryId", queryId)
        .put("status", "succeeded")
        .put("columns", r.columns())
        .put("rows", r.rows())
        .put("rowCount", r.rowCount())
        .put("truncated", r.truncated())
        .put("timing", new JsonObject().put("queuedMs", r.queuedMs()).put("executionMs", r.executionMs()).put("totalMs", totalMs));
  }
}
