package com.pmsrelay.doctor;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.demo.DemoPmsDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The practice's database as the agent reaches it: a connection within a few seconds (a short
 * login time-out), the login's write permissions, and the versions of the server and the PMS.
 */
final class PmsChecks {
  private static final String REACHABLE = "PMS database reachable";
  private static final String READ_ONLY = "PMS login read-only";
  private static final String VERSIONS = "PMS and server versions";

  private final AgentConfig.Pms pms;
  private final long timeoutMs;

  PmsChecks(AgentConfig.Pms pms, long timeoutMs) {
    this.pms = pms;
    this.timeoutMs = timeoutMs;
  }

  List<Check> run() {
    return pms.kind().equals("demo") ? demo() : sqlServer();
  }

  private List<Check> sqlServer() {
    String catalogue = pms.catalogues().get(0);
    String url = pms.jdbcUrl() + (pms.jdbcUrl().endsWith(";") ? "" : ";") + "databaseName=" + catalogue
        + ";loginTimeout=" + Math.max(1, timeoutMs / 1000);
    Properties login = new Properties();
    if (pms.user() != null) {
      login.setProperty("user", pms.user());
    }
    if (pms.password() != null) {
      login.setProperty("password", pms.password());
    }
    List<Check> checks = new ArrayList<>();
    try (Connection connection = Bounded.run(timeoutMs + 1_000, () -> DriverManager.getConnection(url, login))) {
      List<String> missing = new ArrayList<>();
      try (Statement s = connection.createStatement()) {
        s.setQueryTimeout(5);
        for (String other : pms.catalogues()) {
          try (ResultSet r = s.executeQuery("SELECT HAS_DBACCESS('" + other.replace("'", "''") + "')")) {
            if (!r.next() || r.getInt(1) != 1) {
              missing.add(other);
            }
          }
        }
      }
      checks.add(missing.isEmpty() ? Check.pass(REACHABLE, "connected as " + pms.user() + " to " + String.join(", ",
              pms.catalogues()))
          : Check.fail(REACHABLE, "connected, but the login cannot open " + String.join(", ", missing),
              "create a user for the login in each of those databases with SELECT (README: 'A read-only login'), or"
                  + " correct pms.catalogues"));
      String user = single(connection, "SELECT USER_NAME()");
      String loginName = single(connection, "SELECT SUSER_SNAME()");
      try {
        checks.add(readOnly(WritePermissions.findings(user, loginName, WritePermissions.readSqlServer(connection),
            WritePermissions.Dialect.SQL_SERVER), "the login " + loginName + " (user " + user + ")"));
      } catch (SQLException e) {
        checks.add(cannotRead(e));
      }
      String version = single(connection, "SELECT CAST(SERVERPROPERTY('ProductVersion') AS nvarchar(128)) + ' '"
          + " + CAST(SERVERPROPERTY('ProductLevel') AS nvarchar(128)) + ', ' + CAST(SERVERPROPERTY('Edition') AS nvarchar(128))");
      checks.add(Check.pass(VERSIONS, pms.product() + " on SQL Server " + version));
    } catch (Exception e) {
      checks.add(Check.fail(REACHABLE, "cannot connect to " + server() + " (" + describe(e) + ")", fixFor(e)));
      checks.add(Check.notChecked(READ_ONLY, "needs a connection"));
      checks.add(Check.notChecked(VERSIONS, "needs a connection"));
    }
    return checks;
  }

  private List<Check> demo() {
    String catalogue = pms.catalogues().get(0);
    DataSource source = DemoPmsDatabase.existingReadOnly(pms.demoDir(), catalogue);
    if (source == null) {
      return List.of(Check.warn(REACHABLE, "the demo database " + pms.demoDir().resolve(catalogue) + " is not made yet",
              "start the agent once: it generates the demo database in pms.demo.dir"),
          Check.notChecked(READ_ONLY, "needs the database"), Check.notChecked(VERSIONS, "needs the database"));
    }
    try (Connection connection = Bounded.run(timeoutMs, source::getConnection)) {
      String user = single(connection, "SELECT CURRENT_USER");
      Check permissions;
      try {
        permissions = readOnly(WritePermissions.findings(user, user, WritePermissions.readH2(connection),
            WritePermissions.Dialect.H2), "the demo login " + user);
      } catch (SQLException e) {
        permissions = cannotRead(e);
      }
      return List.of(Check.pass(REACHABLE, "opened the demo database " + catalogue + " in " + pms.demoDir()), permissions,
          Check.pass(VERSIONS, DemoPmsDatabase.pmsVersion()));
    } catch (SQLException e) {
      if (e.getErrorCode() == org.h2.api.ErrorCode.DATABASE_ALREADY_OPEN_1) {
        return List.of(Check.pass(REACHABLE, "the demo database is open in the running agent (its file is locked)"),
            Check.pass(READ_ONLY, "the demo login has SELECT only (the demo database is opened read-only)"),
            Check.pass(VERSIONS, DemoPmsDatabase.pmsVersion()));
      }
      return List.of(Check.fail(REACHABLE, "cannot open the demo database (" + describe(e) + ")",
              "delete the folder pms.demo.dir (" + pms.demoDir() + "): the agent makes the demo database again"),
          Check.notChecked(READ_ONLY, "needs the database"), Check.notChecked(VERSIONS, "needs the database"));
    } catch (Exception e) {
      return List.of(Check.fail(REACHABLE, "cannot open the demo database (" + describe(e) + ")",
              "check that nothing else holds the files in " + pms.demoDir()),
          Check.notChecked(READ_ONLY, "needs the database"), Check.notChecked(VERSIONS, "needs the database"));
    }
  }

  private static Check readOnly(List<WritePermissions.Finding> findings, String who) {
    if (findings.isEmpty()) {
      return Check.pass(READ_ONLY, who + " holds no permission that writes");
    }
    String what = findings.stream().map(WritePermissions.Finding::what).collect(Collectors.joining("; "));
    String fix = findings.stream().map(f -> f.fix() == null
            ? "(" + f.what() + ": find its source with SELECT * FROM fn_my_permissions(NULL, 'DATABASE') and the login's groups)"
            : f.fix())
        .distinct().collect(Collectors.joining(" "));
    return Check.warn(READ_ONLY, who + " can write: " + what, "run, as an administrator: " + fix);
  }

  private static Check cannotRead(SQLException e) {
    return Check.warn(READ_ONLY, "cannot read the login's permissions (" + describe(e) + ")",
        "have an administrator check that the login has SELECT only (README: 'A read-only login')");
  }

  private String server() {
    String rest = pms.jdbcUrl().replaceFirst("^jdbc:sqlserver://", "");
    int semicolon = rest.indexOf(';');
    return semicolon < 0 ? rest : rest.substring(0, semicolon);
  }

  private static String single(Connection connection, String sql) throws SQLException {
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(5);
      try (ResultSet r = s.executeQuery(sql)) {
        return r.next() ? r.getString(1) : null;
      }
    }
  }

  private static String describe(Exception e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : Check.oneLine(e.getMessage());
  }

  /** SQL Server's error 18456 is a failed log-in; anything else on connecting is the way there. */
  private String fixFor(Exception e) {
    if (e instanceof SQLException sql && (sql.getErrorCode() == 18456 || "S0001".equals(sql.getSQLState())
        && String.valueOf(sql.getMessage()).contains("Login failed"))) {
      return "check pms.user and pms.password (PMSRELAY_PMS_PASSWORD) against the login made for the agent"
          + " (README: 'A read-only login'), and that SQL Server accepts SQL Server logins (mixed mode)";
    }
    return "check pms.jdbcUrl's host and port (" + server() + "), that SQL Server is running and accepts TCP/IP"
        + " (SQL Server Configuration Manager), and that the firewall lets this server reach it";
  }
}
