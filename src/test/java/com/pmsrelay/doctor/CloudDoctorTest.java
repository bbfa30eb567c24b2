package com.pmsrelay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code doctor cloud} on a real node's data directory: all pass, then TLS, key and store problems caused on purpose. */
@Timeout(120)
class CloudDoctorTest {
  @TempDir Path dir;

  record Run(int status, String out) {}

  private Path config(Consumer<JsonObject> change) throws Exception {
    JsonObject json = new JsonObject().put("dataDir", dir.resolve("cloud").toString())
        .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0)
            .put("tls", new JsonObject().put("behindProxy", true)))
        .put("bridge", new JsonObject().put("host", "127.0.0.1").put("port", 0))
        .put("management", new JsonObject().put("port", 0));
    change.accept(json);
    Path file = dir.resolve("cloud-" + System.nanoTime() + ".json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private Run doctor(Path config) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int status = Doctor.run("cloud", config, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(new ByteArrayOutputStream()), Doctor.Settings.defaults().withEnv(Map.of())
            .withLogDir(dir.resolve("logs"), Doctor::usableSpace));
    return new Run(status, out.toString(StandardCharsets.UTF_8));
  }

  /** Starts and stops a node once on the config, as a first start does: store, keys and bridge pair made. */
  private void firstStart(Path config) {
    Vertx vertx = VertxRuntime.create();
    try {
      CloudNode node = new CloudNode(vertx, CloudConfig.from(ConfigLoader.load("cloud", config, Map.of()))).start().await();
      node.stop().await();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void aNodeAfterItsFirstStartPassesEverything() throws Exception {
    Path config = config(j -> { });
    Run before = doctor(config);
    assertThat(before.out()).contains("WARN store reachable and migrated: no embedded store yet", "WARN master key: none yet");
    assertThat(Files.exists(dir.resolve("cloud/store"))).as("the doctor created no store").isFalse();
    firstStart(config);
    Run run = doctor(config);
    assertThat(run.out()).contains("PASS config:", "PASS store reachable and migrated: reachable; schema at version",
        "nothing pending", "PASS master key: kept in", "PASS JWT signing keys: 1 active, each opened with the master key",
        "PASS cluster view: clustering is off", "PASS bridge TLS files: certificate", "its key", "matches",
        "PASS API TLS files: none", "PASS disk space for logs", "all 8 checks passed").doesNotContain("WARN", "FAIL");
    assertThat(run.status()).isZero();
  }

  @Test
  void aKeyThatIsNotTheCertificatesFailsAndAnOpenKeyFileWarns() throws Exception {
    SelfSignedCertificate one = SelfSignedCertificate.create("api.example.test");
    SelfSignedCertificate other = SelfSignedCertificate.create("api.example.test");
    Run mismatched = doctor(config(j -> j.getJsonObject("http").put("tls", new JsonObject()
        .put("certPath", one.certificatePath()).put("keyPath", other.privateKeyPath()))));
    assertThat(mismatched.out()).contains("FAIL API TLS files: the key " + other.privateKeyPath()
        + " is not the key of the certificate " + one.certificatePath(), "fix: use the key the certificate was issued for");
    assertThat(mismatched.status()).isEqualTo(1);

    Files.setPosixFilePermissions(Path.of(one.privateKeyPath()), PosixFilePermissions.fromString("rw-r--r--"));
    Run open = doctor(config(j -> j.getJsonObject("http").put("tls", new JsonObject()
        .put("certPath", one.certificatePath()).put("keyPath", one.privateKeyPath()))));
    assertThat(open.out()).contains("WARN API TLS files: certificate " + one.certificatePath() + " for CN=api.example.test",
        "but other users may read the key", "fix: chmod 600 " + one.privateKeyPath());
  }

  @Test
  void aWorldReadableMasterKeyWarns() throws Exception {
    Path config = config(j -> { });
    firstStart(config);
    Path key = dir.resolve("cloud/keys/master.key");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    Run run = doctor(config);
    assertThat(run.out()).contains("WARN master key: " + key + " may be read by other users", "fix: chmod 600 " + key);
    assertThat(run.status()).isEqualTo(1);
  }

  @Test
  void anEmptyStoreHasItsMigrationsPending() throws Exception {
    Path config = config(j -> { });
    Files.createDirectories(dir.resolve("cloud/store"));
    try (var c = java.sql.DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("cloud/store/control").toAbsolutePath(), "", "")) {
      c.createStatement().execute("CREATE TABLE something_else (id INT)");
    }
    Run run = doctor(config);
    assertThat(run.out()).contains("WARN store reachable and migrated: reachable at schema version none;",
        "migration(s) pending", "fix: start the cloud", "WARN JWT signing keys: not checked");
  }

  @Test
  void aBadConfigNamesTheKey() throws Exception {
    Run run = doctor(config(j -> j.getJsonObject("http").put("tls", new JsonObject().put("behindProxy", false))));
    assertThat(run.out()).contains("FAIL config: the API needs TLS outside the demo", "http.tls.certPath");
    assertThat(run.status()).isEqualTo(1);
  }
}
