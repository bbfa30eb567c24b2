package com.pmsrelay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.pms.demo.DemoPmsDatabase;
import com.pmsrelay.agent.pms.demo.DemoPmsSpec;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code doctor agent} against a real cloud node (its TLS bridge on loopback, a practice made in
 * its store) and a real demo PMS database: all pass, then each failing check caused on purpose.
 */
@Timeout(120)
class AgentDoctorTest {
  @TempDir static Path dir;
  static Vertx vertx;
  static CloudNode cloud;
  static PracticeStore.Created practice;

  /** What one doctor run printed, and its exit status. */
  record Run(int status, String out, String err) {}

  @BeforeAll
  static void startCloud() throws Exception {
    vertx = VertxRuntime.create();
    JsonObject json = ConfigLoader.defaults("cloud");
    json.put("dataDir", dir.resolve("cloud").toString());
    json.getJsonObject("http").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("bridge").put("host", "127.0.0.1").put("port", 0);
    json.getJsonObject("management").put("port", 0);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    practice = cloud.practices().create("Doctor Practice").await();
    DemoPmsDatabase.open(dir.resolve("pms"), "DemoPMS", new DemoPmsSpec(7, 20, LocalDate.of(2026, 1, 1)));
  }

  @AfterAll
  static void stopCloud() {
    cloud.stop().await();
    vertx.close().await();
  }

  /** A working agent's settings, then {@code change} applied. */
  static Path agentConfig(String name, Consumer<JsonObject> change) throws Exception {
    JsonObject json = new JsonObject()
        .put("practiceId", practice.practiceId())
        .put("agentKey", practice.agentKey())
        .put("cloud", new JsonObject().put("host", "127.0.0.1").put("port", cloud.bridgePort())
            .put("tls", new JsonObject().put("pinnedSha256", cloud.tls().fingerprintSha256())))
        .put("pms", new JsonObject().put("kind", "demo").put("catalogues", new JsonArray().add("DemoPMS"))
            .put("demo", new JsonObject().put("dir", dir.resolve("pms").toString()).put("seed", 7).put("patients", 20)))
        .put("registered", new JsonObject().put("dir", dir.resolve("agent").toString()));
    change.accept(json);
    Path file = dir.resolve(name + ".json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  static Doctor.Settings settings() {
    return Doctor.Settings.defaults().withEnv(Map.of()).withLogDir(dir.resolve("logs"), Doctor::usableSpace);
  }

  static Run doctor(Path config, Doctor.Settings settings) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = Doctor.run("agent", config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), settings);
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void allPassAgainstARealCloudAndExitZero() throws Exception {
    Run run = doctor(agentConfig("good", j -> { }), settings());
    assertThat(run.out()).contains("PASS config:", "PASS cloud host name resolves:", "PASS cloud port reachable:",
        "PASS TLS and certificate: handshake done; the cloud's certificate matches the pinned fingerprint "
            + cloud.tls().fingerprintSha256(),
        "PASS agent key accepted:", "PASS clock skew under 60 s:", "PASS PMS database reachable:",
        "PASS PMS login read-only:", "PASS PMS and server versions: demo-pms", "PASS disk space for logs:",
        "all 10 checks passed").doesNotContain("WARN", "FAIL", "fix:");
    assertThat(run.status()).isZero();
    assertThat(run.err()).isEmpty();
    // The doctor's handshake is a probe: no connection is recorded for the practice.
    assertThat(cloud.agents().isConnected(practice.practiceId())).isFalse();
  }

  @Test
  void aWrongPinNamesBothFingerprints() throws Exception {
    String wrong = "ab".repeat(32);
    Run run = doctor(agentConfig("pin", j -> j.getJsonObject("cloud").getJsonObject("tls").put("pinnedSha256", wrong)),
        settings());
    assertThat(run.out()).contains("FAIL TLS and certificate: the cloud's certificate does not match the pinned fingerprint:"
            + " expected " + wrong + " (cloud.tls.pinnedSha256), presented " + cloud.tls().fingerprintSha256(),
        "fix: if the cloud's bridge certificate was replaced, set cloud.tls.pinnedSha256",
        "WARN agent key accepted: not checked");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void aWrongAgentKeySaysSoAndHowToGetANewOne() throws Exception {
    Run run = doctor(agentConfig("key", j -> j.put("agentKey", "pmsa_wrong")), settings());
    assertThat(run.out()).contains("PASS TLS and certificate",
        "FAIL agent key accepted: the cloud refused the agent key for practice " + practice.practiceId(),
        "admin practice rotate-key " + practice.practiceId(), "set agentKey (PMSRELAY_AGENT_KEY)",
        "WARN clock skew under 60 s: not checked").doesNotContain("pmsa_wrong");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void aClockFiveMinutesAheadFails() throws Exception {
    Run run = doctor(agentConfig("clock", j -> { }),
        settings().withClock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(5))));
    assertThat(run.out()).containsPattern("FAIL clock skew under 60 s: this server's clock is (299|300|301) s ahead of the cloud's")
        .contains("fix: turn on time synchronisation", "PASS agent key accepted");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void anUnresolvableHostFailsAtDns() throws Exception {
    Run run = doctor(agentConfig("dns", j -> j.getJsonObject("cloud").put("host", "no-such-cloud.invalid")), settings());
    assertThat(run.out()).contains("FAIL cloud host name resolves: no-such-cloud.invalid does not resolve",
        "fix: check cloud.host", "WARN cloud port reachable: not checked");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void aClosedPortFailsAtTcp() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run run = doctor(agentConfig("port", j -> j.getJsonObject("cloud").put("port", closed)), settings());
    assertThat(run.out()).contains("PASS cloud host name resolves", "FAIL cloud port reachable: cannot open a TCP connection to 127.0.0.1:"
        + closed, "fix: check cloud.port is the cloud's bridge port");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void aBadConfigNamesTheKey() throws Exception {
    Run run = doctor(agentConfig("config", j -> j.getJsonObject("pms").put("kind", "oracle")), settings());
    assertThat(run.out()).contains("FAIL config:", "pms.kind", "fix: correct it in " + dir.resolve("config.json"));
    assertThat(run.status()).isEqualTo(1);
    Run unknown = doctor(agentConfig("typo", j -> j.put("pingIntervalMillis", 5)), settings());
    assertThat(unknown.out()).contains("FAIL config: unknown config key 'pingIntervalMillis'");
  }

  @Test
  void aDatabaseThatIsDownFailsWithItsFix() throws Exception {
    int closed;
    try (ServerSocket socket = new ServerSocket(0)) {
      closed = socket.getLocalPort();
    }
    Run run = doctor(agentConfig("db", j -> j.getJsonObject("pms").put("kind", "sqlserver").put("user", "pmsrelay_reader")
        .put("password", "not-logged").put("jdbcUrl", "jdbc:sqlserver://127.0.0.1:" + closed + ";encrypt=false")), settings());
    assertThat(run.out()).contains("FAIL PMS database reachable: cannot connect to 127.0.0.1:" + closed,
        "fix: check pms.jdbcUrl's host and port", "WARN PMS login read-only: not checked")
        .doesNotContain("not-logged");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void aDemoLoginThatCanWriteIsAWarningWithTheStatementToRemoveIt() throws Exception {
    Path pms = dir.resolve("writable-pms");
    Files.createDirectories(pms);
    try (var admin = java.sql.DriverManager.getConnection("jdbc:h2:file:" + pms.resolve("DemoPMS")
        + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE", "owner", "owner-secret"); var s = admin.createStatement()) {
      s.execute("CREATE SCHEMA dbo");
      s.execute("CREATE TABLE dbo.Patients (PatientId INT PRIMARY KEY)");
      s.execute("CREATE USER demo PASSWORD ''");
      s.execute("GRANT SELECT, INSERT ON dbo.Patients TO demo");
    }
    Run run = doctor(agentConfig("writable", j -> j.getJsonObject("pms").getJsonObject("demo").put("dir", pms.toString())),
        settings());
    assertThat(run.out()).contains("PASS PMS database reachable",
        "WARN PMS login read-only: the demo login DEMO can write: INSERT on object dbo.Patients",
        "fix: run, as an administrator: REVOKE INSERT ON dbo.Patients FROM DEMO;");
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void littleDiskSpaceForLogsWarnsThenFails() throws Exception {
    Path config = agentConfig("disk", j -> { });
    Run low = doctor(config, settings().withLogDir(dir.resolve("logs"), p -> 500L << 20));
    assertThat(low.out()).contains("WARN disk space for logs: only 500 MiB free", "(under 1 GiB)", "fix: free space");
    Run none = doctor(config, settings().withLogDir(dir.resolve("logs"), p -> 50L << 20));
    assertThat(none.out()).contains("FAIL disk space for logs: only 50 MiB free", "under 100 MiB");
    assertThat(none.status()).isEqualTo(1);
  }
}
