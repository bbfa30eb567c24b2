package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's socket at the cloud: frames pass the {@link BridgeGuard}, the agent's practice
 * address is served on the event bus while the socket lives, and result chunks go from the socket
 * to the query's stream address. Everything runs on the socket's event loop.
 */
final class AgentSession {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
  /** Encoded once: every agent's every heartbeat gets one. */
  private static final Buffer PONG = Frames.encode(Frames.pong());

  private final Vertx vertx;
  /** The socket's event loop: everything that touches this session's state runs there. */
  private final io.vertx.core.Context context;
  private final NetSocket socket;
  private final PracticeStore practices;
  private final HeartbeatRecorder recorder;
  private final AgentDirectory directory;
  private final String nodeId;
  private final BridgeGuard guard = new BridgeGuard();
  private MessageConsumer<JsonObject> consumer;
  private long authTimer;
  /** This connection's heartbeats, once authenticated. */
  private HeartbeatRecorder.Agent heartbeats;
  private boolean closed;

  AgentSession(Vertx vertx, NetSocket socket, BridgeConfig config, PracticeStore practices, HeartbeatRecorder recorder,
      AgentDirectory directory, String nodeId) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.practices = practices;
    this.recorder = recorder;
    this.directory = directory;
    this.nodeId = nodeId;
    socket.handler(new FrameReader(config.maxFrameBytes(), this::onFrame, this::refuse));
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> LOG.debug("agent socket error from {}: {}", socket.remoteAddress(), e.toString()));
    authTimer = vertx.setTimer(config.authTimeoutMs(), id -> {
      if (guard.practiceId() == null) {
        refuse("authentication timed out");
      }
    });
  }

  private void onFrame(JsonObject frame) {
    if (closed) {
      return;
    }
    switch (guard.check(frame)) {
      case AUTHENTICATE -> authenticate(frame);
      case REGISTER -> register();
      case PING -> {
        socket.write(PONG.copy());
        noteSeen(frame.getValue("body") instanceof JsonObject load ? load : null);
      }
      case STREAM -> forwardChunk(frame.getString("address"), frame.getJsonObject("body"));
      case LATE -> LOG.debug("dropped a late message for an ended stream of practice {}", guard.practiceId());
      case REFUSE -> refuse(guard.refusal());
    }
  }

  private void authenticate(JsonObject frame) {
    JsonObject body = frame.getJsonObject("body");
    String replyAddress = frame.getValue("replyAddress") instanceof String r ? r : "auth";
    String practiceId = body.getValue("practiceId") instanceof String p ? p : "";
    String agentKey = body.getValue("agentKey") instanceof String k ? k : "";
    socket.pause();
    practices.verifyAgentKey(practiceId, agentKey).onComplete(result -> {
      socket.resume();
      if (closed) {
        return;
      }
      if (result.failed() || !result.result()) {
        LOG.warn("agent authentication refused from {} for practice {}", socket.remoteAddress(), safeId(practiceId));
        refuse("authentication failed");
        return;
      }
      vertx.cancelTimer(authTimer);
      guard.authenticated(practiceId);
      heartbeats = recorder.track(practiceId);
      JsonObject pms = body.getValue("pms") instanceof JsonObject p ? p : new JsonObject();
      practices.agentConnected(practiceId, nodeId, text(body, "agentVersion"), text(pms, "kind"), text(pms, "version"))
          .onSuccess(v -> heartbeats.connectionRecorded())
          .onFailure(e -> LOG.warn("cannot record agent connection of practice {}: {}", practiceId, e.toString()));
      socket.write(Frames.encode(Frames.message(replyAddress, new JsonObject().put("ok", true), null)));
      LOG.info("agent of practice {} authenticated from {}", practiceId, socket.remoteAddress());
    });
  }

  private void register() {
    String practiceId = guard.practiceId();
    directory.replace(practiceId, this);
    EventBus bus = vertx.eventBus();
    consumer = bus.consumer(Addresses.practice(practiceId), this::onDispatch);
    consumer.completion().onFailure(e -> refuse("cannot register the practice address"));
  }

  private void onDispatch(Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body.getString("op", "");
    if (QueryRequest.OP_QUERY.equals(op)) {
      String stream = Addresses.stream(body.getString("queryId", ""));
      guard.openStream(stream);
      socket.write(Frames.encode(Frames.message(Addresses.practice(guard.practiceId()), body, stream)));
      message.reply(new JsonObject().put("accepted", true).put("node", nodeId));
    } else if (QueryRequest.OP_CANCEL.equals(op)) {
      guard.closeStream(Addresses.stream(body.getString("queryId", ""))); // nobody listens to it any more
      socket.write(Frames.encode(Frames.message(Addresses.practice(guard.practiceId()), body, null)));
    } else {
      message.fail(400, "unknown operation");
    }
  }

  private void forwardChunk(String stream, JsonObject chunk) {
    String kind = chunk.getString(StreamMessages.KIND, "");
    if (StreamMessages.END.equals(kind) || StreamMessages.ERROR.equals(kind)) {
      guard.closeStream(stream);
    }
    vertx.eventBus().send(stream, chunk, StreamChunkCodec.DELIVERY);
  }

  /** Hands the heartbeat to the node's recorder, with the load the agent reported if it is plausible. */
  private void noteSeen(JsonObject load) {
    if (load != null && load.getValue("queued") instanceof Integer queued && load.getValue("running") instanceof Integer running
        && queued >= 0 && running >= 0 && queued < 1_000_000 && running < 1_000) {
      heartbeats.heard(queued, running);
    } else {
      heartbeats.heard(null, null);
    }
  }

  /** Refuses the socket: one error frame, then the connection is closed. */
  void refuse(String reason) {
    if (closed) {
      return;
    }
    LOG.warn("closing agent socket from {}: {}", socket.remoteAddress(), reason);
    socket.write(Frames.encode(Frames.err(reason)));
    socket.close();
    onClosed();
  }

  /** Sends a control message (not a query) to the agent. */
  void sendControl(JsonObject body) {
    context.runOnContext(v -> {
      if (!closed) {
        socket.write(Frames.encode(Frames.message(Addresses.practice(guard.practiceId()), body, null)));
      }
    });
  }

  /** Refuses the socket from any thread (a control-plane change). */
  void drop(String reason) {
    context.runOnContext(v -> refuse(reason));
  }

  /** Closes the socket because a newer connection of the same agent took over. */
  void replaced() {
    refuse("replaced by a newer connection of this agent");
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    vertx.cancelTimer(authTimer);
    if (consumer != null) {
      consumer.unregister();
    }
    // Queries in flight on this socket end now, not at their deadline.
    for (String stream : new ArrayList<>(guard.openStreams())) {
      vertx.eventBus().send(stream, StreamMessages.error(-1, ErrorCode.AGENT_OFFLINE, "the agent disconnected"));
    }
    guard.openStreams().clear();
    if (heartbeats != null) {
      heartbeats.closed(); // before the disconnect is recorded (a late heartbeat the store ignores)
    }
    String practiceId = guard.practiceId();
    if (practiceId != null && directory.remove(practiceId, this)) {
      practices.agentDisconnected(practiceId, nodeId);
      LOG.info("agent of practice {} disconnected", practiceId);
    }
  }

  private static String text(JsonObject json, String key) {
    return json.getValue(key) instanceof String s ? s : null;
  }

  /** Logs only what looks like an id: the field is attacker-controlled. */
  private static String safeId(String value) {
    return value.matches("[0-9a-fA-F-]{1,36}") ? value : "<invalid>";
  }
}
