package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent whose connection stays up but who answers nothing (frozen, its host stalled) cannot
 * hold queries: each fails with 503 once the ack time-out passes, the agent shows as unreachable,
 * further queries fail at once, and it is online again when it speaks. An agent that acknowledges
 * a slow query is not taken for frozen. The agent here is a raw socket that does exactly that.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UnresponsiveAgentTest {
  private static final int ACK_TIMEOUT_MS = 1_000;
  @TempDir Path dir;
  Vertx vertx;
  CloudNode cloud;
  WebClient web;
  PracticeStore.Created practice;
  String token;
  /** Held: Vert.x 5 closes a NetClient (and its connections) once nothing refers to it. */
  io.vertx.core.net.NetClient client;
  NetSocket agent;
  /** The fake agent socket's context: only its event loop writes to it (Vert.x 5.0.7 can strand a write from elsewhere). */
  io.vertx.core.Context agentContext;
  /** The queries the silent agent was sent (their stream addresses). */
  final List<String> streams = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0).put("ackTimeoutMs", ACK_TIMEOUT_MS);
    json.getJsonObject("management").put("port", 0); // /metrics on a free port: nodes side by side
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    practice = cloud.practices().create("Frozen Practice").await();
    IntegratorStore.Created integrator = cloud.integrators().create("Booking", null).await();
    cloud.grants().put(Grant.withDefaults(practice.practiceId(), integrator.clientId(), GrantStatus.ENABLED)).await();
    web = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort()));
    token = web.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", integrator.clientId()).add("client_secret", integrator.clientSecret())).await()
        .bodyAsJsonObject().getString("access_token");
    io.vertx.core.Promise<Void> accepted = io.vertx.core.Promise.promise();
    client = vertx.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true).setHostnameVerificationAlgorithm(""));
    agent = client.connect(cloud.bridgePort(), "127.0.0.1").map(socket -> { // on the socket's event loop
          agentContext = vertx.getOrCreateContext();
          socket.handler(FrameReader.ofJson(1 << 20, frame -> {
            if ("auth-reply".equals(frame.getString("address"))) {
              accepted.tryComplete();
            } else if (frame.getString("replyAddress") != null) {
              streams.add(frame.getString("replyAddress")); // a query: never answered
            }
          }, reason -> { }));
          socket.write(Frames.encode(Frames.send(Addresses.AGENT_AUTH, new JsonObject()
              .put("practiceId", practice.practiceId()).put("agentKey", practice.agentKey()).put("agentVersion", "test")
              .put("bootId", "boot-1"), "auth-reply")));
          return socket;
        }).await();
    accepted.future().await(30, TimeUnit.SECONDS);
    write(Frames.encode(Frames.register(Addresses.practice(practice.practiceId()))));
    write(Frames.encode(Frames.ping(0, 0)));
    long deadline = System.currentTimeMillis() + 5_000;
    while (!"online".equals(status()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
  }

  @AfterEach
  void stop() {
    cloud.stop().await();
    vertx.close().await();
  }

  private void write(Buffer frame) {
    agentContext.runOnContext(v -> agent.write(frame));
  }

  private HttpResponse<Buffer> query(JsonObject body) {
    return web.post("/v1/practices/" + practice.practiceId() + "/queries").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(body).await();
  }

  private String status() {
    return agentJson().getString("status");
  }

  private JsonObject agentJson() {
    return web.get("/v1/practices/" + practice.practiceId()).putHeader("Authorization", "Bearer " + token).send().await()
        .bodyAsJsonObject().getJsonObject("agent");
  }

  @Test
  void lastSeenIsWhenTheAgentItselfWasLastHeardNotWhenItsNodeWasAlive() throws Exception {
    String before = agentJson().getString("lastSeen");
    Thread.sleep(2_500); // the node records itself alive every second meanwhile; the agent says nothing
    assertThat(agentJson().getString("lastSeen")).as("a silent agent's lastSeen").isEqualTo(before);
    write(Frames.encode(Frames.ping(0, 0)));
    long deadline = System.currentTimeMillis() + 3_000;
    while (agentJson().getString("lastSeen").equals(before) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(java.time.Instant.parse(agentJson().getString("lastSeen")))
        .as("heard again").isAfter(java.time.Instant.parse(before));
  }

  @Test
  void anAgentNoLiveNodeHoldsIsOfflineWhateverTheStoreLastRecorded() throws Exception {
    assertThat(status()).isEqualTo("online");
    agentContext.runOnContext(v -> agent.close());
    long deadline = System.currentTimeMillis() + 3_000;
    while (!"offline".equals(status()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    // As a node that died leaves it: on record as connected, through a node nobody hears any more.
    cloud.practices().agentConnected(practice.practiceId(), "a-node-that-died", "0.1.0", "demo", "1").await();
    assertThat(cloud.practices().find(practice.practiceId()).await().orElseThrow().agentConnected()).isTrue();
    assertThat(status()).isEqualTo("offline");
  }

  @Test
  void aSilentAgentFailsItsQueriesWithin503AndShowsUnreachableUntilItSpeaks() throws Exception {
    assertThat(status()).isEqualTo("online");
    long started = System.nanoTime();
    HttpResponse<Buffer> first = query(new JsonObject().put("sql", "SELECT 1 AS One"));
    long firstMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(first.statusCode()).isEqualTo(503);
    assertThat(first.bodyAsJsonObject().getString("code")).isEqualTo("agent_offline");
    assertThat(first.getHeader("Retry-After")).isNotNull();
    assertThat(firstMs).as("failed at the ack time-out, not the query's").isBetween((long) ACK_TIMEOUT_MS, 3_000L);

    long deadline = System.currentTimeMillis() + 3_000;
    while (!"unreachable".equals(status()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(status()).isEqualTo("unreachable");
    started = System.nanoTime();
    HttpResponse<Buffer> next = query(new JsonObject().put("sql", "SELECT 2 AS Two"));
    assertThat(next.statusCode()).isEqualTo(503);
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("refused at once").isLessThan(ACK_TIMEOUT_MS);
    assertThat(streams).as("the second query was not sent to the silent agent").hasSize(1);

    write(Frames.encode(Frames.ping(0, 0))); // it speaks again
    deadline = System.currentTimeMillis() + 3_000;
    while (!"online".equals(status()) && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(status()).isEqualTo("online");
  }

  @Test
  void anAcknowledgedSlowQueryIsNotTakenForAFrozenAgent() throws Exception {
    vertx.setPeriodic(100, id -> { // acknowledges what it is sent, answers nothing
      for (String stream : streams) {
        write(Frames.appendSend(Buffer.buffer(), stream, ResultMessage.ack()));
      }
    });
    HttpResponse<Buffer> r = query(new JsonObject().put("sql", "SELECT 1 AS One").put("timeoutMs", 1_500)
        .put("queueTimeoutMs", 0));
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("query_timeout");
    assertThat(status()).isEqualTo("online");
  }
}
