package com.pmsrelay.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Frames;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bridge fuzzing found: a peer with no key could announce a frame of up to the full
 * limit (1 MiB) and have the cloud buffer it while it trickled in, per socket. Before it has
 * authenticated a socket may send frames of 16 KiB at most; afterwards the configured limit holds.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UnauthenticatedFrameLimitTest {
  @TempDir Path dir;
  Vertx vertx;
  CloudNode cloud;
  NetClient tls;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    tls = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm(""));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aLargeFrameBeforeAuthenticationIsRefusedAtItsLengthButAllowedAfter() {
    BridgePeer stranger = BridgePeer.connect(vertx, tls, cloud.bridgePort()).await();
    stranger.write(Buffer.buffer().appendInt(64 * 1024).appendBytes(new byte[100])); // its body never needs to come
    JsonObject refusal = stranger.next(5_000).await();
    assertThat(refusal).isNotNull();
    assertThat(refusal.getString("type")).isEqualTo("err");
    assertThat(refusal.getString("message")).contains("exceeds the limit of 16384");
    assertThat(stranger.next(5_000).await()).as("closed").isNull();
    assertThat(stranger.isClosed()).isTrue();

    // Authenticated, the agent may send frames up to the configured limit (a 64 KiB heartbeat here).
    PracticeStore.Created practice = cloud.practices().create("Large Frames").await();
    BridgePeer agent = BridgePeer.authenticated(vertx, tls, cloud.bridgePort(), practice.practiceId(),
        practice.agentKey(), true).await();
    agent.write(Frames.encode(Frames.ping().put("body", new JsonObject().put("note", "x".repeat(64 * 1024)))));
    assertThat(agent.pongs(1, 5_000).await()).isEqualTo("answered");
    agent.close().await();
  }
}
