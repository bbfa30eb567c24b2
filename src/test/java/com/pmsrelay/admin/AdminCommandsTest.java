package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's commands against a real store: secrets shown once and working, changes audited. */
class AdminCommandsTest {
  @TempDir Path dir;

  private record Result(int status, String out, String err) {}

  private Result admin(String... args) throws Exception {
    Path config = dir.resolve("cloud.json");
    if (!Files.exists(config)) {
      Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("data").toString()).encode());
    }
    List<String> all = new ArrayList<>(List.of("--config", config.toString()));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static String find(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as(text).isTrue();
    return m.group(1);
  }

  /** The integrators as the admin command sees them: hashed under the master key it generated under dataDir. */
  private IntegratorStore integrators(Database db) {
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of()));
    try {
      return Stores.over(db, MasterKey.load(cloud.keys(), cloud.dataDir())).integrators();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private <T> T withStore(java.util.function.BiFunction<Vertx, Database, T> work) throws Exception {
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of()));
    Vertx vertx = Vertx.vertx();
    Database db = Database.open(vertx, cloud.store());
    try {
      return work.apply(vertx, db);
    } finally {
      db.close().await();
      vertx.close().await();
    }
  }

  @Test
  void createsPracticesAndIntegratorsWithSecretsThatWork() throws Exception {
    Result practice = admin("practice", "create", "Seaview Clinic");
    assertThat(practice.status()).isZero();
    String practiceId = find(practice.out(), "practice\\s+([0-9a-f-]{36})");
    String agentKey = find(practice.out(), "agent key (pmsa_\\S+)");

    Result integrator = admin("integrator", "create", "Booking Co");
    String clientId = find(integrator.out(), "client id\\s+(cli_\\S+)");
    String secret = find(integrator.out(), "client secret (pmss_\\S+)");

    assertThat(admin("practice", "list").out()).contains(practiceId).contains("Seaview Clinic").contains("offline");
    assertThat(admin("integrator", "list").out()).contains(clientId).contains("active");
    assertThat(admin("grant", practiceId, clientId, "enabled").status()).isZero();
    assertThat(admin("agents").out()).contains(practiceId).contains("never");

    withStore((vertx, db) -> {
      assertThat(new PracticeStore(db).verifyAgentKey(practiceId, agentKey).await()).isTrue();
      assertThat(integrators(db).authenticate(clientId, secret).await()).isPresent();
      return null;
    });
  }

  @Test
  void rotationReplacesTheSecretAndBlockingIsRecorded() throws Exception {
    String practiceId = find(admin("practice", "create", "Hilltop").out(), "practice\\s+([0-9a-f-]{36})");
    String clientId = find(admin("integrator", "create", "Recalls Co").out(), "client id\\s+(cli_\\S+)");
    String oldKey = find(admin("practice", "create", "Other").out(), "agent key (pmsa_\\S+)");
    Result rotated = admin("practice", "rotate-key", practiceId);
    String newKey = find(rotated.out(), "agent key (pmsa_\\S+)");
    Result secret = admin("integrator", "rotate-secret", clientId);
    String newSecret = find(secret.out(), "client secret (pmss_\\S+)");
    assertThat(admin("integrator", "block", clientId).out()).contains("blocked everywhere");
    assertThat(admin("integrator", "list").out()).contains("BLOCKED");

    withStore((vertx, db) -> {
      PracticeStore practices = new PracticeStore(db);
      assertThat(practices.verifyAgentKey(practiceId, newKey).await()).isTrue();
      assertThat(practices.verifyAgentKey(practiceId, oldKey).await()).isFalse();
      assertThat(integrators(db).find(clientId).await().orElseThrow().blocked()).isTrue();
      assertThat(integrators(db).authenticate(clientId, newSecret).await()).isPresent();
      return null;
    });
    assertThat(admin("audit-verify").out()).contains("intact");
  }

  @Test
  void auditVerifyReportsTheFirstBrokenLink() throws Exception {
    String practiceId = find(admin("practice", "create", "Tampered").out(), "practice\\s+([0-9a-f-]{36})");
    String clientId = find(admin("integrator", "create", "X").out(), "client id\\s+(cli_\\S+)");
    admin("grant", practiceId, clientId, "enabled");
    admin("grant", practiceId, clientId, "disabled");
    admin("grant", practiceId, clientId, "enabled");
    assertThat(admin("audit-verify").status()).isZero();
    String url = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of())).store().jdbcUrl();
    try (Connection c = DriverManager.getConnection(url)) {
      c.createStatement().executeUpdate("UPDATE audit_log SET actor = 'someone-else' WHERE chain = '" + practiceId + "' AND seq = 2");
    }
    Result broken = admin("audit-verify");
    assertThat(broken.status()).isEqualTo(1);
    assertThat(broken.out()).contains("BROKEN").contains(practiceId).contains("record 2");
  }

  /** Rewrites record {@code seq} of the chain and re-hashes every record after it and the head, as someone with store access can. */
  private static void rewriteConsistently(Connection c, String chain, long seq) throws Exception {
    List<AuditRecord> records = new ArrayList<>();
    try (var rs = c.createStatement().executeQuery("SELECT chain, seq, at_ms, kind, actor, action, outcome, query_id, sql_hash, "
        + "sql_text, params_count, row_count, bytes, queue_ms, exec_ms, detail FROM audit_log WHERE chain = '" + chain + "' ORDER BY seq")) {
      while (rs.next()) {
        records.add(new AuditRecord(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getString(4),
            rs.getLong(2) == seq ? "operator-innocent" : rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
            rs.getString(9), rs.getString(10), (Integer) rs.getObject(11), (Long) rs.getObject(12), (Long) rs.getObject(13),
            (Long) rs.getObject(14), (Long) rs.getObject(15), rs.getString(16)));
      }
    }
    String prev = "0".repeat(64);
    try (var update = c.prepareStatement("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?")) {
      for (AuditRecord r : records) {
        String hash = com.pmsrelay.common.crypto.Secrets.sha256Hex(prev + "\n" + r.canonical());
        update.setString(1, r.actor());
        update.setString(2, prev);
        update.setString(3, hash);
        update.setString(4, chain);
        update.setLong(5, r.seq());
        update.executeUpdate();
        prev = hash;
      }
    }
    c.createStatement().executeUpdate("UPDATE audit_heads SET hash = '" + prev + "' WHERE chain = '" + chain + "'");
  }

  @Test
  void auditVerifyFindsAChainRewrittenAndReHashedByWhoeverCanWriteTheStore() throws Exception {
    String practiceId = find(admin("practice", "create", "Rewritten").out(), "practice\\s+([0-9a-f-]{36})");
    String clientId = find(admin("integrator", "create", "Y").out(), "client id\\s+(cli_\\S+)");
    admin("grant", practiceId, clientId, "enabled"); // each command signs the heads it moved: positions 1, 2, 3
    admin("grant", practiceId, clientId, "disabled");
    Result clean = admin("audit-verify");
    assertThat(clean.status()).as(clean.out()).isZero();
    assertThat(clean.out()).contains("intact").contains("signed heads: 4 checked").doesNotContain("not yet signed");

    String url = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of())).store().jdbcUrl();
    try (Connection c = DriverManager.getConnection(url)) {
      rewriteConsistently(c, practiceId, 2);
    }
    Result rewritten = admin("audit-verify");
    assertThat(rewritten.status()).as(rewritten.out()).isEqualTo(1);
    assertThat(rewritten.out()).contains("audit log intact") // the hash chain alone cannot tell
        .contains("BROKEN in chain " + practiceId + " at signed position 2").contains("rewritten");
  }

  @Test
  void auditVerifyReportsRecordsNotYetSignedWithoutFailing() throws Exception {
    String practiceId = find(admin("practice", "create", "Unsigned tail").out(), "practice\\s+([0-9a-f-]{36})");
    withStore((vertx, db) -> new com.pmsrelay.cloud.store.AuditStore(db)
        .append(AuditRecord.admin(practiceId, "console:someone", "grant.enabled", null, null)).await());
    Result verified = admin("audit-verify");
    assertThat(verified.status()).as(verified.out()).isZero();
    assertThat(verified.out()).contains("chain " + practiceId + ": 1 record(s) after signed position 1 not yet signed")
        .doesNotContain("longer ago");
  }

  @Test
  void alertsAreListedPlainlyNewestFirstByPracticeAndOpenOnes() throws Exception {
    String practice = find(admin("practice", "create", "Alerted Practice").out(), "practice\\s+(\\S+)");
    String other = find(admin("practice", "create", "Quiet Practice").out(), "practice\\s+(\\S+)");
    withStore((vertx, db) -> {
      com.pmsrelay.cloud.store.AlertStore alerts = new com.pmsrelay.cloud.store.AlertStore(db);
      alerts.add(new com.pmsrelay.cloud.store.Alert("00000000-0000-0000-0000-0000000000a1", practice, "pmsi_x",
          "refusals", 1_000, "node", new JsonObject().put("refusals", 10), true, null, null)).await();
      alerts.add(new com.pmsrelay.cloud.store.Alert("00000000-0000-0000-0000-0000000000a2", practice, null,
          "agentKey", 2_000, "node", new JsonObject().put("reason", "new_address"), false, null, null)).await();
      alerts.add(new com.pmsrelay.cloud.store.Alert("00000000-0000-0000-0000-0000000000a3", other, "pmsi_y",
          "volume", 3_000, "node", new JsonObject().put("queries", 900), false, null, null)).await();
      alerts.acknowledge(practice, "00000000-0000-0000-0000-0000000000a2", "console:admin", 4_000).await();
      return null;
    });
    Result all = admin("alerts");
    assertThat(all.status()).isZero();
    String[] lines = all.out().split("\n");
    assertThat(lines).hasSize(4);
    assertThat(lines[0]).contains("0000000000a3").contains("volume").contains("OPEN").contains("{\"queries\":900}");
    assertThat(lines[1]).contains("0000000000a2").contains("  -  ").contains("agentKey")
        .contains("acknowledged by console:admin");
    assertThat(lines[2]).startsWith("1970-01-01T00:00:01Z").contains("pmsi_x").contains("refusals").contains("paused");
    assertThat(lines[3]).isEqualTo("3 alerts");

    Result open = admin("alerts", "--practice", practice, "--unacknowledged");
    assertThat(open.out().split("\n")).hasSize(2);
    assertThat(open.out()).contains("0000000000a1").doesNotContain("0000000000a2").doesNotContain("0000000000a3")
        .contains("1 alert unacknowledged");
    Result unknown = admin("alerts", "--practice", "no-such-practice");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("no practice no-such-practice");
  }

  @Test
  void badCommandsAreExplained() throws Exception {
    assertThat(admin("practice", "explode").status()).isEqualTo(2);
    Result missing = admin("integrator", "block");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("clientId");
    assertThat(admin("integrator", "block", "cli_nobody").err()).contains("no integrator");
  }
}
