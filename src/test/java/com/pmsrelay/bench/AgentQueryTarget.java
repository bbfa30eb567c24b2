package com.pmsrelay.bench;

import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import java.util.UUID;
import java.util.function.IntFunction;

/**
 * An integrator's queries handed straight to the agent's executor, as the agent link would hand
 * them over, without HTTP, cloud or bridge: what the agent alone does with a flood. Answers carry
 * the HTTP status the cloud would give each error code.
 */
record AgentQueryTarget(Vertx vertx, QueryExecutor executor, String clientId, String sql,
    IntFunction<JsonArray> params, int queryTimeoutMs, long clientTimeoutMs) implements QueryTarget {

  @Override
  public Future<Answer> send(int i) {
    Context context = vertx.getOrCreateContext();
    Promise<Answer> answer = Promise.promise();
    String queryId = UUID.randomUUID().toString();
    long timer = vertx.setTimer(clientTimeoutMs, id -> {
      if (answer.tryComplete(Answer.of(Answer.CLIENT_TIMEOUT))) {
        executor.cancel(queryId);
      }
    });
    QueryRequest request = new QueryRequest(queryId, "bench-practice", clientId, sql, params.apply(i), null,
        queryTimeoutMs, queryTimeoutMs, 1_000, Long.MAX_VALUE, 1, new JsonArray(), QueryRequest.DEFAULT_CREDIT);
    executor.submit(request, (sent, deadlineNanos) -> {
      if (sent.last()) {
        ResultMessage message;
        try {
          message = ResultMessage.decode(sent.body());
        } catch (ResultMessage.MalformedException e) {
          throw new IllegalStateException(e);
        }
        Answer a = message.end() != null
            ? new Answer(Answer.OK, message.end().queuedMs(), message.end().executionMs(), -1)
            : Answer.refused(status(message.error().code().code()), message.error().code().code(), message.error().detail());
        context.runOnContext(v -> {
          vertx.cancelTimer(timer);
          answer.tryComplete(a);
        });
      }
      return true;
    });
    return answer.future();
  }

  private static int status(String code) {
    try {
      return ErrorCode.fromCode(code).status();
    } catch (RuntimeException e) {
      return 500;
    }
  }
}
