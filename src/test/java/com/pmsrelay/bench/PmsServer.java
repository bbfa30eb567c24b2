package com.pmsrelay.bench;

import com.pmsrelay.agent.pms.demo.DemoPmsGenerator;
import com.pmsrelay.agent.pms.demo.DemoPmsSpec;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.UUID;
import org.h2.tools.Server;

/**
 * The practice's database as agent processes reach it: the demo PMS in H2 (SQL Server mode), in
 * this JVM's memory, served by an H2 TCP server on loopback, with a read-only login as production
 * uses (SELECT on schema dbo, nothing else). Agents get its URL, login and password.
 */
final class PmsServer implements AutoCloseable {
  static final String CATALOGUE = "DemoPMS";
  private static final String COMPATIBILITY =
      ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE";
  static final String READER = "pms_reader";

  private final String name = "footprint" + UUID.randomUUID().toString().replace("-", "");
  private final String ownerPassword = UUID.randomUUID().toString();
  final String readerPassword = UUID.randomUUID().toString();
  /** Holds the in-memory database open (it lives while a connection does) and owns it. */
  private final Connection owner;
  private final Server tcp;

  private PmsServer(int patients) throws SQLException {
    owner = DriverManager.getConnection("jdbc:h2:mem:" + name + COMPATIBILITY, "pms_owner", ownerPassword);
    try {
      DemoPmsGenerator.generate(owner, new DemoPmsSpec(DemoPmsSpec.DEFAULT_SEED, patients, LocalDate.now()));
      try (Statement s = owner.createStatement()) {
        s.execute("CREATE USER " + READER + " PASSWORD '" + readerPassword + "'");
        s.execute("GRANT SELECT ON SCHEMA dbo TO " + READER);
      }
      // Loopback only (no -tcpAllowOthers), and no creating databases from outside.
      tcp = Server.createTcpServer("-tcpPort", "0").start();
    } catch (SQLException | RuntimeException e) {
      owner.close();
      throw e;
    }
  }

  static PmsServer start(int patients) throws SQLException {
    return new PmsServer(patients);
  }

  /** The URL an agent connects with, as it would to the practice's SQL Server. */
  String url() {
    return "jdbc:h2:tcp://127.0.0.1:" + tcp.getPort() + "/mem:" + name + COMPATIBILITY + ";SCHEMA=dbo";
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
