package com.pmsrelay.registered;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PooledPms;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.cluster.Clustering;
import com.pmsrelay.cloud.cluster.LoopbackCluster;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.webhook.ChangeNotices;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Registered queries on two clustered cloud nodes over one PostgreSQL store (as behind a load
 * balancer), the practice's agent connected to the first: registrations made and deleted through the
 * second reach the agent, whose node alone reads and sends its set; many made at once through both
 * nodes all arrive and stay; the changed result is fetched and announced where the agent is. With
 * {@code CI=true} a PostgreSQL that cannot start fails the test; elsewhere it is skipped with the
 * reason.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RegisteredTwoNodesTest {
  private static final String SQL = "SELECT AppointmentId, PatientName FROM dbo.Appointments ORDER BY AppointmentId";
  @TempDir static Path dir;
  static EmbeddedPostgres postgres;
  static String notStarted;
  static final List<Vertx> vertxes = new ArrayList<>();
  static final List<CloudNode> nodes = new ArrayList<>();
  static final List<WebClient> webs = new ArrayList<>();
  static final List<String> announced = new CopyOnWriteArrayList<>();
  static Vertx agentVertx;
  static AgentNode agent;
  static String practiceId;

  @BeforeAll
  static void start() throws Exception {
    com.pmsrelay.cloud.store.TestPostgres.Started started = com.pmsrelay.cloud.store.TestPostgres.start("relay");
    postgres = started.postgres();
    notStarted = started.notStarted();
    if (postgres == null) {
      return;
    }
    List<JsonObject> clusters = LoopbackCluster.sections(2);
    String masterKey = com.pmsrelay.cloud.keys.MasterKey.generate();
    com.pmsrelay.logs.TestSecrets.record("master key", masterKey);
    ChangeNotices recording = (integrator, registration, result, at) -> {
      announced.add(registration);
      return Future.succeededFuture();
    };
    for (int i = 0; i < 2; i++) {
      JsonObject json = LoopbackCloud.json(dir.resolve("node" + i));
      json.getJsonObject("store").put("url", postgres.getJdbcUrl("postgres", "relay")).put("user", "postgres")
          .put("password", "");
      json.getJsonObject("keys").put("master", masterKey);
      json.getJsonObject("results").put("dir", dir.resolve("results").toString());
      json.getJsonObject("cluster").mergeIn(clusters.get(i));
      json.getJsonObject("registered").put("minEverySeconds", 1);
      CloudConfig config = CloudConfig.from(json);
      Vertx vertx = Clustering.start(config.cluster(), new VertxOptions()).await();
      vertxes.add(vertx);
      CloudNode node = new CloudNode(vertx, config, recording).start().await();
      nodes.add(node);
      webs.add(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort())));
    }
    PracticeStore.Created practice = nodes.get(0).practices().create("Two Nodes Practice").await();
    practiceId = practice.practiceId();
    JsonObject agentJson = ConfigLoader.defaults("agent");
    agentJson.put("practiceId", practiceId).put("agentKey", practice.agentKey());
    agentJson.getJsonObject("cloud").put("host", "127.0.0.1").put("port", nodes.get(0).bridgePort())
        .getJsonObject("tls").put("pinnedSha256", nodes.get(0).tls().fingerprintSha256());
    agentJson.getJsonObject("registered").put("dir", dir.resolve("agent").toString());
    AgentConfig agentConfig = AgentConfig.from(agentJson);
    agentVertx = VertxRuntime.create();
    PooledPms pms = PooledPms.of("test", "h2", Map.of("TestPMS", RegisteredRelay.database()), agentConfig.exec().maxConcurrent());
    agent = new AgentNode(agentVertx, agentConfig, pms, new SqlGuard(65_536, Set.of())).start().await();
    await("the agent connected to the first node", () -> nodes.get(0).agents().isConnected(practiceId));
  }

  @AfterAll
  static void stop() throws Exception {
    if (agent != null) {
      agent.stop().await();
      agentVertx.close().await();
    }
    for (CloudNode node : nodes) {
      node.stop().await();
    }
    for (Vertx vertx : vertxes) {
      vertx.close().await();
    }
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void registrationsMadeOnEitherNodeReachTheAgentOnTheOtherAndStay() throws Exception {
    Assumptions.assumeTrue(notStarted == null, notStarted);
    int integrators = 8;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < integrators; i++) {
      tokens.add(enabledIntegrator("Integrator " + i, i % 2));
    }
    // One through the second node, alone: the agent's node is told, reads the set and sends it.
    HttpResponse<Buffer> first = register(1, tokens.get(0)).await();
    assertThat(first.statusCode()).as(first.bodyAsString()).isEqualTo(201);
    String firstId = first.bodyAsJsonObject().getString("registrationId");
    await("the registration made on the second node at the agent", () -> held().contains(firstId));
    await("its first result fetched and announced", () -> announced.contains(firstId));

    // The rest at once, through both nodes.
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    for (int i = 1; i < integrators; i++) {
      answers.add(register(i % 2, tokens.get(i)));
    }
    Set<String> ids = new HashSet<>(Set.of(firstId));
    for (Future<HttpResponse<Buffer>> answer : answers) {
      HttpResponse<Buffer> response = answer.await();
      assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(201);
      ids.add(response.bodyAsJsonObject().getString("registrationId"));
    }
    await("every registration at the agent", () -> held().equals(ids));
    Thread.sleep(1_500); // a stale set still on its way would land now
    assertThat(held()).as("no older set replaced the newest").isEqualTo(ids);

    // Deleted through the second node: gone from the agent's set.
    HttpResponse<Buffer> deleted = webs.get(1).delete("/v1/registered-queries/" + firstId)
        .putHeader("Authorization", "Bearer " + tokens.get(0)).send().await();
    assertThat(deleted.statusCode()).isEqualTo(204);
    await("the deleted registration gone from the agent", () -> !held().contains(firstId));
    assertThat(held()).hasSize(integrators - 1);
  }

  /** An integrator enabled at the practice, and its token from the given node. */
  private static String enabledIntegrator(String name, int node) {
    IntegratorStore.Created created = nodes.get(0).integrators().create(name, null).await();
    nodes.get(0).grants().put(new Grant(practiceId, created.clientId(), GrantStatus.ENABLED, new JsonArray(), 10_000,
        30_000, 30_000, 600, 1)).await();
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", created.clientId()).add("client_secret", created.clientSecret());
    return webs.get(node).post("/v1/token").sendForm(form).map(r -> r.bodyAsJsonObject().getString("access_token"))
        .await();
  }

  private static Future<HttpResponse<Buffer>> register(int node, String token) {
    return webs.get(node).post("/v1/practices/" + practiceId + "/registered-queries")
        .putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("sql", SQL).put("everySeconds", 1));
  }

  private static Set<String> held() {
    return RegisteredRelay.held(agent);
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(20);
    }
  }
}
