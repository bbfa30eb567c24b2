package com.pmsrelay.fuzz;

import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.ArrayDeque;

/**
 * One socket to the cloud's bridge, as a fuzzer drives it: raw bytes out, the cloud's frames in,
 * read one at a time. {@link #next} answers null when the cloud closed the socket or said nothing
 * in time. Confined to the client Vert.x's event loop that connected it.
 */
final class BridgePeer {
  /** What the cloud's bridge refuses with: its err frame's message, or "closed" without one. */
  static final String CLOSED = "closed";

  private final Vertx vertx;
  private final NetSocket socket;
  private final ArrayDeque<JsonObject> received = new ArrayDeque<>();
  private Promise<JsonObject> waiting;
  private long waitTimer = -1;
  private boolean closed;
  private JsonObject matched;

  private BridgePeer(Vertx vertx, NetSocket socket) {
    this.vertx = vertx;
    this.socket = socket;
    socket.handler(FrameReader.ofJson(8 << 20, this::onFrame, reason -> socket.close()));
    socket.closeHandler(v -> {
      closed = true;
      deliver(null);
    });
    socket.exceptionHandler(e -> { });
  }

  static Future<BridgePeer> connect(Vertx vertx, NetClient client, int port) {
    return client.connect(port, "127.0.0.1").map(socket -> new BridgePeer(vertx, socket));
  }

  /** Connects and authenticates as {@code practiceId} with {@code key}; fails if the cloud refuses. */
  static Future<BridgePeer> authenticated(Vertx vertx, NetClient client, int port, String practiceId, String key,
      boolean register) {
    return connect(vertx, client, port).compose(peer -> {
      peer.write(Frames.encode(Frames.send(Addresses.AGENT_AUTH, credentials(practiceId, key), "auth-reply")));
      return peer.next(5_000).compose(reply -> {
        if (reply == null || !"message".equals(reply.getString("type"))) {
          peer.close();
          return Future.failedFuture("authentication refused: " + reply);
        }
        if (register) {
          peer.write(Frames.encode(Frames.register(Addresses.practice(practiceId))));
        }
        return Future.succeededFuture(peer);
      });
    });
  }

  static JsonObject credentials(String practiceId, String key) {
    return new JsonObject().put("practiceId", practiceId).put("agentKey", key).put("agentVersion", "fuzz")
        .put("bootId", "fuzz-boot").put("pms", new JsonObject().put("kind", "fuzz").put("version", "1"));
  }

  void write(Buffer bytes) {
    if (!closed) {
      socket.write(bytes);
    }
  }

  /** The next frame from the cloud; null once it closed the socket, or after {@code timeoutMs} of silence. */
  Future<JsonObject> next(long timeoutMs) {
    if (!received.isEmpty()) {
      return Future.succeededFuture(received.poll());
    }
    if (closed) {
      return Future.succeededFuture(null);
    }
    waiting = Promise.promise();
    Promise<JsonObject> mine = waiting;
    waitTimer = vertx.setTimer(timeoutMs, id -> {
      if (waiting == mine) {
        waiting = null;
        mine.tryComplete(null);
      }
    });
    return mine.future();
  }

  /**
   * Reads until a frame {@code wanted} accepts (answered), the cloud refuses (the err frame's
   * message, or {@link #CLOSED}), or silence (null); other frames are handed to {@code others}.
   */
  Future<String> until(java.util.function.Predicate<JsonObject> wanted, long timeoutMs,
      java.util.function.Consumer<JsonObject> others) {
    return next(timeoutMs).compose(frame -> {
      if (frame == null) {
        return Future.succeededFuture(closed ? CLOSED : null);
      }
      if ("err".equals(frame.getString("type"))) {
        return Future.succeededFuture(String.valueOf(frame.getValue("message")));
      }
      if (wanted.test(frame)) {
        matched = frame;
        return Future.succeededFuture("answered");
      }
      others.accept(frame);
      return until(wanted, timeoutMs, others);
    });
  }

  /**
   * Reads until {@code n} pongs came ("answered"), the cloud refused (its err frame's message, or
   * {@link #CLOSED}), or silence (null).
   */
  Future<String> pongs(int n, long timeoutMs) {
    return until(f -> "pong".equals(f.getString("type")), timeoutMs, f -> { })
        .compose(outcome -> n > 1 && "answered".equals(outcome) ? pongs(n - 1, timeoutMs) : Future.succeededFuture(outcome));
  }

  /** The frame the last {@link #until} accepted. */
  JsonObject matched() {
    return matched;
  }

  boolean isClosed() {
    return closed;
  }

  Future<Void> close() {
    return closed ? Future.succeededFuture() : socket.close();
  }

  private void onFrame(JsonObject frame) {
    if (waiting != null) {
      deliver(frame);
    } else {
      received.add(frame);
    }
  }

  private void deliver(JsonObject frame) {
    Promise<JsonObject> w = waiting;
    if (w != null) {
      waiting = null;
      vertx.cancelTimer(waitTimer);
      w.tryComplete(frame);
    }
  }
}
