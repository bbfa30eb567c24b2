package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Vertx;

/**
 * Sends queries to their practices' agents over the event bus and streams the answers to their
 * consumers ({@link QueryStream}). The agent's address exists only while its socket is connected
 * to some cloud node, so "no handler" means the agent is offline, known at once rather than at a
 * time-out.
 */
public final class QueryDispatcher {
  private final Vertx vertx;
  private final long ackTimeoutMs;
  private final QueriesByNode byNode = new QueriesByNode();
  /** One inbox per dispatching context (its event loop), made on the first dispatch from it. */
  private final java.util.concurrent.ConcurrentHashMap<io.vertx.core.Context, StreamInbox> inboxes =
      new java.util.concurrent.ConcurrentHashMap<>();

  public QueryDispatcher(Vertx vertx, long ackTimeoutMs) {
    this(vertx, ackTimeoutMs, com.pmsrelay.cloud.cluster.ClusterView.of(vertx));
  }

  public QueryDispatcher(Vertx vertx, long ackTimeoutMs, com.pmsrelay.cloud.cluster.ClusterView cluster) {
    this.vertx = vertx;
    this.ackTimeoutMs = ackTimeoutMs;
    cluster.onNodeLeft(byNode::nodeLeft);
  }

  /**
   * Dispatches {@code query}; its result goes, on the calling context, to the consumer that
   * {@code consumer} makes with the flow it may pause.
   */
  public QueryStream dispatch(QueryRequest query, java.util.function.Function<Flow, ResultConsumer> consumer) {
    StreamInbox inbox = inboxes.computeIfAbsent(vertx.getOrCreateContext(), context -> new StreamInbox(vertx));
    QueryStream stream = new QueryStream(vertx, query, ackTimeoutMs, byNode, inbox);
    stream.start(consumer.apply(stream));
    return stream;
  }
}
