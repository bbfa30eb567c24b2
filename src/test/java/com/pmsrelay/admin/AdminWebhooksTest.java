package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.webhook.WebhookStore;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code admin webhooks <clientId>}: the operator sees an integrator's webhook and deliveries as it does, never the secret. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AdminWebhooksTest {
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
    int status = AdminCommands.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theOperatorSeesTheWebhookAndItsDeliveriesButNeverTheSecret() throws Exception {
    Matcher m = Pattern.compile("client id\\s+(\\S+)").matcher(admin("integrator", "create", "Hooked").out());
    String clientId = m.find() ? m.group(1) : null;
    assertThat(clientId).isNotNull();
    assertThat(admin("webhooks", clientId).out()).contains("no webhook set").contains("0 deliveries");

    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", dir.resolve("cloud.json"), Map.of()));
    Vertx vertx = Vertx.vertx();
    String secret;
    try {
      Database db = vertx.executeBlocking(() -> Database.open(vertx, cloud.store())).await();
      WebhookStore store = new WebhookStore(db, MasterKey.load(cloud.keys(), cloud.dataDir())
          .sealing(KeyPurposes.WEBHOOK_SECRETS));
      secret = store.put(clientId, "https://hooks.example.com/in", 1_000).await().secret();
      long now = System.currentTimeMillis();
      store.enqueue(clientId, "reg-1", "res-1", now, now).await();
      store.enqueue(clientId, "reg-1", "res-2", now, now + 1).await();
      db.close().await();
    } finally {
      vertx.close().await();
    }
    Result listed = admin("webhooks", clientId);
    assertThat(listed.status()).isZero();
    assertThat(listed.out()).contains("webhook https://hooks.example.com/in").contains("pending")
        .contains("registration reg-1  result res-2").contains("2 deliveries").doesNotContain(secret);
    String[] lines = listed.out().split("\n");
    assertThat(lines[1]).contains("res-2"); // newest first
    assertThat(admin("webhooks", clientId, "--limit", "1").out()).contains("1 delivery").doesNotContain("res-1");
    assertThat(admin("webhooks", clientId, "--limit", "0").status()).isEqualTo(2);
    Result unknown = admin("webhooks", "cli_nobody");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("no integrator cli_nobody");
  }
}
