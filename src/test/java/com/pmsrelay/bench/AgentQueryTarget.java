package com.pmsrelay.bench;

import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
        queryTimeoutMs, queryTimeoutMs, 1_000, 1, new JsonArray());
    executor.submit(request, (messages, deadlineNanos) -> {
      JsonObject message = messages.get(messages.size() - 1);
      String kind = message.getString(StreamMessages.KIND);
      if (StreamMessages.END.equals(kind) || StreamMessages.ERROR.equals(kind)) {
        Answer a = StreamMessages.END.equals(kind)
            ? new Answer(Answer.OK, message.getLong("queuedMs", -1L), message.getLong("executionMs", -1L), -1)
            : Answer.refused(status(message.getString("code")), message.getString("code"), message.getString("detail"));
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
