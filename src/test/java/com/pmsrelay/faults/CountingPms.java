package com.pmsrelay.faults;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.h2.tools.Server;

/**
 * The practice's database for the fault tests, in this JVM so that the test counts at the
 * database itself, whatever the relay's processes believe: an in-memory H2 (SQL Server mode,
 * lazy execution) served on loopback by an H2 TCP server, with a read-only login for the agent.
 *
 * <p>Every query names a tag ({@code WHERE Tag = 'fq000042'}), registered in {@code dbo.Tags} just
 * before it is sent; the views join that table to a range of numbers and pass the tag to
 * {@link #row} for each row they produce. H2 pushes the tag condition into the view, so the
 * function sees only its own query's rows, in order: row 1 is a new execution. Per tag the test
 * thus knows how often the database ran it, how many rows it produced and when the last one was.
 * (A lazily fetched statement does not show in {@code INFORMATION_SCHEMA.SESSIONS} between
 * fetches; its rows still show whether anyone reads it.)
 * <ul>
 *   <li>{@code dbo.QuickRows} (N, Tag): 1,000 rows at once.
 *   <li>{@code dbo.SlowRows} (N, Filler, Tag): 8,000 rows of about 100 bytes, about 1 ms each,
 *       produced as the agent fetches them (a long stream: one the tests catch mid-way even on a
 *       machine so loaded that their own threads wait seconds for a core).
 *   <li>{@code dbo.HeldRows} (N, Tag): 20,000 rows of 1 ms each; {@code COUNT(*)} over
 *       {@code TOP n} of them holds a statement on the database for about n ms before its only row.
 * </ul>
 */
public final class CountingPms implements AutoCloseable {
  static final String CATALOGUE = "FaultPMS";
  static final String READER = "pms_reader";
  static final int QUICK_ROWS = 1_000;
  static final int SLOW_ROWS = 8_000;
  static final int HELD_ROWS = 20_000;
  private static final String SETTINGS =
      ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE;LAZY_QUERY_EXECUTION=TRUE";
  private static final AtomicInteger NEXT_TAG = new AtomicInteger();
  private static final Map<String, Tally> TALLIES = new ConcurrentHashMap<>();

  /** What the database did for one tag. */
  static final class Tally {
    final AtomicInteger executions = new AtomicInteger();
    final AtomicLong rows = new AtomicLong();
    volatile long lastRowNanos;
  }

  private final String name = "faults" + UUID.randomUUID().toString().replace("-", "");
  final String readerPassword = UUID.randomUUID().toString();
  /** Owns the in-memory database (it lives while a connection does); registers tags, reads sessions. */
  private final Connection owner;
  private final Server tcp;

  private CountingPms() throws SQLException {
    owner = DriverManager.getConnection("jdbc:h2:mem:" + name + SETTINGS, "pms_owner", UUID.randomUUID().toString());
    try (Statement s = owner.createStatement()) {
      s.execute("CREATE SCHEMA dbo");
      s.execute("CREATE TABLE dbo.Tags (Tag VARCHAR(16) PRIMARY KEY)");
      // DETERMINISTIC: H2 evaluates a query lazily (row by row as it is fetched) only with such functions.
      s.execute("CREATE ALIAS dbo.ROW_SEEN DETERMINISTIC FOR \"" + CountingPms.class.getName() + ".row\"");
      s.execute(view("QuickRows", 0, QUICK_ROWS, ""));
      s.execute(view("SlowRows", 1_000, SLOW_ROWS, "CONCAT('synthetic row ', r.X, SPACE(60), '.') AS Filler, "));
      s.execute(view("HeldRows", 1_000, HELD_ROWS, ""));
      s.execute("CREATE USER " + READER + " PASSWORD '" + readerPassword + "'");
      s.execute("GRANT SELECT ON SCHEMA dbo TO " + READER);
    }
    // Loopback only (no -tcpAllowOthers), and no creating databases from outside.
    tcp = Server.createTcpServer("-tcpPort", "0").start();
  }

  private static String view(String name, int pauseMicros, int rows, String moreColumns) {
    return "CREATE VIEW dbo." + name + " AS SELECT dbo.ROW_SEEN(t.Tag, r.X, " + pauseMicros + ") AS N, " + moreColumns
        + "t.Tag AS Tag FROM dbo.Tags t CROSS JOIN SYSTEM_RANGE(1, " + rows + ") r";
  }

  static CountingPms start() throws SQLException {
    return new CountingPms();
  }

  /** H2 calls it for every row a view produces for {@code tag}; row 1 starts an execution. */
  public static long row(String tag, long n, int pauseMicros) {
    Tally tally = TALLIES.computeIfAbsent(tag, t -> new Tally());
    if (n == 1) {
      tally.executions.incrementAndGet();
    }
    tally.rows.incrementAndGet();
    tally.lastRowNanos = System.nanoTime();
    if (pauseMicros > 0) {
      LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(pauseMicros));
    }
    return n;
  }

  /** The URL the agent connects with, as it would to the practice's SQL Server. */
  String url() {
    return "jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:" + name + SETTINGS + ";SCHEMA=dbo";
  }

  /** A new tag, known to the views from now on. */
  synchronized String newTag() throws SQLException {
    String tag = String.format("fq%06d", NEXT_TAG.incrementAndGet());
    try (PreparedStatement ps = owner.prepareStatement("INSERT INTO dbo.Tags VALUES (?)")) {
      ps.setString(1, tag);
      ps.executeUpdate();
    }
    return tag;
  }

  static Tally tally(String tag) {
    return TALLIES.getOrDefault(tag, new Tally());
  }

  /** How many queries (tags) the database has run so far, and how many of them more than once. */
  record Runs(long ran, long ranTwice) {}

  static Runs runs() {
    return new Runs(TALLIES.size(), TALLIES.values().stream().filter(t -> t.executions.get() > 1).count());
  }

  /** Statements executing at the database now (other than this probe) whose text names one of {@code tags}. */
  synchronized int statementsRunning(Collection<String> tags) throws SQLException {
    int running = 0;
    try (Statement s = owner.createStatement();
         ResultSet rs = s.executeQuery("SELECT EXECUTING_STATEMENT FROM INFORMATION_SCHEMA.SESSIONS "
             + "WHERE SESSION_ID <> SESSION_ID() AND EXECUTING_STATEMENT IS NOT NULL")) {
      while (rs.next()) {
        String sql = rs.getString(1);
        if (tags.stream().anyMatch(tag -> sql.contains("'" + tag + "'"))) {
          running++;
        }
      }
    }
    return running;
  }

  @Override
  public void close() {
    tcp.stop();
    try {
      owner.close();
    } catch (SQLException e) {
      // the database goes with this JVM anyway
    }
  }
}
