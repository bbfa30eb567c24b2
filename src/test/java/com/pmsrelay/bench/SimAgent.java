package com.pmsrelay.bench;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.Version;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.ConnectOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Idle agents for the bridge benchmarks, speaking the bridge protocol as {@code AgentLink} does:
 * authenticate with the practice's agent key, register the practice's address, ping at once, then
 * every {@code pingIntervalMs} (the agent's default), answering no queries (none are sent).
 *
 * <p>An agent is done at the pong that answers its first ping: the register has no reply of its
 * own, but the cloud handles a socket's frames in order and closes a socket whose register it
 * refuses, so that pong is the cloud's word that the practice's address is registered.
 */
final class SimAgent implements Swarm.Opener {
  private static final String AUTH_REPLY = "auth-reply";
  private static final int MAX_FRAME_BYTES = 64 * 1024;

  private final Vertx vertx;
  private final List<PracticeStore.Created> practices;
  private final long pingIntervalMs;

  SimAgent(Vertx vertx, List<PracticeStore.Created> practices, long pingIntervalMs) {
    this.vertx = vertx;
    this.practices = practices;
    this.pingIntervalMs = pingIntervalMs;
  }

  /** The shipped agent defaults (ping interval, backoff, time-outs), dialling {@code port} on loopback with the pin. */
  static AgentConfig defaults(int port, String pinnedSha256) {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", UUID.randomUUID().toString()).put("agentKey", "unused");
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", port).getJsonObject("tls").put("pinnedSha256", pinnedSha256);
    return AgentConfig.from(json);
  }

  /** Connects as the agent of practice {@code i}; completes once registered. */
  @Override
  public Future<NetSocket> open(NetClient client, ConnectOptions to, int i, Handler<Void> onClosed) {
    PracticeStore.Created practice = practices.get(i);
    return client.connect(to).compose(socket -> register(socket, practice, onClosed));
  }

  private Future<NetSocket> register(NetSocket socket, PracticeStore.Created practice, Handler<Void> onClosed) {
    Promise<NetSocket> registered = Promise.promise();
    long[] pingTimer = {-1};
    socket.handler(FrameReader.ofJson(MAX_FRAME_BYTES, frame -> {
      switch (frame.getString("type", "")) {
        case "message" -> {
          if (AUTH_REPLY.equals(frame.getString("address")) && frame.getJsonObject("body", new JsonObject()).getBoolean("ok", false)) {
            socket.write(Frames.encode(Frames.register(Addresses.practice(practice.practiceId()))));
            socket.write(Frames.encode(Frames.ping(0, 0)));
          }
        }
        case "pong" -> {
          if (registered.tryComplete(socket)) {
            // Practices' agents start at unrelated times: their heartbeats are spread over the interval.
            pingTimer[0] = vertx.setPeriodic(1 + ThreadLocalRandom.current().nextLong(pingIntervalMs), pingIntervalMs,
                id -> socket.write(Frames.encode(Frames.ping(0, 0))));
          }
        }
        case "err" -> registered.tryFail("refused by the cloud: " + frame.getString("message", "no reason"));
        default -> { }
      }
    }, reason -> socket.close()));
    socket.closeHandler(v -> {
      vertx.cancelTimer(pingTimer[0]);
      registered.tryFail("closed before it was registered");
      onClosed.handle(null);
    });
    JsonObject credentials = new JsonObject()
        .put("practiceId", practice.practiceId())
        .put("agentKey", practice.agentKey())
        .put("agentVersion", Version.current())
        .put("pms", new JsonObject().put("kind", "sqlserver").put("version", "simulated"));
    socket.write(Frames.encode(Frames.send(Addresses.AGENT_AUTH, credentials, AUTH_REPLY)));
    return registered.future();
  }
}
