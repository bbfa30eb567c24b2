package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.admin.AdminCommands;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code admin grant} with scopes and limits, sent to the running demo cloud's operator API (its
 * data dir announces it), then queries held to them: a table outside the scopes is 403
 * scope_denied, rows stop at --max-rows. And {@code admin bridge fingerprint} prints the
 * fingerprint the demo's agents pin and connect with.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminGrantLimitsTest extends RelayTest {
  record Run(int status, String out, String err) {}

  static Run admin(String... args) throws Exception {
    Path config = dir.resolve("operator-cloud.json");
    Files.writeString(config, new JsonObject().put("dataDir", dir.resolve("data").resolve("cloud").toString()).encode());
    List<String> all = new ArrayList<>(List.of("--config", config.toString(), "--verbose"));
    all.addAll(List.of(args));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aGrantsScopesAndRowCapHoldItsQueries() throws Exception {
    String practice = relay.practiceId(0);
    String clientId = relay.integrator(0).getString("clientId"); // enabled at practice 0
    Run granted = admin("grant", practice, clientId, "enabled", "--scopes", "dbo.Patients", "--max-rows", "7");
    assertThat(granted.status()).as(granted.err()).isZero();
    assertThat(granted.err()).as("sent to the running cloud").contains("ran in the cloud at");
    assertThat(granted.out()).contains("scopes dbo.Patients").contains("maxRows 7").contains("ratePerMinute 600");

    String token = relay.token(0).await();
    JsonObject patients = relay.query(token, practice, "SELECT PatientId FROM Patients ORDER BY PatientId").await()
        .bodyAsJsonObject();
    assertThat(patients.getJsonArray("rows")).as(patients.encode()).hasSize(7);
    assertThat(patients.getBoolean("truncated")).isTrue();
    var appointments = relay.query(token, practice, "SELECT AppointmentId FROM Appointments").await();
    assertThat(appointments.statusCode()).isEqualTo(403);
    assertThat(appointments.bodyAsJsonObject().getString("code")).isEqualTo("scope_denied");

    // Back to every table (the row cap stays as set): the same query runs.
    assertThat(admin("grant", practice, clientId, "enabled", "--scopes", "*").status()).isZero();
    long deadline = System.currentTimeMillis() + 5_000;
    int status;
    do {
      status = relay.query(token, practice, "SELECT AppointmentId FROM Appointments").await().statusCode();
    } while (status != 200 && System.currentTimeMillis() < deadline);
    assertThat(status).isEqualTo(200);
  }

  @Test
  void bridgeFingerprintIsWhatTheAgentsPin() throws Exception {
    Run printed = admin("bridge", "fingerprint");
    assertThat(printed.status()).as(printed.err()).isZero();
    assertThat(printed.out().strip()).matches("[0-9a-f]{64}").isEqualTo(relay.demo.cloud().tls().fingerprintSha256());
  }
}
