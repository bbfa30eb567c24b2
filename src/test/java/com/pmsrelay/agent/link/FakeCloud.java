package com.pmsrelay.agent.link;

import com.pmsrelay.cloud.bridge.BridgeConfig;
import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A TLS server on loopback that plays the cloud's bridge for one agent's tests: it accepts any
 * credentials, records every frame it receives, and hands over the agent's socket once the agent
 * registered its address.
 */
final class FakeCloud {
  final TlsMaterial tls;
  final NetServer server;
  /** Completes with the agent's socket once the agent registered. */
  final Promise<NetSocket> registered = Promise.promise();
  private final List<JsonObject> received = new ArrayList<>();

  private FakeCloud(Vertx vertx, Path dir) throws Exception {
    tls = TlsMaterial.configuredOrSelfSigned(
        BridgeConfig.from(new ConfigReader(ConfigLoader.defaults("cloud")).section("bridge")), dir);
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.certPath()).setKeyPath(tls.keyPath())))
        .connectHandler(socket -> socket.handler(FrameReader.ofJson(1 << 20, frame -> {
          synchronized (received) {
            received.add(frame);
          }
          if (Addresses.AGENT_AUTH.equals(frame.getString("address"))) {
            socket.write(Frames.encode(Frames.message(frame.getString("replyAddress"), new JsonObject().put("ok", true), null)));
          } else if ("register".equals(frame.getString("type"))) {
            registered.tryComplete(socket);
          }
        }, reason -> socket.close())));
    server.listen().await();
  }

  static FakeCloud start(Vertx vertx, Path dir) throws Exception {
    return new FakeCloud(vertx, dir);
  }

  int port() {
    return server.actualPort();
  }

  /** Every frame received so far, in order. */
  List<JsonObject> received() {
    synchronized (received) {
      return List.copyOf(received);
    }
  }
}
