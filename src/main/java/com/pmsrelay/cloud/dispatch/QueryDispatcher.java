package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;

/**
 * Sends a query to its practice's agent over the event bus and gathers the streamed answer. The
 * agent's address exists only while its socket is connected to some cloud node, so "no handler"
 * means the agent is offline, known at once rather than at a time-out.
 */
public final class QueryDispatcher {
  /** How long the bridge node may take to accept a dispatch before the agent counts as offline. */
  private static final long ACCEPT_TIMEOUT_MS = 2_000;
  /** Slack beyond the agent's own deadlines, so the agent's answer normally arrives first. */
  private static final long DEADLINE_SLACK_MS = 2_000;

  private final Vertx vertx;
  private final long maxResultBytes;

  public QueryDispatcher(Vertx vertx, long maxResultBytes) {
    this.vertx = vertx;
    this.maxResultBytes = maxResultBytes;
  }

  /** A query underway; {@link #cancel()} asks the agent to stop it. */
  public final class Run {
    private final QueryRequest query;
    private final Promise<QueryResult> promise = Promise.promise();

    private Run(QueryRequest query) {
      this.query = query;
    }

    public Future<QueryResult> result() {
      return promise.future();
    }

    public void cancel() {
      if (!promise.future().isComplete()) {
        promise.tryFail(new RelayException(ErrorCode.QUERY_TIMEOUT, "the query was cancelled"));
        vertx.eventBus().send(Addresses.practice(query.practiceId()), QueryRequest.cancel(query.queryId()));
      }
    }
  }

  public Run immediate(QueryRequest query) {
    Run run = new Run(query);
    ResultCollector collector = new ResultCollector(maxResultBytes);
    MessageConsumer<JsonObject> stream = vertx.eventBus().consumer(Addresses.stream(query.queryId()));
    stream.handler(message -> {
      try {
        if (collector.accept(message.body())) {
          run.promise.tryComplete(collector.result());
        }
      } catch (RelayException e) {
        run.promise.tryFail(e);
      }
    });
    long deadline = query.timeoutMs() + query.queueTimeoutMs() + DEADLINE_SLACK_MS;
    long timer = vertx.setTimer(deadline, id -> {
      if (run.promise.tryFail(new RelayException(ErrorCode.QUERY_TIMEOUT,
          "no answer from the agent within " + deadline + " ms"))) {
        vertx.eventBus().send(Addresses.practice(query.practiceId()), QueryRequest.cancel(query.queryId()));
      }
    });
    run.promise.future().onComplete(done -> {
      vertx.cancelTimer(timer);
      stream.unregister();
    });
    stream.completion()
        .compose(v -> vertx.eventBus().<JsonObject>request(Addresses.practice(query.practiceId()), query.toJson(),
            new DeliveryOptions().setSendTimeout(ACCEPT_TIMEOUT_MS)))
        .onFailure(e -> run.promise.tryFail(dispatchFailure(e)));
    return run;
  }

  private static RelayException dispatchFailure(Throwable e) {
    if (e instanceof ReplyException reply
        && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT)) {
      return new RelayException(ErrorCode.AGENT_OFFLINE, "the practice's agent is not connected", 5);
    }
    return new RelayException(ErrorCode.AGENT_OFFLINE, "the practice's agent could not be reached", 5);
  }
}
