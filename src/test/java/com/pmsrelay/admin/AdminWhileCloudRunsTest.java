package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.operator.OperatorEndpoint;
import com.pmsrelay.cloud.operator.OperatorToken;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The operator's commands while the cloud runs on its embedded H2 store, which only the cloud's
 * process may open: run as separate processes (as an operator runs them), they reach the running
 * node's operator API with the token from its data dir, and the node runs them on its own stores.
 * The operator API refuses a missing or wrong token with 401 problem+json, and the token is never
 * in a log line or an answer.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class AdminWhileCloudRunsTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static CloudNode cloud;
  static Path config;
  static String token;
  static final ListAppender<ILoggingEvent> LOGGED = new ListAppender<>();

  record Run(int status, String out, String err) {}

  @BeforeAll
  static void start() throws Exception {
    LOGGED.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOGGED);
    JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
    // Each refusal here is checked on its own, in any order of the tests: the throttle would slow the next
    // right token down (OperatorApiThrottleTest shows it).
    json.getJsonObject("throttle").getJsonObject("operator").put("freeFailures", 1_000);
    config = dir.resolve("cloud.json");
    Files.writeString(config, json.encode());
    vertx = Vertx.vertx();
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    Path tokenFile = OperatorToken.file(null, dir.resolve("cloud"));
    token = OperatorToken.read(tokenFile);
    com.pmsrelay.logs.TestSecrets.record("operator token", token);
    assertThat(token).startsWith(OperatorToken.PREFIX).hasSizeGreaterThan(40);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.stop().await();
      vertx.close().await();
    }
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOGGED);
  }

  /** {@code java … Main admin --config cloud.json <args>} in a JVM of its own. */
  static Run admin(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "com.pmsrelay.Main", "admin", "--config", config.toString()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("admin " + String.join(" ", args) + " ended").isTrue();
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }

  static HttpResponse<String> post(String authorization, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + cloud.managementPort()
        + "/operator/commands")).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  @Test
  void theOperatorApiRefusesAMissingOrWrongTokenAndRunsCommandsWithTheRightOne() throws Exception {
    String body = new JsonObject().put("args", new io.vertx.core.json.JsonArray().add("integrator").add("list")).encode();
    for (String authorization : new String[] {null, "Bearer", "Bearer " + OperatorToken.PREFIX + "x".repeat(43),
        "Bearer " + token + "x", "Basic " + token}) {
      HttpResponse<String> refused = post(authorization, body);
      assertThat(refused.statusCode()).as(String.valueOf(authorization)).isEqualTo(401);
      assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
      JsonObject problem = new JsonObject(refused.body());
      assertThat(problem.getString("code")).isEqualTo("invalid_token");
      assertThat(refused.body()).doesNotContain(token);
    }
    HttpResponse<String> ran = post("Bearer " + token, body);
    assertThat(ran.statusCode()).as(ran.body()).isEqualTo(200);
    assertThat(new JsonObject(ran.body()).getInteger("exit")).isZero();
    assertThat(post("Bearer " + token, "{\"args\": [1, 2]}").statusCode()).isEqualTo(400);
    assertThat(new JsonObject(post("Bearer " + token, new JsonObject().put("args", new io.vertx.core.json.JsonArray()
        .add("practice").add("explode")).encode()).body()).getInteger("exit")).isEqualTo(2);
  }

  @Test
  void adminInAnotherProcessWorksWhileTheCloudHoldsItsEmbeddedStore() throws Exception {
    assertThat(OperatorEndpoint.read(dir.resolve("cloud"))).isPresent();
    Run created = admin("-v", "practice", "create", "Seaview Clinic");
    assertThat(created.status()).as(created.err()).isZero();
    assertThat(created.err()).contains("ran in the cloud at");
    String practiceId = find(created.out(), "practice\\s+([0-9a-f-]{36})");
    String agentKey = find(created.out(), "agent key (pmsa_\\S+)");
    assertThat(cloud.practices().verifyAgentKey(practiceId, agentKey).await()).isTrue();

    String clientId = find(admin("integrator", "create", "Booking Co").out(), "client id\\s+(cli_\\S+)");
    Run granted = admin("grant", practiceId, clientId, "enabled", "--scopes", "Patients,dbo.Appointments", "--max-rows", "25",
        "--rate", "30");
    assertThat(granted.status()).as(granted.err()).isZero();
    com.pmsrelay.cloud.store.Grant grant = cloud.grants().find(practiceId, clientId).await().orElseThrow();
    assertThat(grant.scopes().getList()).containsExactly("Patients", "dbo.Appointments");
    assertThat(grant.maxRows()).isEqualTo(25);
    assertThat(grant.ratePerMinute()).isEqualTo(30);
    assertThat(grant.maxTimeoutMs()).as("the default").isEqualTo(com.pmsrelay.cloud.store.Grant.DEFAULT_MAX_TIMEOUT_MS);
    assertThat(admin("integrator", "block", clientId).out()).contains("blocked everywhere");
    assertThat(cloud.integrators().find(clientId).await().orElseThrow().blocked()).isTrue();
    Run audit = admin("audit-verify");
    assertThat(audit.status()).as(audit.out()).isZero();
    assertThat(audit.out()).contains("intact");

    // What was impossible: the store itself, opened beside the running cloud.
    Run direct = admin("--direct", "practice", "list");
    assertThat(direct.status()).isEqualTo(1);
    assertThat(direct.err().lines()).hasSize(1);
    assertThat(direct.err()).contains("held by another process").doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void badInputAtTheCloudIsOneLineExitTwo() throws Exception {
    Run unknown = admin("practice", "rotate-key", "no-such-practice");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err().strip()).isEqualTo("pms-relay admin: no practice no-such-practice");
    Run scope = admin("grant", "p", "c", "enabled", "--scopes", "a.b.c.d");
    assertThat(scope.status()).isEqualTo(2);
    assertThat(scope.err().lines()).hasSize(1);
    assertThat(scope.err()).contains("--scopes");
  }

  @Test
  void aReplacedTokenFileIsOneLineWithTheFix() throws Exception {
    Path tokenFile = OperatorToken.file(null, dir.resolve("cloud"));
    String saved = Files.readString(tokenFile);
    try {
      Files.writeString(tokenFile, OperatorToken.PREFIX + "y".repeat(43));
      Run refused = admin("practice", "list");
      assertThat(refused.status()).isEqualTo(1);
      assertThat(refused.err().lines()).hasSize(1);
      assertThat(refused.err()).contains("refused the operator token").contains("Restart the cloud");
    } finally {
      Files.writeString(tokenFile, saved);
    }
  }

  @Test
  void theTokenIsInNoLogLine() throws Exception {
    post("Bearer " + token + "z", "{}"); // a refusal is logged: without what was presented
    assertThat(LOGGED.list).isNotEmpty();
    for (ILoggingEvent e : List.copyOf(LOGGED.list)) {
      assertThat(e.getFormattedMessage()).doesNotContain(token);
      if (e.getThrowableProxy() != null) {
        assertThat(e.getThrowableProxy().getMessage()).doesNotContain(token);
      }
    }
    assertThat(LOGGED.list.stream().map(ILoggingEvent::getFormattedMessage)).anyMatch(m -> m.contains("a wrong operator token"));
  }
}
