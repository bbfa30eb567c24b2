package com.pmsrelay.cloud.dispatch;

import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The result messages of every query dispatched from one context (event loop) of this node, under
 * one event-bus address: registered in the cluster once, where a consumer per query would add and
 * remove a cluster registry entry (a Hazelcast round trip) for every query. Messages name their
 * query in a header and are handed to its {@link QueryStream} on this context, as a consumer of its
 * own would have been. Confined to that context.
 */
final class StreamInbox {

  private final String address = Addresses.inbox(UUID.randomUUID().toString());
  private final Map<String, QueryStream> streams = new HashMap<>();
  private final MessageConsumer<ResultMessage> consumer;

  StreamInbox(Vertx vertx) {
    consumer = vertx.eventBus().consumer(address, this::onMessage);
  }

  String address() {
    return address;
  }

  /** Completes once the address is known to the cluster. */
  Future<Void> ready() {
    return consumer.completion();
  }

  void add(String queryId, QueryStream stream) {
    streams.put(queryId, stream);
  }

  void remove(String queryId) {
    streams.remove(queryId);
  }

  private void onMessage(Message<ResultMessage> delivery) {
    QueryStream stream = streams.get(delivery.headers().get(Addresses.INBOX_QUERY_HEADER));
    if (stream != null) {
      stream.onMessage(delivery.body());
    } // else: a late message of a query that ended here; dropped by design
  }
}
