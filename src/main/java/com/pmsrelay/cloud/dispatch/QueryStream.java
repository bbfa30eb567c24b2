package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One query underway, from the dispatching node's side: sends it to the practice's agent,
 * checks its result messages (in order, columns first, exactly one end, the rows the end
 * announces, within the byte cap) and hands them to its {@link ResultConsumer}, and grants the
 * agent credit as the consumer takes them, so that at most the query's credit of messages is
 * ever on its way or waiting. Fails at once when the agent is not connected, has gone, or does
 * not acknowledge the query in time; at its deadline otherwise. Confined to the dispatching
 * context.
 */
public final class QueryStream implements Flow {
  private static final Logger LOG = LoggerFactory.getLogger(QueryStream.class);
  /** How long the bridge node may take to accept a dispatch before the agent counts as offline. */
  private static final long ACCEPT_TIMEOUT_MS = 2_000;
  /** Slack beyond the agent's own deadlines, so the agent's answer normally arrives first. */
  private static final long DEADLINE_SLACK_MS = 2_000;
  /** Retry-After for a query whose agent went away or is not there. */
  static final int AGENT_RETRY_SECONDS = 5;
  /**
   * The problems an agent may end a stream with (and the cloud's own AGENT_OFFLINE when its socket
   * closes, and the grant refusals it sends the agent with {@code cancelClient}). Its own failures ({@code internal_error}, or a code this cloud does not know) are 502
   * {@code agent_error}, not the relay's 500; any other code is the agent breaking the protocol
   * (also 502), never passed on to mislead the integrator (say {@code invalid_token}).
   */
  private static final java.util.Set<ErrorCode> AGENT_CODES = java.util.EnumSet.of(ErrorCode.INVALID_REQUEST,
      ErrorCode.CATALOGUE_NOT_FOUND,
      ErrorCode.SQL_REJECTED, ErrorCode.SCOPE_DENIED, ErrorCode.PRACTICE_NOT_FOUND, ErrorCode.EXECUTION_FAILED,
      ErrorCode.ROW_TOO_LARGE, ErrorCode.QUEUE_FULL, ErrorCode.AGENT_OFFLINE, ErrorCode.PMS_UNAVAILABLE,
      ErrorCode.QUERY_INTERRUPTED, ErrorCode.QUEUE_TIMEOUT, ErrorCode.QUERY_TIMEOUT,
      // the cloud's own refusals, which the agent echoes when told to drop an integrator's queue
      ErrorCode.INTEGRATION_DISABLED, ErrorCode.INTEGRATION_BLOCKED);

  private final Vertx vertx;
  private final QueryRequest query;
  /** What goes to the agent: the query, or a request of another kind in its shape (schema discovery). */
  private final JsonObject wire;
  private ResultConsumer consumer;
  private final long ackTimeoutMs;
  private final String practiceAddress;
  /** Where the bridge sends this query's result messages (shared by the queries of this context). */
  private final StreamInbox inbox;
  private long dispatchedAtMs;
  private long ackTimer = -1;
  private long deadlineTimer = -1;
  private boolean acknowledged;
  private boolean columnsSeen;
  private long expectedSeq;
  private long rows;
  private long bytes;
  private boolean paused;
  private int owed;
  private boolean finished;
  /** The agent's boot (process run) that took the query, once the bridge accepted it. */
  private String acceptedBy;
  private final io.vertx.core.Promise<String> accepted = io.vertx.core.Promise.promise();
  private final QueriesByNode byNode;
  /** The dispatching context: everything here runs on it. */
  private io.vertx.core.Context context;

  QueryStream(Vertx vertx, QueryRequest query, JsonObject wire, long ackTimeoutMs, QueriesByNode byNode,
      StreamInbox inbox) {
    this.vertx = vertx;
    this.inbox = inbox;
    this.query = query;
    this.wire = wire;
    this.ackTimeoutMs = ackTimeoutMs;
    this.byNode = byNode;
    this.practiceAddress = Addresses.practice(query.practiceId());
  }

  void start(ResultConsumer reader) {
    this.consumer = reader;
    this.context = vertx.getOrCreateContext();
    inbox.add(query.queryId(), this);
    dispatchedAtMs = System.currentTimeMillis();
    ackTimer = vertx.setTimer(ackTimeoutMs, id -> unacknowledged());
    long deadline = query.timeoutMs() + query.queueTimeoutMs() + DEADLINE_SLACK_MS;
    deadlineTimer = vertx.setTimer(deadline, id -> {
      if (!finished) {
        stopAtAgent();
        fail(new RelayException(ErrorCode.QUERY_TIMEOUT, "no answer from the agent within " + deadline + " ms"));
      }
    });
    inbox.ready()
        .compose(v -> vertx.eventBus().<JsonObject>request(practiceAddress,
            wire.copy().put(QueryRequest.INBOX, inbox.address()), new DeliveryOptions().setSendTimeout(ACCEPT_TIMEOUT_MS)))
        .onSuccess(reply -> {
          acceptedBy = reply.body().getString("bootId");
          if (!finished && reply.body().getValue("node") instanceof String node) {
            byNode.carriedBy(this, node);
          }
          accepted.tryComplete(acceptedBy);
        })
        .onFailure(e -> fail(dispatchFailure(e)));
  }

  public String queryId() {
    return query.queryId();
  }

  String practiceId() {
    return query.practiceId();
  }

  /** The boot of the agent that took the query, once known (a resend must reach the same one). */
  public String acceptedBy() {
    return acceptedBy;
  }

  /** Completes with the agent run's id when the node holding its socket has sent it the query. */
  public Future<String> accepted() {
    return accepted.future();
  }

  /** Whether the agent was heard from about this query (it has it). */
  public boolean acknowledged() {
    return acknowledged;
  }

  /** Rows received so far. */
  public long rows() {
    return rows;
  }

  /** Bytes of rows received so far. */
  public long bytes() {
    return bytes;
  }

  /** The consumer can take no more for now: no credit is granted until {@link #resume()}. */
  @Override
  public void pause() {
    paused = true;
  }

  @Override
  public void resume() {
    paused = false;
    grant();
  }

  /** Stops the query (its reader went away); the consumer hears nothing more. */
  public void cancel() {
    if (!finished) {
      finish();
      stopAtAgent();
    }
  }

  /** Stops the query and fails it with {@code problem} (the node is shutting down, say). */
  public void abort(RelayException problem) {
    if (!finished) {
      stopAtAgent();
      fail(problem);
    }
  }

  /** A result message from the agent, handed over by the inbox on this stream's context. */
  void onMessage(ResultMessage message) {
    if (finished) {
      return;
    }
    if (!acknowledged) {
      acknowledged = true;
      vertx.cancelTimer(ackTimer);
    }
    if (message.isAck()) {
      return;
    }
    if (message.error() != null) {
      ErrorCode code = message.error().code();
      if (code == ErrorCode.INTERNAL_ERROR) { // the agent failed, or sent a code this cloud does not know
        fail(new RelayException(ErrorCode.AGENT_ERROR, "the practice's agent failed: " + message.error().detail()));
        return;
      }
      if (!AGENT_CODES.contains(code)) {
        violation("an error the agent may not send (" + code.code() + ")");
        return;
      }
      fail(new RelayException(code, message.error().detail(), retryAfter(code)));
      return;
    }
    if (message.seq() != expectedSeq) {
      violation("expected message " + expectedSeq + ", got " + message.seq());
      return;
    }
    expectedSeq++;
    boolean hasColumns = message.columns() != null;
    if (hasColumns && columnsSeen) {
      violation("columns sent twice");
      return;
    }
    if (!hasColumns && !columnsSeen) {
      violation("rows or end before the columns");
      return;
    }
    columnsSeen = true;
    rows += message.rows().count();
    bytes += message.rows().bytes();
    if (bytes > query.maxBytes() + message.rows().bytes() || rows > query.maxRows()) {
      violation("more rows than the query's caps");
      return;
    }
    if (message.end() != null && message.end().rowCount() != rows) {
      violation("the end announces " + message.end().rowCount() + " rows, " + rows + " came");
      return;
    }
    if (!message.rows().isEmpty()) {
      owed++;
    }
    if (message.end() != null) {
      finish();
    }
    consumer.next(message.columns(), message.rows(), message.end());
    grant();
  }

  /** Grants the agent the credit the consumer has freed, unless it is paused. */
  private void grant() {
    if (!paused && owed > 0 && !finished) {
      vertx.eventBus().send(practiceAddress, QueryRequest.credit(query.queryId(), owed));
      owed = 0;
    }
  }

  /**
   * Nothing came from the agent for the query within the ack time-out: it may be frozen with its
   * connection up. The node holding its socket decides whether to mark it unresponsive.
   */
  private void unacknowledged() {
    if (finished || acknowledged) {
      return;
    }
    vertx.eventBus().send(practiceAddress, QueryRequest.unacknowledged(query.queryId(), dispatchedAtMs));
    stopAtAgent();
    fail(new RelayException(ErrorCode.AGENT_OFFLINE,
        "the practice's agent did not acknowledge the query within " + ackTimeoutMs + " ms", AGENT_RETRY_SECONDS));
  }

  /** The cloud node holding the agent's socket left the cluster: no answer can come any more. */
  void carrierLost() {
    context.runOnContext(v -> fail(new RelayException(ErrorCode.AGENT_OFFLINE,
        "the cloud node holding the practice's connection is gone; the agent reconnects to another", AGENT_RETRY_SECONDS)));
  }

  private void violation(String what) {
    LOG.warn("the result stream of query {} from the agent of practice {} broke the protocol: {}", query.queryId(),
        query.practiceId(), what);
    stopAtAgent();
    fail(new RelayException(ErrorCode.AGENT_ERROR, "the result stream from the practice's agent was broken"));
  }

  private void stopAtAgent() {
    vertx.eventBus().send(practiceAddress, QueryRequest.cancel(query.queryId()));
  }

  private void fail(RelayException problem) {
    if (!finished) {
      finish();
      consumer.failed(problem);
    }
  }

  private void finish() {
    finished = true;
    byNode.done(this);
    vertx.cancelTimer(ackTimer);
    vertx.cancelTimer(deadlineTimer);
    inbox.remove(query.queryId());
  }

  private static RelayException dispatchFailure(Throwable e) {
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
        && reply.failureCode() == com.pmsrelay.common.protocol.SchemaRequest.NOT_SUPPORTED) {
      return new RelayException(ErrorCode.AGENT_OUTDATED, reply.getMessage());
    }
    if (e instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return new RelayException(ErrorCode.AGENT_OFFLINE, reply.getMessage(), AGENT_RETRY_SECONDS);
    }
    if (e instanceof ReplyException reply
        && (reply.failureType() == ReplyFailure.NO_HANDLERS || reply.failureType() == ReplyFailure.TIMEOUT)) {
      return new RelayException(ErrorCode.AGENT_OFFLINE, "the practice's agent is not connected", AGENT_RETRY_SECONDS);
    }
    return new RelayException(ErrorCode.AGENT_OFFLINE, "the practice's agent could not be reached", AGENT_RETRY_SECONDS);
  }

  /** Seconds a client should wait before retrying, for the codes that carry Retry-After. */
  static Integer retryAfter(ErrorCode code) {
    return switch (code) {
      case QUEUE_FULL -> 1;
      case AGENT_OFFLINE, PMS_UNAVAILABLE -> AGENT_RETRY_SECONDS;
      default -> null;
    };
  }
}
