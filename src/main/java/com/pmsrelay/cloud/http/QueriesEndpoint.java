package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.CloudConfig.QueryLimits;
import com.pmsrelay.cloud.dispatch.QueryDispatcher;
import com.pmsrelay.cloud.dispatch.QueryResult;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;

/** {@code POST /v1/practices/{id}/queries}: checks the grant, caps the limits, dispatches, answers. */
final class QueriesEndpoint {
  private final GrantStore grants;
  private final QueryDispatcher dispatcher;
  private final QueryLimits limits;

  QueriesEndpoint(GrantStore grants, QueryDispatcher dispatcher, QueryLimits limits) {
    this.grants = grants;
    this.dispatcher = dispatcher;
    this.limits = limits;
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
    grants.find(practiceId, clientId)
        .compose(found -> Future.succeededFuture(allowed(found.orElse(null))))
        .onFailure(ctx::fail)
        .onSuccess(grant -> run(ctx, request(clientId, practiceId, body, grant), received));
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

  private QueryRequest request(String clientId, String practiceId, QueryBody body, Grant grant) {
    int timeout = min(body.timeoutMs(), limits.defaultTimeoutMs(), limits.maxTimeoutMs(), grant.maxTimeoutMs());
    int queueTimeout = min(body.queueTimeoutMs(), limits.defaultQueueTimeoutMs(), limits.maxQueueTimeoutMs(),
        grant.maxQueueTimeoutMs());
    int maxRows = min(body.maxRows(), limits.defaultMaxRows(), limits.maxRows(), grant.maxRows());
    return new QueryRequest(UUID.randomUUID().toString(), practiceId, clientId, body.sql(), body.params(),
        body.catalogue(), timeout, queueTimeout, maxRows, grant.weight());
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
