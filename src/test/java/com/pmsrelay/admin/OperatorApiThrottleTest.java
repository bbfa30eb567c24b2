package com.pmsrelay.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.operator.OperatorApi;
import com.pmsrelay.cloud.operator.OperatorToken;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator API under a token-guessing loop, over real sockets from two loopback addresses:
 * past the free failures (the shipped 5) the guessing address waits, answered 429 with Retry-After
 * and not checked, even with the right token, so the command does not run; the operator at the
 * address it used before keeps running commands at once; once the wait is over, the right token
 * works again from the guessing address too.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OperatorApiThrottleTest {
  @TempDir Path dir;
  Vertx vertx;
  CloudNode cloud;
  String token;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
    json.getJsonObject("throttle").put("holdMs", 0);
    cloud = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    token = OperatorToken.read(OperatorToken.file(null, dir.resolve("cloud")));
    com.pmsrelay.logs.TestSecrets.record("operator token", token);
  }

  @AfterEach
  void stop() {
    cloud.stop().await();
    vertx.close().await();
  }

  private HttpResponse<Buffer> command(String from, String presented, String... args) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cloud.managementPort()).setLocalAddress(from));
    try {
      return client.post(OperatorApi.PATH).putHeader("Authorization", "Bearer " + presented)
          .sendJsonObject(new JsonObject().put("args", new JsonArray(java.util.List.of((Object[]) args)))).await();
    } finally {
      client.close();
    }
  }

  @Test
  void aGuessingAddressIsSlowedDownUncheckedWhileTheOperatorsOwnAddressIsNot() throws Exception {
    assertThat(command("127.0.0.1", token, "practice", "list").statusCode()).isEqualTo(200);
    String wrong = OperatorToken.PREFIX + "x".repeat(43);
    for (int i = 0; i < 5; i++) {
      assertThat(command("127.0.0.2", wrong, "practice", "list").statusCode()).as("free failure " + i).isEqualTo(401);
    }
    HttpResponse<Buffer> waiting = command("127.0.0.2", token, "practice", "create", "Guessed Clinic");
    assertThat(waiting.statusCode()).as(waiting.bodyAsString()).isEqualTo(429);
    assertThat(waiting.getHeader("Content-Type")).isEqualTo("application/problem+json");
    assertThat(waiting.getHeader("Retry-After")).isEqualTo("1");
    assertThat(waiting.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertThat(waiting.bodyAsString()).doesNotContain(token);

    // The operator's usual address is not slowed down; and the right token sent while waiting ran nothing.
    HttpResponse<Buffer> listed = command("127.0.0.1", token, "practice", "list");
    assertThat(listed.statusCode()).isEqualTo(200);
    assertThat(listed.bodyAsJsonObject().getString("out")).doesNotContain("Guessed Clinic");

    Thread.sleep(1_100);
    HttpResponse<Buffer> after = command("127.0.0.2", token, "practice", "create", "Patient Clinic");
    assertThat(after.statusCode()).as(after.bodyAsString()).isEqualTo(200);
    assertThat(after.bodyAsJsonObject().getInteger("exit")).isZero();
  }
}
