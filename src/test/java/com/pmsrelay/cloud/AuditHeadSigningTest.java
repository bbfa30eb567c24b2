package com.pmsrelay.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.keys.AuditHeadKeys;
import com.pmsrelay.cloud.keys.KeysConfig;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.SignedHead;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
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
 * A cloud node signs the audit chains' heads that moved, every {@code audit.signHeadsEveryMs} and
 * at a clean stop, and the practice's console shows the latest signed head and exports it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuditHeadSigningTest {
  @TempDir Path dir;
  Vertx vertx;
  WebClient http;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void close() {
    if (http != null) {
      http.close();
    }
    vertx.close().await();
  }

  private CloudConfig config(int signEveryMs) {
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("audit").put("signHeadsEveryMs", signEveryMs);
    return CloudConfig.from(json);
  }

  private static void awaitSignedAt(CloudNode node, String chain, long seq) throws InterruptedException {
    // generous for a loaded CI machine: unsigned, it would wait forever
    long deadline = System.currentTimeMillis() + 30_000;
    while (node.audit().latestSignedHead(chain).await().map(SignedHead::seq).orElse(0L) != seq) {
      assertThat(System.currentTimeMillis()).as("signed at position %d within 30 s", seq).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @Test
  void headsAreSignedPeriodicallyAndAtStopAndTheConsoleShowsAndExportsTheLatest() throws Exception {
    CloudConfig config = config(300);
    CloudNode node = new CloudNode(vertx, config).start().await();
    String practiceId = node.practices().create("Signed Practice").await().practiceId();
    node.consoleUsers().create("admin@signed.example", practiceId, "a long enough password").await();
    for (int i = 0; i < 3; i++) {
      node.audit().append(AuditRecord.attempt(practiceId, "cli_x", "succeeded", "q" + i, "SELECT " + i, 0, 1L, 10L, 0L, 1L))
          .await();
    }
    long started = System.currentTimeMillis();
    awaitSignedAt(node, practiceId, 3); // by the periodic pass: the node has not stopped
    System.out.println("signed " + (System.currentTimeMillis() - started) + " ms after the last append (every 300 ms)");

    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    HttpResponse<Buffer> login = http.post("/console/api/login").sendJsonObject(
        new JsonObject().put("username", "admin@signed.example").put("password", "a long enough password")).await();
    assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(200);
    String cookie = login.cookies().get(0).split(";")[0];
    JsonObject page = http.get("/console/api/practices/" + practiceId + "/audit").putHeader("Cookie", cookie).send().await()
        .bodyAsJsonObject();
    JsonObject signed = page.getJsonObject("signedHead");
    SignedHead stored = node.audit().latestSignedHead(practiceId).await().orElseThrow();
    AuditHeadKeys keys = AuditHeadKeys.derivedFrom(MasterKey.load(new KeysConfig(null, null), dir));
    assertThat(signed.getLong("position")).isEqualTo(3);
    assertThat(signed.getString("headHash")).isEqualTo(stored.hash());
    assertThat(signed.getString("headFingerprint")).isEqualTo(stored.hash().substring(0, 16));
    assertThat(signed.getString("keyFingerprint")).isEqualTo(keys.current().id());
    assertThat(keys.current().verify(signed.getString("statement"), signed.getString("signature"))).isTrue();

    String csv = http.get("/console/api/practices/" + practiceId + "/audit.csv").putHeader("Cookie", cookie).send().await()
        .bodyAsString();
    String[] lines = csv.split("\r\n");
    assertThat(lines[1]).startsWith("3," + java.time.Instant.ofEpochMilli(stored.signedAtMs()) + ",signed_head,pms-relay,audit.sign,"
        + keys.current().id() + ",").contains(stored.signature().replace("\"", "\"\"")).contains(stored.hash());
    assertThat(lines).hasSize(5); // header, signed head, three records

    // appended just before a clean stop: signed by the stop, after the record is written
    node.audit().append(AuditRecord.attempt(practiceId, "cli_x", "succeeded", "last", "SELECT 9", 0, 1L, 10L, 0L, 1L)).await();
    node.stop().await();
    CloudNode again = new CloudNode(vertx, config(3_600_000)).start().await();
    try {
      assertThat(again.audit().latestSignedHead(practiceId).await().orElseThrow().seq()).isEqualTo(4);
      assertThat(again.signedHeads().verify().await()).satisfies(v -> {
        assertThat(v.intact()).as(String.valueOf(v)).isTrue();
        assertThat(v.unsigned()).isEmpty();
      });
    } finally {
      again.stop().await();
    }
  }
}
