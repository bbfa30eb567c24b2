package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.SchemaRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;

/**
 * Sends queries to their practices' agents over the event bus and streams the answers to their
 * consumers ({@link QueryStream}). The agent's address exists only while its socket is connected
 * to some cloud node, so "no handler" means the agent is offline, known at once rather than at a
 * time-out.
 */
public final class QueryDispatcher implements Lifecycle {
  private final Vertx vertx;
  private final long ackTimeoutMs;
  private final QueriesByNode byNode = new QueriesByNode();
  private MessageConsumer<JsonObject> agentMoves;
  /** One inbox per event loop (its own context), made on the first dispatch from it. */
  private final java.util.concurrent.ConcurrentHashMap<ContextInternal, StreamInbox> inboxes =
      new java.util.concurrent.ConcurrentHashMap<>();

  public QueryDispatcher(Vertx vertx, long ackTimeoutMs, com.pmsrelay.cloud.cluster.ClusterView cluster) {
    this.vertx = vertx;
    this.ackTimeoutMs = ackTimeoutMs;
    cluster.onNodeLeft(byNode::nodeLeft);
  }

  /** Listens for agents that move between nodes; deployed with the node ({@link Lifecycle}). */
  @Override
  public Future<Void> start() {
    agentMoves = vertx.eventBus().<JsonObject>consumer(Addresses.AGENT_MOVED,
        m -> byNode.agentMoved(m.body().getString("practiceId", ""), m.body().getString("node", "")));
    return agentMoves.completion();
  }

  @Override
  public Future<Void> stop() {
    return agentMoves == null ? Future.succeededFuture() : agentMoves.unregister();
  }

  /**
   * Dispatches {@code query}; its result goes, on the calling context, to the consumer that
   * {@code consumer} makes with the flow it may pause.
   */
  public QueryStream dispatch(QueryRequest query, java.util.function.Function<Flow, ResultConsumer> consumer) {
    // Keyed by the event loop's own context, not the calling one: every HTTP request runs on a
    // duplicate of it, and an inbox per duplicate was a consumer (a cluster registration) per query.
    ContextInternal loop = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    StreamInbox inbox = inboxes.computeIfAbsent(loop, context -> new StreamInbox(vertx));
    QueryStream stream = new QueryStream(vertx, query, query.toJson(), ackTimeoutMs, byNode, inbox);
    stream.start(consumer.apply(stream));
    return stream;
  }

  /**
   * Dispatches {@code wire}, a request of another kind answered like a query (a registered query's
   * changed result, fetched from its agent), checked against {@code shape}'s id, practice and caps.
   */
  public QueryStream dispatch(QueryRequest shape, JsonObject wire, java.util.function.Function<Flow, ResultConsumer> consumer) {
    ContextInternal loop = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    StreamInbox inbox = inboxes.computeIfAbsent(loop, context -> new StreamInbox(vertx));
    QueryStream stream = new QueryStream(vertx, shape, wire, ackTimeoutMs, byNode, inbox);
    stream.start(consumer.apply(stream));
    return stream;
  }

  /**
   * Dispatches a schema request: answered like a query (a result stream, checked and credited
   * the same way), to the consumer {@code consumer} makes.
   */
  public QueryStream dispatch(SchemaRequest request, java.util.function.Function<Flow, ResultConsumer> consumer) {
    ContextInternal loop = ((ContextInternal) vertx.getOrCreateContext()).unwrap();
    StreamInbox inbox = inboxes.computeIfAbsent(loop, context -> new StreamInbox(vertx));
    QueryStream stream = new QueryStream(vertx, request.asQuery(null), request.toJson(), ackTimeoutMs, byNode, inbox);
    stream.start(consumer.apply(stream));
    return stream;
  }
}
