package com.pmsrelay.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log's hash chain: intact when untouched, and any edit, deletion or reordering found. */
class AuditStoreTest {
  @TempDir Path dir;
  Vertx vertx;
  Database db;
  AuditStore audit;
  String url;

  @BeforeEach
  void open() {
    vertx = Vertx.vertx();
    url = StoreConfig.embeddedH2(dir.resolve("audit"));
    db = Database.open(vertx, new StoreConfig(url, "", "", 4));
    audit = new AuditStore(db);
  }

  @AfterEach
  void close() {
    db.close().await();
    vertx.close().await();
  }

  private void appendQueries(String chain, int n) {
    for (int i = 0; i < n; i++) {
      audit.append(AuditRecord.query(chain, "cli_a", i % 3 == 0 ? "sql_rejected" : "succeeded", "q" + i, "h" + i,
          "SELECT " + i, 1, 5L, 100L, 0L, 3L)).await();
    }
  }

  private void tamper(String sql) throws Exception {
    try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
      s.executeUpdate(sql);
    }
  }

  @Test
  void untouchedChainsVerify() {
    appendQueries("practice-a", 10);
    appendQueries("practice-b", 5);
    audit.append(AuditRecord.admin("practice-a", "console:admin", "grant.disable",
        new JsonObject().put("status", "enabled"), new JsonObject().put("status", "disabled"))).await();
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isTrue();
    assertThat(v.records()).isEqualTo(16);
  }

  @Test
  void anEditedRecordIsFound() throws Exception {
    appendQueries("practice-a", 10);
    tamper("UPDATE audit_log SET sql_text = 'SELECT nothing' WHERE chain = 'practice-a' AND seq = 4");
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.chain()).isEqualTo("practice-a");
    assertThat(v.seq()).isEqualTo(4);
    assertThat(v.problem()).contains("changed");
  }

  @Test
  void anEditWithARecomputedHashStillBreaksTheNextLink() throws Exception {
    appendQueries("practice-a", 10);
    // A careful forger rewrites record 4 and its own hash: record 5 no longer follows it.
    tamper("UPDATE audit_log SET outcome = 'succeeded', hash = '" + "f".repeat(64) + "' WHERE chain = 'practice-a' AND seq = 4");
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.seq()).isEqualTo(4);
  }

  @Test
  void aDeletedRecordIsFound() throws Exception {
    appendQueries("practice-a", 10);
    tamper("DELETE FROM audit_log WHERE chain = 'practice-a' AND seq = 6");
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.seq()).isEqualTo(6);
    assertThat(v.problem()).contains("missing");
  }

  @Test
  void aDeletedTailIsFound() throws Exception {
    appendQueries("practice-a", 10);
    tamper("DELETE FROM audit_log WHERE chain = 'practice-a' AND seq >= 9");
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.problem()).contains("removed");
  }

  @Test
  void reorderedRecordsAreFound() throws Exception {
    appendQueries("practice-a", 10);
    tamper("UPDATE audit_log SET seq = -1 WHERE chain = 'practice-a' AND seq = 3");
    tamper("UPDATE audit_log SET seq = 3 WHERE chain = 'practice-a' AND seq = 7");
    tamper("UPDATE audit_log SET seq = 7 WHERE chain = 'practice-a' AND seq = -1");
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.seq()).isEqualTo(3);
  }

  @Test
  void concurrentAppendsBuildOneUnbrokenChain() {
    List<Future<Long>> appends = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      appends.add(audit.append(AuditRecord.query("practice-c", "cli_" + (i % 4), "succeeded", "q" + i, null,
          "SELECT 1", 0, 1L, 10L, 0L, 1L)));
    }
    Future.all(appends).await();
    assertThat(appends.stream().map(Future::result).sorted().toList()).containsExactlyElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 60).boxed().toList());
    assertThat(audit.verify().await().intact()).isTrue();
  }

  @Test
  void aChainLongerThanOneReadIsVerifiedPageByPage() throws Exception {
    int records = 2 * AuditStore.VERIFY_PAGE + 500;
    List<Future<Long>> appends = new ArrayList<>();
    for (int i = 0; i < records; i++) { // concurrent: they go in batches
      appends.add(audit.append(AuditRecord.query("practice-long", "cli_a", "succeeded", "q" + i, null, "SELECT 1", 0,
          1L, 10L, 0L, 1L)));
    }
    Future.all(appends).await();
    assertThat(audit.verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.records()).isEqualTo(records);
    });

    long inTheThirdRead = 2L * AuditStore.VERIFY_PAGE + 100;
    tamper("UPDATE audit_log SET actor = 'cli_b' WHERE chain = 'practice-long' AND seq = " + inTheThirdRead);
    assertThat(audit.verify().await()).satisfies(v -> {
      assertThat(v.intact()).isFalse();
      assertThat(v.seq()).isEqualTo(inTheThirdRead);
    });
  }

  @Test
  void rewritingATimestampIsTampering() throws Exception {
    appendQueries("practice-a", 10);
    tamper("UPDATE audit_log SET at_ms = 1000 WHERE seq <= 4");
    assertThat(audit.verify().await().intact()).isFalse();
  }

  @Test
  void purgeKeepsTheChainVerifiable() {
    appendQueries("practice-a", 10);
    long cutoff = System.currentTimeMillis() + 1;
    appendQueriesLater("practice-a", 5, cutoff);
    int removed = audit.purgeOlderThan(cutoff).await();
    assertThat(removed).isEqualTo(10);
    AuditStore.Verification v = audit.verify().await();
    assertThat(v.intact()).as(String.valueOf(v)).isTrue();
    assertThat(v.records()).isEqualTo(5);
  }

  private void appendQueriesLater(String chain, int n, long notBeforeMs) {
    while (System.currentTimeMillis() <= notBeforeMs) {
      Thread.onSpinWait();
    }
    appendQueries(chain, n);
  }

  @Test
  void listsNewestFirstWithFiltersAndPaging() {
    appendQueries("practice-a", 9);
    List<AuditRecord> refused = audit.list(new AuditStore.Query("practice-a", null, null, null, null, "refused", null, 100)).await();
    assertThat(refused).extracting(AuditRecord::seq).containsExactly(7L, 4L, 1L);
    List<AuditRecord> page1 = audit.list(new AuditStore.Query("practice-a", null, null, null, null, null, null, 4)).await();
    assertThat(page1).extracting(AuditRecord::seq).containsExactly(9L, 8L, 7L, 6L);
    List<AuditRecord> page2 = audit.list(new AuditStore.Query("practice-a", null, null, null, null, null, 6L, 4)).await();
    assertThat(page2).extracting(AuditRecord::seq).containsExactly(5L, 4L, 3L, 2L);
  }
}
