package com.pmsrelay.cloud.bridge;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * Carries a result-stream message from the agent's socket to the query's collector without the
 * deep copy Vert.x's JSON codec makes for a local delivery: the bridge decoded the message from
 * the socket and hands it over, keeping no reference. Across nodes it travels as JSON.
 */
final class StreamChunkCodec implements MessageCodec<JsonObject, JsonObject> {
  static final String NAME = "pms-relay-stream-chunk";
  static final DeliveryOptions DELIVERY = new DeliveryOptions().setCodecName(NAME);

  /** Registers the codec once per event bus (several nodes may share one Vert.x in tests). */
  static void registerOn(EventBus bus) {
    try {
      bus.registerCodec(new StreamChunkCodec());
    } catch (IllegalStateException alreadyRegistered) {
      // another node of this Vert.x registered it
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject chunk) {
    Buffer json = chunk.toBuffer();
    buffer.appendInt(json.length()).appendBuffer(json);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    return new JsonObject(buffer.slice(pos + 4, pos + 4 + length));
  }

  @Override
  public JsonObject transform(JsonObject chunk) {
    return chunk;
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
