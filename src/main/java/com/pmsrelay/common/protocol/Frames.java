package com.pmsrelay.common.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * The bridge wire format, the same as Vert.x's TCP event-bus bridge: a 4-byte big-endian length,
 * then that many bytes of UTF-8 JSON. Frame types in (agent to cloud): {@code send},
 * {@code register}, {@code unregister}, {@code ping}; out: {@code message}, {@code err},
 * {@code pong}.
 */
public final class Frames {
  private Frames() {}

  public static Buffer encode(JsonObject frame) {
    return append(Buffer.buffer(), frame);
  }

  /** Appends {@code frame} to {@code frames}, so that several frames go out in one write. */
  public static Buffer append(Buffer frames, JsonObject frame) {
    Buffer json = frame.toBuffer();
    return frames.appendInt(json.length()).appendBuffer(json);
  }

  /**
   * Appends a {@code send} of an already encoded body (a result message) to {@code frames}, so the
   * body's bytes are not decoded and encoded again.
   */
  public static Buffer appendSend(Buffer frames, String address, Buffer body) {
    Buffer head = Buffer.buffer("{\"type\":\"send\",\"address\":").appendString(JsonText.quote(address))
        .appendString(",\"body\":");
    return frames.appendInt(head.length() + body.length() + 1).appendBuffer(head).appendBuffer(body).appendByte((byte) '}');
  }

  public static JsonObject send(String address, JsonObject body) {
    return new JsonObject().put("type", "send").put("address", address).put("body", body);
  }

  public static JsonObject send(String address, JsonObject body, String replyAddress) {
    return send(address, body).put("replyAddress", replyAddress);
  }

  public static JsonObject register(String address) {
    return new JsonObject().put("type", "register").put("address", address);
  }

  public static JsonObject ping() {
    return new JsonObject().put("type", "ping");
  }

  /** A heartbeat carrying the agent's load (queries waiting and running now). */
  public static JsonObject ping(int queued, int running) {
    return ping().put("body", new JsonObject().put("queued", queued).put("running", running));
  }

  /**
   * A heartbeat with the agent's whole load: also its adaptive concurrency limit and its circuit
   * breaker's state ({@code CLOSED}, {@code OPEN}, {@code HALF_OPEN}), for the cloud's metrics.
   */
  public static JsonObject ping(int queued, int running, int limit, String circuit) {
    JsonObject frame = ping(queued, running);
    frame.getJsonObject("body").put("limit", limit).put("circuit", circuit);
    return frame;
  }

  public static JsonObject pong() {
    return new JsonObject().put("type", "pong");
  }

  public static JsonObject message(String address, JsonObject body, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "message").put("address", address).put("body", body);
    if (replyAddress != null) {
      frame.put("replyAddress", replyAddress);
    }
    return frame;
  }

  public static JsonObject err(String message) {
    return new JsonObject().put("type", "err").put("message", message);
  }
}
