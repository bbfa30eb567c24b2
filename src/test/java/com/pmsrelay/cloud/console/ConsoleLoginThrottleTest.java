package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.LoopbackCloud;
import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
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
 * Console logins under attack, over real sockets from several loopback addresses (127.0.0.x):
 * failures delay their address and the account (429, problem+json, Retry-After), the password is
 * not even checked meanwhile, and nobody can lock the practice admin out: the account's delay is
 * capped, and the admin's usual address is not slowed by others' failures at all.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ConsoleLoginThrottleTest {
  static final String USER = "admin@seaview.example";
  static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  Vertx vertx;
  CloudNode node;
  final List<WebClient> clients = new ArrayList<>();

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("http").put("instances", 2);
    // 3 free failures, then 3 s (long enough to check within on a busy machine) for addresses and accounts alike.
    JsonObject throttle = json.getJsonObject("throttle").put("holdMs", 0);
    throttle.getJsonObject("console").put("freeFailures", 3).put("baseDelayMs", 3_000).put("maxDelayMs", 900_000)
        .put("accountMaxDelayMs", 3_000);
    node = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    String practice = node.practices().create("Seaview").await().practiceId();
    node.consoleUsers().create(USER, practice, PASSWORD).await();
  }

  @AfterEach
  void stop() {
    clients.forEach(WebClient::close);
    vertx.close().await();
  }

  private WebClient from(String address) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()).setLocalAddress(address));
    clients.add(client);
    return client;
  }

  private static HttpResponse<Buffer> login(WebClient client, String password) {
    return client.post("/console/api/login")
        .sendJsonObject(new JsonObject().put("username", USER).put("password", password)).await();
  }

  private static int assertDelayed(HttpResponse<Buffer> r) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(429);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertThat(r.bodyAsJsonObject().getString("detail")).startsWith("too many failed logins: try again in ");
    return Integer.parseInt(r.getHeader("Retry-After"));
  }

  @Test
  void failuresDelayTheAddressAndTheAccountButNeverLockTheAdminOut() throws Exception {
    WebClient usual = from("127.0.0.4");
    WebClient attacker = from("127.0.0.2");
    WebClient elsewhere = from("127.0.0.3");
    assertThat(login(usual, PASSWORD).statusCode()).isEqualTo(200);
    for (int i = 0; i < 3; i++) {
      HttpResponse<Buffer> wrong = login(attacker, "not-it-" + i);
      assertThat(wrong.statusCode()).isEqualTo(401);
      assertThat(wrong.bodyAsJsonObject().getString("code")).isEqualTo("invalid_login");
    }
    assertThat(assertDelayed(login(attacker, PASSWORD))).as("the right password from the attacking address waits")
        .isBetween(1, 3);
    int wait = assertDelayed(login(elsewhere, PASSWORD));
    assertThat(wait).as("a new address waits for the account, at most its cap").isBetween(1, 3);
    assertThat(login(usual, PASSWORD).statusCode()).as("the admin's usual address is not slowed by others' failures")
        .isEqualTo(200);
    Thread.sleep(wait * 1_000L);
    assertThat(login(elsewhere, PASSWORD).statusCode()).as("no lock: after the wait it logs in").isEqualTo(200);
  }

  @Test
  void theAttackingAddressWaitsLongerWithEachFailureWhileTheAccountStaysWithinItsCap() throws Exception {
    WebClient attacker = from("127.0.0.2");
    for (int i = 0; i < 3; i++) {
      assertThat(login(attacker, "not-it-" + i).statusCode()).isEqualTo(401);
    }
    int first = assertDelayed(login(attacker, "not-it"));
    Thread.sleep(first * 1_000L);
    assertThat(login(attacker, "not-it-again").statusCode()).isEqualTo(401);
    int second = assertDelayed(login(attacker, PASSWORD));
    assertThat(second).as("doubled: 6 s after the fourth failure").isBetween(4, 6);
    int account = assertDelayed(login(from("127.0.0.7"), PASSWORD));
    assertThat(account).as("the account's cap, 3 s").isBetween(1, 3);
    Thread.sleep(account * 1_000L);
    assertThat(login(from("127.0.0.7"), PASSWORD).statusCode()).isEqualTo(200);
    assertDelayed(login(attacker, PASSWORD)); // the attacker's address still waits
  }
}
