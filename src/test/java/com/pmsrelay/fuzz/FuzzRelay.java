package com.pmsrelay.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.demo.DemoMode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo system in this JVM (a cloud, two agents on their demo PMS databases, real TLS between
 * them) plus practices whose agents are the fuzzers' own sockets, and what the fuzz tests check
 * before and after: a normal query's answer, the demo agents' links, the live heap. The fuzzers
 * run on a Vert.x of their own, as outside clients would.
 */
final class FuzzRelay implements AutoCloseable {
  /** A practice with no agent but the fuzzer, granted to the analytics integrator (index 2), unthrottled. */
  record FuzzPractice(String practiceId, String agentKey) {}

  /** The normal query run before and after each fuzz run: its answer must not change. */
  static final String NORMAL_SQL = "SELECT TOP 5 PatientId, Surname FROM Patients WHERE PatientId > ? ORDER BY PatientId";

  final DemoMode.Running demo;
  final CloudNode cloud;
  final JsonObject credentials;
  final Vertx clients = Vertx.vertx();
  final WebClient http;
  final List<FuzzPractice> fuzzPractices = new ArrayList<>();
  private final int[] demoConnections;

  private FuzzRelay(DemoMode.Running demo) {
    this.demo = demo;
    this.cloud = demo.cloud();
    this.credentials = demo.credentials();
    com.pmsrelay.logs.TestSecrets.recordCredentials(credentials);
    this.http = WebClient.create(clients, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cloud.httpPort()).setKeepAlive(true), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
    this.demoConnections = demo.agents().stream().mapToInt(a -> a.connectionsAccepted()).toArray();
  }

  static FuzzRelay start(Path dir, int fuzzPractices) throws IOException {
    Path config = dir.resolve("demo-fuzz.json");
    Files.writeString(config, new JsonObject().put("patients", 200).encode());
    FuzzRelay relay = new FuzzRelay(DemoMode.start(config, 0, dir.resolve("data"),
        new PrintStream(new ByteArrayOutputStream())));
    String analytics = relay.integrator(2).getString("clientId");
    for (int i = 0; i < fuzzPractices; i++) {
      PracticeStore.Created created = relay.cloud.practices().create("Fuzz Practice " + i).await();
      relay.cloud.grants().put(new Grant(created.practiceId(), analytics, GrantStatus.ENABLED, new JsonArray(),
          10_000, 30_000, 30_000, 1_000_000, 1)).await();
      relay.fuzzPractices.add(new FuzzPractice(created.practiceId(), created.agentKey()));
    }
    return relay;
  }

  String practiceId(int index) {
    return credentials.getJsonArray("practices").getJsonObject(index).getString("practiceId");
  }

  /** 0: enabled at practice 0 only; 1: at practice 1 only; 2: at both (and at every fuzz practice). */
  JsonObject integrator(int index) {
    return credentials.getJsonArray("integrators").getJsonObject(index);
  }

  String token(int integrator) {
    JsonObject i = integrator(integrator);
    HttpResponse<Buffer> r = http.post("/v1/token").sendForm(MultiMap.caseInsensitiveMultiMap()
        .add("grant_type", "client_credentials").add("client_id", i.getString("clientId"))
        .add("client_secret", i.getString("clientSecret"))).await();
    assertThat(r.statusCode()).as("token: %s", r.bodyAsString()).isEqualTo(200);
    return r.bodyAsJsonObject().getString("access_token");
  }

  /** The normal query's answer at both demo practices (rows only: timings and ids differ per run). */
  JsonArray normalAnswers(String token) {
    JsonArray answers = new JsonArray();
    for (int p = 0; p < 2; p++) {
      HttpResponse<Buffer> r = http.post("/v1/practices/" + practiceId(p) + "/queries")
          .putHeader("Authorization", "Bearer " + token)
          .sendJsonObject(new JsonObject().put("sql", NORMAL_SQL).put("params", new JsonArray().add(10))).await();
      assertThat(r.statusCode()).as("normal query at practice %d: %s", p, r.bodyAsString()).isEqualTo(200);
      JsonObject body = r.bodyAsJsonObject();
      assertThat(body.getInteger("rowCount")).isEqualTo(5);
      answers.add(body.getJsonArray("rows"));
    }
    return answers;
  }

  /** The demo agents are connected, on the connection they had when the relay started. */
  void assertDemoLinksIntact() {
    for (int p = 0; p < 2; p++) {
      assertThat(cloud.agents().isConnected(practiceId(p))).as("demo agent %d connected", p).isTrue();
      assertThat(demo.agents().get(p).connectionsAccepted()).as("demo agent %d never reconnected", p)
          .isEqualTo(demoConnections[p]);
    }
  }

  /** This JVM's live heap after full collections. */
  static long liveHeap() {
    long least = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      least = Math.min(least, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
    }
    return least;
  }

  /** The seed of this run: {@code -Dfuzz.seed}, or a new one (printed, so a failure replays). */
  static long seed(String suite) {
    String given = System.getProperty("fuzz.seed");
    long seed = given != null ? Long.parseLong(given) : System.nanoTime();
    System.out.println(suite + ": fuzz seed " + seed + " (replay: -Dfuzz.seed=" + seed + ")");
    return seed;
  }

  Future<Void> closeAsync() {
    return clients.close().eventually(demo::close);
  }

  @Override
  public void close() {
    closeAsync().await();
  }
}
