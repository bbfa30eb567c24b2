package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.config.CloudConfig;
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

    Result integrator = admin("integrator", "create", "Booking Co", "--webhook", "https://example.com/hook");
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

  @Test
  void badCommandsAreExplained() throws Exception {
    assertThat(admin("practice", "explode").status()).isEqualTo(2);
    Result missing = admin("integrator", "block");
    assertThat(missing.status()).isEqualTo(2);
    assertThat(missing.err()).contains("clientId");
    assertThat(admin("integrator", "block", "cli_nobody").err()).contains("no integrator");
  }
}
