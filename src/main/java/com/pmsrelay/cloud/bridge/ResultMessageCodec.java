package com.pmsrelay.cloud.bridge;

import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Carries a result message from the agent's socket to the query's reader: as the same object on
 * this node (the bridge read it and keeps no reference), as its encoded bytes across the cluster.
 */
public final class ResultMessageCodec implements MessageCodec<ResultMessage, ResultMessage> {
  static final String NAME = "pms-relay-result-message";
  public static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME);
  /** How a bridge sends one query's result message to its dispatching node's inbox. */
  public static DeliveryOptions to(String queryId) {
    return new DeliveryOptions(DELIVERY).addHeader(com.pmsrelay.common.protocol.Addresses.INBOX_QUERY_HEADER, queryId);
  }

  /** Registers the codec once per event bus (several nodes may share one Vert.x in tests). */
  public static void registerOn(EventBus bus) {
    try {
      bus.registerCodec(new ResultMessageCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another node of this Vert.x registered it
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, ResultMessage message) {
    Buffer encoded = message.encoded();
    buffer.appendInt(encoded.length()).appendBuffer(encoded);
  }

  @Override
  public ResultMessage decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    try {
      return ResultMessage.decode(buffer.slice(pos + 4, pos + 4 + length));
    } catch (ResultMessage.MalformedException e) {
      throw new IllegalStateException("a result message from another node cannot be read: " + e.getMessage());
    }
  }

  @Override
  public ResultMessage transform(ResultMessage message) {
    return message;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
