package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The bridge refuses and closes sockets that do anything but what an honest agent does. */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class BridgeGuardTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static CloudNode cloud;
  static NetClient client;
  static PracticeStore.Created practice;
  static PracticeStore.Created otherPractice;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0).put("authTimeoutMs", 500).put("maxFrameBytes", 65536);
    json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    practice = cloud.practices().create("Guarded Practice").await();
    otherPractice = cloud.practices().create("Other Practice").await();
    client = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm(""));
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** A raw TLS socket to the bridge that records the frames it receives and when it is closed. */
  static final class Peer {
    final NetSocket socket;
    final List<JsonObject> received = new ArrayList<>();
    final Promise<Void> closed = Promise.promise();
    Promise<JsonObject> nextFrame = Promise.promise();

    Peer(NetSocket socket) {
      this.socket = socket;
      socket.handler(FrameReader.ofJson(1 << 20, frame -> {
        received.add(frame);
        nextFrame.tryComplete(frame);
      }, reason -> { }));
      socket.closeHandler(v -> closed.tryComplete());
    }

    Future<JsonObject> send(JsonObject frame) {
      nextFrame = Promise.promise();
      socket.write(Frames.encode(frame));
      return nextFrame.future();
    }

    void write(JsonObject frame) {
      socket.write(Frames.encode(frame));
    }

    boolean gotError() {
      return received.stream().anyMatch(f -> "err".equals(f.getString("type")));
    }
  }

  static Future<Peer> connect() {
    return client.connect(cloud.bridgePort(), "127.0.0.1").map(Peer::new);
  }

  static JsonObject auth(String practiceId, String key) {
    return Frames.send(Addresses.AGENT_AUTH, new JsonObject().put("practiceId", practiceId).put("agentKey", key)
        .put("agentVersion", "test").put("pms", new JsonObject().put("kind", "test")), "auth-reply");
  }

  static Future<Peer> authenticated() {
    return connect().compose(peer -> peer.send(auth(practice.practiceId(), practice.agentKey())).map(reply -> {
      if (!reply.getJsonObject("body", new JsonObject()).getBoolean("ok", false)) {
        throw new IllegalStateException("authentication failed: " + reply);
      }
      return peer;
    }));
  }

  private static void expectClosedWithError(VertxTestContext ctx, Future<Peer> peer) {
    peer.compose(p -> p.closed.future().map(p)).onComplete(ctx.succeeding(p -> ctx.verify(() -> {
      assertThat(p.gotError()).as("an err frame before closing").isTrue();
      ctx.completeNow();
    })));
  }

  @Test
  void honestAgentAuthenticatesRegistersAndPings(VertxTestContext ctx) {
    authenticated()
        .compose(peer -> {
          peer.write(Frames.register(Addresses.practice(practice.practiceId())));
          return peer.send(Frames.ping()).map(pong -> {
            ctx.verify(() -> {
              assertThat(pong.getString("type")).isEqualTo("pong");
              assertThat(cloud.agents().isConnected(practice.practiceId())).isTrue();
            });
            return peer;
          });
        })
        .onComplete(ctx.succeeding(peer -> {
          peer.socket.close();
          ctx.completeNow();
        }));
  }

  @Test
  void registeringBeforeAuthenticatingIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, connect().map(p -> {
      p.write(Frames.register(Addresses.practice(practice.practiceId())));
      return p;
    }));
  }

  @Test
  void sendingBeforeAuthenticatingIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, connect().map(p -> {
      p.write(Frames.send(Addresses.stream("anything"), new JsonObject().put("kind", "end")));
      return p;
    }));
  }

  @Test
  void wrongAgentKeyIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, connect().map(p -> {
      p.write(auth(practice.practiceId(), otherPractice.agentKey()));
      return p;
    }));
  }

  @Test
  void registeringAnotherPracticesAddressIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, authenticated().map(p -> {
      p.write(Frames.register(Addresses.practice(otherPractice.practiceId())));
      return p;
    }));
  }

  @Test
  void sendingToAStreamNotDispatchedIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, authenticated().map(p -> {
      p.write(Frames.send(Addresses.stream("someone-elses-query"), new JsonObject().put("kind", "rows")));
      return p;
    }));
  }

  @Test
  void oversizedFrameIsRefusedBeforeItsBodyArrives(VertxTestContext ctx) {
    expectClosedWithError(ctx, connect().map(p -> {
      // Announces 64 MiB but sends only the header and a few bytes: the guard must not wait for the rest.
      p.socket.write(Buffer.buffer().appendInt(64 * 1024 * 1024).appendString("{\"type\":\"send\""));
      return p;
    }));
  }

  @Test
  void oversizedFrameAfterAuthenticationIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, authenticated().map(p -> {
      p.socket.write(Buffer.buffer().appendInt(65537).appendString("x".repeat(100)));
      return p;
    }));
  }

  @Test
  void silentSocketIsClosedAfterTheAuthenticationTimeout(VertxTestContext ctx) {
    long started = System.nanoTime();
    connect().compose(p -> p.closed.future()).onComplete(ctx.succeeding(v -> ctx.verify(() -> {
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(400L, 5_000L);
      ctx.completeNow();
    })));
  }

  @Test
  void garbageIsRefused(VertxTestContext ctx) {
    expectClosedWithError(ctx, connect().map(p -> {
      p.socket.write(Buffer.buffer().appendInt(5).appendString("nope!"));
      return p;
    }));
  }
}
