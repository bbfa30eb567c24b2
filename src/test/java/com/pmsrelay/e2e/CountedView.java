package com.pmsrelay.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code dbo.Counted} in an H2 database: a view of one row whose every execution H2 counts here,
 * so a test knows whether a query reached the database, whatever the relay says of it.
 * (Public: H2 calls {@link #run} by reflection.)
 */
public final class CountedView {
  private static final AtomicInteger RUNS = new AtomicInteger();

  private CountedView() {
  }

  /** Creates schema {@code dbo} and the view {@code dbo.Counted (Runs)}. */
  static void create(Connection connection) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
      s.execute("CREATE ALIAS IF NOT EXISTS COUNT_RUN FOR '" + CountedView.class.getName() + ".run'");
      s.execute("CREATE VIEW dbo.Counted AS SELECT COUNT_RUN() AS Runs");
    }
  }

  /** Executions of {@code dbo.Counted} so far, in any database this JVM made it in. */
  static int runs() {
    return RUNS.get();
  }

  /** Called by H2 once per execution of the view. */
  public static int run() {
    return RUNS.incrementAndGet();
  }
}
