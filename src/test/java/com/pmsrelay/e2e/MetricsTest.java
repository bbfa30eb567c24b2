package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cloud's /metrics after known traffic, on a relay of its own (so the counts are this test's):
 * queries by practice, integrator and outcome, their rows and latencies, token requests by outcome,
 * the bridge and the agents' reported load, and Vert.x's, the JVM's and the event loops' meters.
 */
@org.junit.jupiter.api.Timeout(value = 60, unit = TimeUnit.SECONDS)
class MetricsTest {
  @TempDir static Path dir;
  static RelayFixture relay;
  static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir);
    web = WebClient.create(relay.vertx());
  }

  @AfterAll
  static void stop() {
    web.close();
    relay.close();
  }

  @Test
  void queriesTokensBridgeAndRuntimeAreCounted() throws Exception {
    String practice = relay.practiceId(0);
    String client = relay.integrator(0).getString("clientId");
    String token = relay.token(0).await();
    for (int i = 0; i < 3; i++) {
      assertThat(relay.query(token, practice, "SELECT TOP 4 PatientId FROM dbo.Patients ORDER BY PatientId").await()
          .statusCode()).isEqualTo(200);
    }
    assertThat(relay.query(token, practice, "DELETE FROM dbo.Patients").await().statusCode()).isEqualTo(400);
    assertThat(relay.tokenResponse(client, "not-the-secret").await().statusCode()).isEqualTo(401);

    String grant = "integrator=\"" + client + "\",kind=\"query\",";
    // Each attempt is counted as it is audited, which may be just after its answer ended.
    String text = scrape();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!(value(text, "pmsrelay_query_seconds_count", "integrator=\"" + client + "\",practice=\"" + practice + "\"") >= 4)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
      text = scrape();
    }
    assertThat(value(text, "pmsrelay_queries_total", grant + "outcome=\"succeeded\",practice=\"" + practice + "\""))
        .isEqualTo(3.0);
    assertThat(value(text, "pmsrelay_queries_total", grant + "outcome=\"sql_rejected\",practice=\"" + practice + "\""))
        .isEqualTo(1.0);
    String byGrant = "integrator=\"" + client + "\",practice=\"" + practice + "\"";
    assertThat(value(text, "pmsrelay_query_rows_total", byGrant)).isEqualTo(12.0);
    assertThat(value(text, "pmsrelay_query_bytes_total", byGrant)).isPositive();
    assertThat(value(text, "pmsrelay_query_execution_seconds_count", byGrant)).isEqualTo(3.0);
    assertThat(value(text, "pmsrelay_query_queue_seconds_count", byGrant)).isEqualTo(3.0);
    assertThat(value(text, "pmsrelay_query_seconds_count", byGrant)).isEqualTo(4.0); // the refused one too
    assertThat(text).contains("pmsrelay_query_seconds_bucket{" + byGrant + ",le=\"0.1\"}");
    assertThat(value(text, "pmsrelay_token_requests_total", "outcome=\"issued\"")).isGreaterThanOrEqualTo(1.0);
    assertThat(value(text, "pmsrelay_token_requests_total", "outcome=\"invalid_client\"")).isEqualTo(1.0);
    assertThat(value(text, "pmsrelay_agents_connected", null)).isEqualTo(2.0);
    assertThat(value(text, "pmsrelay_bridge_frames_received_total", "kind=\"stream\"")).isPositive();
    assertThat(value(text, "pmsrelay_bridge_frames_received_total", "kind=\"authenticate\"")).isEqualTo(2.0);
    assertThat(text).contains("# TYPE pmsrelay_alerts_total counter", "# TYPE pmsrelay_event_loop_delay_seconds histogram");
    assertThat(value(text, "pmsrelay_event_loop_delay_seconds_count", null)).isPositive();
    // Vert.x's own meters (the HTTP server's requests by route, never by address) and the JVM's
    assertThat(text).containsPattern("vertx_http_server_requests_total\\{code=\"200\",local=\"127\\.0\\.0\\.1:-?\\d+\",method=\"POST\",route=\"[^\"]*"
        + "/v1/practices/:practiceId/queries\"} [1-9][0-9]*\\.0");
    assertThat(text).contains("jvm_memory_used_bytes{", "jvm_threads_live_threads ");
    assertThat(text).doesNotContain("address=\"", "remote=\"");
    // no query's text, parameters or results, no secret
    assertThat(text).doesNotContain("dbo.Patients", relay.integrator(0).getString("clientSecret"));
  }

  @Test
  void agentsReportTheirLoadByPractice() throws Exception {
    String practice = relay.practiceId(1);
    // agents send their load with each heartbeat: the first comes at connection
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    String text = scrape();
    while (Double.isNaN(value(text, "pmsrelay_agent_limit", "practice=\"" + practice + "\"")) && System.nanoTime() < deadline) {
      Thread.sleep(200);
      text = scrape();
    }
    assertThat(value(text, "pmsrelay_agent_limit", "practice=\"" + practice + "\"")).isBetween(1.0, 64.0);
    assertThat(value(text, "pmsrelay_agent_circuit_open", "practice=\"" + practice + "\"")).isEqualTo(0.0);
    assertThat(value(text, "pmsrelay_agent_queued", "practice=\"" + practice + "\"")).isEqualTo(0.0);
  }

  @Test
  void aCloudNodesLogLevelChangesWithoutARestartThroughTheOperatorApi() throws Exception {
    java.nio.file.Path config = dir.resolve("cloud-admin.json");
    java.nio.file.Files.writeString(config, new io.vertx.core.json.JsonObject()
        .put("dataDir", dir.resolve("data").resolve("cloud").toString()).encode());
    String bridge = "com.pmsrelay.cloud.bridge";
    Admin set = admin(config, "log-level", "--logger", bridge, "debug");
    assertThat(set.status).as(set.err).isEqualTo(0);
    assertThat(set.out).contains(bridge + ": DEBUG (was INFO)");
    assertThat(org.slf4j.LoggerFactory.getLogger(bridge).isDebugEnabled()).isTrue();
    assertThat(admin(config, "log-level").out).contains("\"" + bridge + "\" : \"DEBUG\"");
    assertThat(admin(config, "log-level", "--logger", bridge, "INFO").status).isEqualTo(0);
    assertThat(org.slf4j.LoggerFactory.getLogger(bridge).isDebugEnabled()).isFalse();
    Admin bad = admin(config, "log-level", "LOUD");
    assertThat(bad.status).isEqualTo(2);
    assertThat(bad.err).contains("TRACE, DEBUG, INFO, WARN, ERROR, OFF").doesNotContain("Exception");
    // with no node answering, it says so rather than change the level of the command's own process
    Admin direct = admin(config, "--direct", "log-level", "DEBUG");
    assertThat(direct.status).isEqualTo(1);
    assertThat(direct.err).contains("changes a running node");
  }

  record Admin(int status, String out, String err) {}

  /** An operator command, on a thread of its own as the command line would run it. */
  static Admin admin(java.nio.file.Path config, String... words) throws Exception {
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("--config", config.toString()));
    all.addAll(java.util.List.of(words));
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
    int status = java.util.concurrent.CompletableFuture.supplyAsync(() -> com.pmsrelay.admin.AdminCommands.run(all,
        new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
        new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8))).get(30, TimeUnit.SECONDS);
    return new Admin(status, out.toString(java.nio.charset.StandardCharsets.UTF_8),
        err.toString(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void theAgentCountsOnItsOwnLoopbackListener() throws Exception {
    com.pmsrelay.agent.AgentNode agent = relay.demo.agents().get(1);
    com.pmsrelay.common.metrics.ManagementListener listener = com.pmsrelay.agent.AgentManagement.listener(0, agent.metrics());
    String id = relay.vertx().deployVerticle(listener).await();
    try {
      String token = relay.token(1).await();
      assertThat(relay.query(token, relay.practiceId(1), "SELECT TOP 2 PatientId FROM dbo.Patients").await().statusCode())
          .isEqualTo(200);
      String url = "http://" + com.pmsrelay.agent.AgentManagement.HOST + ":" + listener.actualPort();
      String client = relay.integrator(1).getString("clientId");
      // The run is counted as its worker hands back, which may be just after the last row reached the integrator.
      String text = "";
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      do {
        HttpResponse<Buffer> r = web.getAbs(url + "/metrics").send().await();
        assertThat(r.statusCode()).isEqualTo(200);
        text = r.bodyAsString();
      } while (Double.isNaN(value(text, "pmsrelay_agent_queries_total", "integrator=\"" + client + "\",outcome=\"succeeded\""))
          && System.nanoTime() < deadline);
      assertThat(value(text, "pmsrelay_agent_queries_total", "integrator=\"" + client + "\",outcome=\"succeeded\""))
          .as(text)
          .isGreaterThanOrEqualTo(1.0);
      assertThat(value(text, "pmsrelay_agent_connected", null)).isEqualTo(1.0);
      assertThat(value(text, "pmsrelay_agent_circuit_open", null)).isEqualTo(0.0);
      assertThat(value(text, "pmsrelay_agent_limit", null)).isBetween(1.0, 64.0);
      assertThat(value(text, "pmsrelay_agent_execution_seconds_count", null)).isGreaterThanOrEqualTo(1.0);
      assertThat(web.getAbs(url + "/v1/practices").send().await().statusCode()).isEqualTo(404);
    } finally {
      relay.vertx().undeploy(id).await();
    }
  }

  @Test
  void theGrafanaDashboardPlotsOnlyMetricsTheRelayHas() throws Exception {
    io.vertx.core.json.JsonObject dashboard = new io.vertx.core.json.JsonObject(
        java.nio.file.Files.readString(Path.of("docs/grafana/pms-relay-dashboard.json")));
    // integrator 2 at practice 1: no other test of this class counts what it does
    String token = relay.token(2).await();
    relay.query(token, relay.practiceId(1), "SELECT TOP 1 PatientId FROM dbo.Patients").await();
    String text = scrape();
    java.util.Set<String> plotted = new java.util.TreeSet<>();
    for (Object panel : dashboard.getJsonArray("panels")) {
      for (Object target : ((io.vertx.core.json.JsonObject) panel).getJsonArray("targets")) {
        Matcher m = Pattern.compile("\\b((?:pmsrelay|vertx|jvm)_[a-z_]+)\\b")
            .matcher(((io.vertx.core.json.JsonObject) target).getString("expr"));
        while (m.find()) {
          plotted.add(m.group(1));
        }
      }
    }
    assertThat(plotted).hasSizeGreaterThan(12);
    // the agents' load series come from their heartbeats: the first is sent at connection
    assertThat(plotted).allSatisfy(name -> assertThat(text).as(name).containsPattern("(?m)^" + name + "[{ ]"));
  }

  private static String scrape() {
    HttpResponse<Buffer> r = web.getAbs(relay.credentials.getString("metricsUrl")).send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    return r.bodyAsString();
  }

  /** The sample of {@code name} with exactly {@code labels} (Prometheus orders them by name), NaN when absent. */
  static double value(String text, String name, String labels) {
    String series = labels == null ? name : name + "{" + labels + ",?}";
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels == null ? "" : "\\{" + Pattern.quote(labels) + ",?\\}")
        + " (\\S+)$").matcher(text);
    return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
  }
}
