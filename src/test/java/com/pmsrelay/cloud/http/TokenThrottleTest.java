package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.LoopbackCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code POST /v1/token} under attack, over real sockets from several loopback addresses
 * (127.0.0.x, each a client of its own): failures slow their address and their client id down
 * with 429 and a growing Retry-After, answered without the store; other clients from other
 * addresses, and a client at an address it used before, keep getting tokens at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TokenThrottleTest {
  /** 3 free failures, then 500 ms doubling (up to 60 s per address, 1 s per client id). */
  static final int FREE = 3;

  @TempDir Path dir;
  Vertx vertx;
  CloudNode node;
  final List<WebClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("http").put("instances", 2);
    JsonObject throttle = json.getJsonObject("throttle");
    throttle.getJsonObject("token").put("freeFailures", FREE).put("baseDelayMs", 500).put("maxDelayMs", 60_000)
        .put("accountMaxDelayMs", 1_000);
    throttle.put("holdMs", 0);
    node = new CloudNode(vertx, CloudConfig.from(json)).start().await();
  }

  @AfterEach
  void stop() {
    clients.forEach(WebClient::close);
    vertx.close().await();
  }

  /** A client whose connections come from {@code address} (any 127.x.y.z reaches the node on loopback). */
  private WebClient from(String address) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()).setLocalAddress(address));
    clients.add(client);
    return client;
  }

  private static HttpResponse<Buffer> token(WebClient client, String clientId, String secret) {
    return client.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials").add("client_id", clientId).add("client_secret", secret)).await();
  }

  private static void assertThrottled(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(429);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertThat(r.getHeader("Retry-After")).matches("[1-9][0-9]*");
    // OAuth's word for "retry later" (TokenErrors), not invalid_client: the secret was not even checked
    assertThat(r.bodyAsJsonObject().getString("error")).isEqualTo("temporarily_unavailable");
    assertThat(r.bodyAsJsonObject().getString("error_description")).startsWith("too many failed attempts");
  }

  private static int retryAfter(HttpResponse<Buffer> r) {
    return Integer.parseInt(r.getHeader("Retry-After"));
  }

  @Test
  void anAddressSendingWrongSecretsWaitsLongerEachTimeWhileOthersGetTokensAtOnce() throws Exception {
    IntegratorStore.Created good = node.integrators().create("Good", null).await();
    WebClient attacker = from("127.0.0.2");
    WebClient other = from("127.0.0.3");
    for (int i = 0; i < FREE; i++) {
      assertThat(token(attacker, "cli_random" + i, "pmss_wrong").statusCode()).isEqualTo(401);
    }
    // Waits of 500 ms, 1 s, 2 s, 4 s: Retry-After (whole seconds) 1, 1, 2, 4.
    List<Integer> retryAfters = new ArrayList<>();
    for (int round = 0; round < 4; round++) {
      HttpResponse<Buffer> refused = token(attacker, "cli_random" + round, "pmss_wrong");
      assertThrottled(refused);
      retryAfters.add(retryAfter(refused));
      // meanwhile another client, from another address, gets its token at once
      long started = System.nanoTime();
      assertThat(token(other, good.clientId(), good.clientSecret()).statusCode()).isEqualTo(200);
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(1_000);
      if (round < 3) {
        Thread.sleep(500L << round);
        assertThat(token(attacker, "cli_random" + round, "pmss_wrong").statusCode()).isEqualTo(401);
      }
    }
    assertThat(retryAfters).containsExactly(1, 1, 2, 4);
    // The right secret from the throttled address is refused unchecked, like a wrong one.
    assertThrottled(token(attacker, good.clientId(), good.clientSecret()));
    // Answered before the store: with the store closed, still 429, not a 500.
    node.database().close().await();
    for (int i = 0; i < 20; i++) {
      assertThrottled(token(attacker, "cli_other" + i, "pmss_wrong"));
    }
  }

  @Test
  void aClientIdAttackedFromManyAddressesStaysUsableAtItsOwnAddressAndSoonFromANewOne() throws Exception {
    IntegratorStore.Created target = node.integrators().create("Target", null).await();
    IntegratorStore.Created bystander = node.integrators().create("Bystander", null).await();
    WebClient usual = from("127.0.0.4");
    assertThat(token(usual, target.clientId(), target.clientSecret()).statusCode()).isEqualTo(200);

    for (int i = 0; i < 3 * FREE; i++) { // one failure per address: only the client id adds them up
      HttpResponse<Buffer> r = token(from("127.0.1." + (i + 1)), target.clientId(), "pmss_guess" + i);
      assertThat(r.statusCode()).isIn(401, 429);
    }
    HttpResponse<Buffer> fresh = token(from("127.0.2.1"), target.clientId(), target.clientSecret());
    assertThrottled(fresh);
    assertThat(retryAfter(fresh)).as("the client id's cap (1 s)").isEqualTo(1);
    assertThat(token(usual, target.clientId(), target.clientSecret()).statusCode())
        .as("its usual address is not slowed by others' failures").isEqualTo(200);
    assertThat(token(from("127.0.2.2"), bystander.clientId(), bystander.clientSecret()).statusCode()).isEqualTo(200);
    Thread.sleep(1_000);
    assertThat(token(from("127.0.2.1"), target.clientId(), target.clientSecret()).statusCode())
        .as("from a new address once the client id's wait has passed").isEqualTo(200);
  }

  @Test
  void aThrottledAnswerIsHeldBackSoThatALoopingClientSlowsDown() {
    node.stop().await();
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("throttle").put("holdMs", 400);
    node = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    WebClient attacker = from("127.0.0.5");
    for (int i = 0; i < 5; i++) {
      assertThat(token(attacker, "cli_x", "pmss_wrong").statusCode()).isEqualTo(401);
    }
    long started = System.nanoTime();
    assertThrottled(token(attacker, "cli_x", "pmss_wrong"));
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isBetween(380L, 1_500L);
  }
}
