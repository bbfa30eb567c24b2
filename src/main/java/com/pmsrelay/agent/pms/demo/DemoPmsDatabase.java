package com.pmsrelay.agent.pms.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.h2.engine.Constants;
import org.h2.jdbcx.JdbcDataSource;
import org.h2.tools.DeleteDbFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded demo PMS: an H2 file database that looks like a practice's SQL Server PMS, generated
 * once per spec and then served read-only.
 *
 * <p>Two locks keep it read-only, as production relies on a read-only login: the database is opened
 * with ACCESS_MODE_DATA=r, and the login ("demo") has SELECT on schema dbo and nothing else (no
 * admin rights, so no FILE_READ, CSVWRITE, LINK_SCHEMA or CREATE ALIAS either). The admin login
 * that generated the data gets a random password that is never stored: nobody writes to a demo
 * database again; a different spec means a fresh file.
 *
 * <p>Call {@link #open} before handing out connections: it may delete and rebuild the file, which
 * must not happen while connections to it are open.
 */
public final class DemoPmsDatabase {

  private static final Logger log = LoggerFactory.getLogger(DemoPmsDatabase.class);

  /** SQL Server dialect, names kept as written and matched without regard to case, like SQL Server. */
  private static final String COMPATIBILITY =
      ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
  /** Read-only data, unqualified names resolve in dbo, and never create an empty database by accident. */
  private static final String READ_ONLY = ";ACCESS_MODE_DATA=r;SCHEMA=dbo;IFEXISTS=TRUE";
  private static final String READ_USER = "demo";
  private static final String READ_PASSWORD = "";
  private static final String OWNER_USER = "pms_owner";
  /** The name is also the catalogue in three-part names (name.dbo.Patients), so it must be an identifier. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
  private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

  private final String name;
  private final String readOnlyJdbcUrl;
  private final boolean generated;
  private final JdbcDataSource dataSource;

  private DemoPmsDatabase(String name, String readOnlyJdbcUrl, boolean generated) {
    this.name = name;
    this.readOnlyJdbcUrl = readOnlyJdbcUrl;
    this.generated = generated;
    this.dataSource = new JdbcDataSource();
    dataSource.setURL(readOnlyJdbcUrl);
    dataSource.setUser(READ_USER);
    dataSource.setPassword(READ_PASSWORD);
  }

  /**
   * Opens {@code dir/name} (files {@code name.mv.db}), generating it first when it is absent,
   * unfinished (no DemoInfo row), unreadable, or made from a different spec or schema version.
   */
  public static DemoPmsDatabase open(Path dir, String name, DemoPmsSpec spec) throws SQLException {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("demo database name must be a letter then letters, digits or _: " + name);
    }
    Path directory = dir.toAbsolutePath().normalize();
    if (directory.toString().contains(";")) {
      throw new IllegalArgumentException("a ';' in the path would end the H2 URL: " + directory);
    }
    Path base = directory.resolve(name);
    try {
      Files.createDirectories(directory);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + directory, e);
    }
    String url = readOnlyJdbcUrl(base);
    synchronized (LOCKS.computeIfAbsent(base, k -> new Object())) {
      boolean current = holds(base, url, spec);
      if (!current) {
        generate(directory, name, base, spec);
      }
      return new DemoPmsDatabase(name, url, !current);
    }
  }

  /** The read-only URL of the demo database {@code base} (a path without {@code .mv.db}); it is never created by it. */
  private static String readOnlyJdbcUrl(Path base) {
    return "jdbc:h2:file:" + base + COMPATIBILITY + READ_ONLY;
  }

  /**
   * The demo database {@code dir/name} as the agent reads it, without generating it (the doctor's
   * look): null when it has not been generated.
   */
  public static DataSource existingReadOnly(Path dir, String name) {
    Path base = dir.toAbsolutePath().normalize().resolve(name);
    if (!Files.exists(Path.of(base + ".mv.db"))) {
      return null;
    }
    JdbcDataSource source = new JdbcDataSource();
    source.setURL(readOnlyJdbcUrl(base));
    source.setUser(READ_USER);
    source.setPassword(READ_PASSWORD);
    return source;
  }

  /** E.g. "demo-pms 1 (H2 2.4.240)": what the agent reports as its PMS version. */
  public static String pmsVersion() {
    return "demo-pms " + DemoPmsSchema.SCHEMA_VERSION + " (H2 " + Constants.VERSION + ")";
  }

  public String readOnlyJdbcUrl() {
    return readOnlyJdbcUrl;
  }

  public String readOnlyUser() {
    return READ_USER;
  }

  public String readOnlyPassword() {
    return READ_PASSWORD;
  }

  public DataSource readOnlyDataSource() {
    return dataSource;
  }

  /** The database's name: also its catalogue name in SQL (SELECT ... FROM name.dbo.Patients). */
  public String catalogueName() {
    return name;
  }

  /** True when this open() (re)generated the data, false when it found it ready. */
  public boolean generated() {
    return generated;
  }

  private static boolean holds(Path base, String url, DemoPmsSpec spec) {
    if (!Files.exists(Path.of(base + ".mv.db"))) {
      return false;
    }
    try (Connection c = DriverManager.getConnection(url, READ_USER, READ_PASSWORD);
      PreparedStatement ps = c.prepareStatement(
          "SELECT SchemaVersion, Seed, Patients, AnchorDate FROM dbo.DemoInfo");
      ResultSet rs = ps.executeQuery()) {
      boolean same = rs.next()
          && rs.getInt(1) == DemoPmsSchema.SCHEMA_VERSION
          && rs.getLong(2) == spec.seed()
          && rs.getInt(3) == spec.patients()
          && rs.getObject(4, LocalDate.class).equals(spec.anchorDate())
          && !rs.next();
      if (!same) {
        log.info("Demo PMS {} was made from another spec; regenerating", base);
      }
      return same;
    } catch (SQLException e) {
      log.info("Demo PMS {} is unfinished or unreadable ({}); regenerating", base, e.getMessage());
      return false;
    }
  }

  private static void generate(Path directory, String name, Path base, DemoPmsSpec spec) throws SQLException {
    long started = System.nanoTime();
    DeleteDbFiles.execute(directory.toString(), name, true);
    String url = "jdbc:h2:file:" + base + COMPATIBILITY;
    // The first login creates the database and becomes its admin; its password is thrown away.
    try (Connection c = DriverManager.getConnection(url, OWNER_USER, UUID.randomUUID().toString())) {
      DemoPmsGenerator.generate(c, spec);
      try (Statement s = c.createStatement()) {
        s.execute("CREATE USER " + READ_USER + " PASSWORD '" + READ_PASSWORD + "'");
        s.execute("GRANT SELECT ON SCHEMA dbo TO " + READ_USER);
        // A clean close, so the file opens read-only; COMPACT drops the pages the bulk load
        // left behind (3000 patients: 4.3 MB -> 1.7 MB; 200000: 750 MB -> 36 MB).
        s.execute("SHUTDOWN COMPACT");
      }
    }
    log.info("Generated demo PMS {} ({} patients, seed {}, anchor {}) in {} ms", base, spec.patients(),
        spec.seed(), spec.anchorDate(), (System.nanoTime() - started) / 1_000_000);
  }
}
