package com.pmsrelay.cloud.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.cluster.Clustering;
import com.pmsrelay.cloud.cluster.LoopbackCluster;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two clustered cloud nodes on one PostgreSQL store (as behind a load balancer), both sending
 * from the one outbox and both looking for due notices every 20 ms: every notice reaches the
 * receiver exactly once when it answers at once, retries included when it fails at first, and in
 * order per registration. Notices are announced at both nodes. With {@code CI=true} a PostgreSQL
 * that cannot start fails the test; elsewhere it is skipped with the reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class WebhookTwoNodesTest {
  @TempDir static Path dir;
  static EmbeddedPostgres postgres;
  static String notStarted;
  static final List<Vertx> vertxes = new ArrayList<>();
  static final List<CloudNode> nodes = new ArrayList<>();
  static Vertx receivers;

  @BeforeAll
  static void start() throws Exception {
    com.pmsrelay.cloud.store.TestPostgres.Started started = com.pmsrelay.cloud.store.TestPostgres.start("relay");
    postgres = started.postgres();
    notStarted = started.notStarted();
    if (postgres == null) {
      return;
    }
    receivers = Vertx.vertx();
    List<JsonObject> clusters = LoopbackCluster.sections(2);
    String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    com.pmsrelay.logs.TestSecrets.record("master key", masterKey);
    for (int i = 0; i < 2; i++) {
      JsonObject json = LoopbackCloud.json(dir.resolve("node" + i));
      json.getJsonObject("store").put("url", postgres.getJdbcUrl("postgres", "relay")).put("user", "postgres")
          .put("password", "");
      json.getJsonObject("keys").put("master", masterKey);
      json.getJsonObject("results").put("dir", dir.resolve("results").toString());
      json.getJsonObject("cluster").mergeIn(clusters.get(i));
      json.getJsonObject("webhooks").put("allowLoopback", true).put("pollMs", 20).put("backoffBaseMs", 10)
          .put("backoffMaxMs", 50).put("requestTimeoutMs", 2_000).put("maxAgeMs", 60_000);
      CloudConfig config = CloudConfig.from(json);
      Vertx vertx = Clustering.start(config.cluster(), new VertxOptions()).await();
      vertxes.add(vertx);
      nodes.add(new CloudNode(vertx, config).start().await());
    }
  }

  @AfterAll
  static void stop() throws Exception {
    for (CloudNode node : nodes) {
      node.stop().await();
    }
    for (Vertx vertx : vertxes) {
      vertx.close().await();
    }
    if (receivers != null) {
      receivers.close().await();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void eachNoticeIsDeliveredExactlyOnceInOrderPerRegistration() {
    checkExactlyOnce("Two Nodes Prompt", n -> 200);
  }

  @Test
  void eachNoticeIsDeliveredOnceAndInOrderThoughAThirdOfTheAttemptsFail() {
    checkExactlyOnce("Two Nodes Retrying", n -> n % 3 == 0 ? 502 : 200);
  }

  private void checkExactlyOnce(String name, java.util.function.IntUnaryOperator behaviour) {
    Assumptions.assumeTrue(notStarted == null, notStarted);
    IntegratorStore.Created created = nodes.get(0).integrators().create(name, null).await();
    try (Receiver receiver = Receiver.start(receivers, behaviour)) {
      setWebhook(created, receiver.url());
      int registrations = 6;
      int perRegistration = 8;
      List<Future<Void>> announced = new ArrayList<>();
      for (int i = 0; i < perRegistration; i++) {
        for (int r = 0; r < registrations; r++) {
          // Each registration's notices come one after another, as a registration's runs do; at both nodes.
          CloudNode at = nodes.get((i + r) % 2);
          announced.add(at.changeNotices().announce(created.clientId(), "reg-" + r, "res-" + r + "-" + i, Instant.now()));
        }
        Future.all(announced).await();
      }
      int total = registrations * perRegistration;
      WebhookDeliveryTest.awaitTrue(() -> receiver.delivered().size() >= total, "every notice delivered", 60_000);
      WebhookDeliveryTest.sleep(300); // time for a duplicate, were there one
      List<Receiver.Received> delivered = receiver.delivered();
      Map<String, Long> byId = delivered.stream()
          .collect(Collectors.groupingBy(r -> r.headers().get("X-Relay-Id"), Collectors.counting()));
      assertThat(byId).hasSize(total);
      assertThat(byId.values()).as("deliveries of each notice").allMatch(n -> n == 1);
      // Every request (failed ones too) of a registration: none of a later notice before an earlier one was delivered.
      Map<String, List<String>> requested = new HashMap<>();
      for (Receiver.Received got : receiver.received) {
        JsonObject body = got.json();
        List<String> seen = requested.computeIfAbsent(body.getString("registrationId"), k -> new ArrayList<>());
        if (seen.isEmpty() || !seen.get(seen.size() - 1).equals(body.getString("resultId"))) {
          seen.add(body.getString("resultId"));
        }
      }
      for (int r = 0; r < registrations; r++) {
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < perRegistration; i++) {
          expected.add("res-" + r + "-" + i);
        }
        assertThat(requested.get("reg-" + r)).as("reg-%d in order", r).isEqualTo(expected);
      }
      System.out.printf("%s: %d notices, %d requests, %d delivered once each%n", name, total, receiver.received.size(),
          delivered.size());
    }
  }

  private static void setWebhook(IntegratorStore.Created created, String url) {
    WebClient web = WebClient.create(receivers);
    try {
      MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
          .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
      String token = web.post(nodes.get(1).httpPort(), "127.0.0.1", "/v1/token").sendForm(form).await()
          .bodyAsJsonObject().getString("access_token");
      int status = web.put(nodes.get(1).httpPort(), "127.0.0.1", "/v1/webhook").putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("url", url)).await().statusCode();
      assertThat(status).isEqualTo(200);
    } finally {
      web.close();
    }
  }
}
