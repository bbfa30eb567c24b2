package com.pmsrelay.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.Server;

/**
 * The streaming benchmark's practice database: in-memory H2 in SQL Server mode with lazy query
 * execution, holding a view {@code dbo.Big} of {@value #MAX_ROWS} rows of about 94 bytes each as
 * an NDJSON line ({@code [N,"synthetic row N <60 spaces>."]}: an int and an 82-character string),
 * computed row by row as a reader fetches them (H2 evaluates lazily only with
 * {@code LAZY_QUERY_EXECUTION=TRUE} and {@code DETERMINISTIC} functions), so the database holds no
 * result in memory. Every row it produces is counted ({@link #rowsRead}). The same view as the
 * streaming tests' ({@code e2e/StreamingRelay}). Reached in-process by the in-process agent and the
 * plain endpoint, and over an H2 TCP server on loopback by an agent in its own JVM, with a
 * read-only login.
 */
public final class StreamDatabase implements AutoCloseable {
  static final int MAX_ROWS = 1_000_000;
  static final String CATALOGUE = "StreamPMS";
  static final String READER = "pms_reader";
  private static final String SETTINGS = ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
      + ";LAZY_QUERY_EXECUTION=TRUE";
  private static final AtomicLong ROWS_READ = new AtomicLong();

  private final String name = "stream" + UUID.randomUUID().toString().replace("-", "");
  final String readerPassword = UUID.randomUUID().toString();
  final JdbcDataSource source = new JdbcDataSource();
  /** Holds the in-memory database open. */
  private final Connection owner;
  private Server tcp;

  private StreamDatabase() throws SQLException {
    source.setURL("jdbc:h2:mem:" + name + SETTINGS + ";DB_CLOSE_DELAY=-1");
    source.setUser("sa");
    source.setPassword("");
    owner = source.getConnection();
    try (Statement s = owner.createStatement()) {
      s.execute("CREATE SCHEMA IF NOT EXISTS dbo");
      s.execute("CREATE ALIAS dbo.ROW_READ DETERMINISTIC FOR \"" + StreamDatabase.class.getName() + ".rowRead\"");
      s.execute("CREATE VIEW dbo.Big AS SELECT dbo.ROW_READ(X) AS N, CONCAT('synthetic row ', X, ' ', SPACE(60), '.')"
          + " AS Filler FROM SYSTEM_RANGE(1, " + MAX_ROWS + ")");
      s.execute("CREATE USER " + READER + " PASSWORD '" + readerPassword + "'");
      s.execute("GRANT SELECT ON SCHEMA dbo TO " + READER);
    } catch (SQLException | RuntimeException e) {
      owner.close();
      throw e;
    }
  }

  static StreamDatabase start() throws SQLException {
    return new StreamDatabase();
  }

  /** H2 calls it for every row of {@code Big} it produces. */
  public static long rowRead(long n) {
    ROWS_READ.incrementAndGet();
    return n;
  }

  /** Rows of {@code Big} produced so far, by every query. */
  static long rowsRead() {
    return ROWS_READ.get();
  }

  /** The query both sides run: the first {@code rows} rows of the view, in the view's order. */
  static String sql(int rows) {
    return "SELECT TOP " + rows + " N, Filler FROM dbo.Big";
  }

  /** Serves the database over TCP on loopback (no -tcpAllowOthers): for an agent in its own JVM. */
  synchronized String tcpUrl() throws SQLException {
    if (tcp == null) {
      tcp = Server.createTcpServer("-tcpPort", "0").start();
    }
    return "jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:" + name + SETTINGS + ";SCHEMA=dbo";
  }

  @Override
  public synchronized void close() {
    if (tcp != null) {
      tcp.stop();
    }
    try (Statement s = owner.createStatement()) {
      s.execute("SHUTDOWN");
    } catch (SQLException e) {
      // already gone
    }
    try {
      owner.close();
    } catch (SQLException e) {
      // the database goes with this JVM anyway
    }
  }
}
