package com.pmsrelay.cloud.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.Statement;

/**
 * An embedded PostgreSQL for a test (throw-away data: fsync off), with an empty database made in it.
 * Where CI=true one that cannot start fails the test; elsewhere the test is skipped with the reason
 * this gives.
 */
public final class TestPostgres {
  /** The server, or null with why it did not start. */
  public record Started(EmbeddedPostgres postgres, String notStarted) {}

  private TestPostgres() {}

  /** Starts a server holding an empty database named {@code database} (null: none). */
  public static Started start(String database) throws Exception {
    EmbeddedPostgres postgres;
    try {
      // Throw-away data: no need to wait for the disk (CREATE DATABASE gets much cheaper too).
      postgres = EmbeddedPostgres.builder().setServerConfig("fsync", "off").setServerConfig("full_page_writes", "off")
          .start();
    } catch (Exception | LinkageError e) {
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        throw new IllegalStateException("CI=true: embedded PostgreSQL must start", e);
      }
      return new Started(null, "skipped: embedded PostgreSQL did not start here (" + e + "); it runs where CI=true");
    }
    if (database != null) {
      try (Connection c = postgres.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE DATABASE " + database);
      }
    }
    return new Started(postgres, null);
  }

  /** As {@link #start}, for a whole test class: one that did not start aborts it (skipped), or fails where CI=true. */
  public static EmbeddedPostgres startOrAbort(String database) throws Exception {
    Started started = start(database);
    if (started.postgres() == null) {
      org.junit.jupiter.api.Assumptions.abort(started.notStarted());
    }
    return started.postgres();
  }
}
