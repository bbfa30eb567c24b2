package com.pmsrelay.doctor;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What lets the agent's database login write, and the statement that takes it away. The agent's
 * guard admits only one SELECT, but the login is the last line: it should be able to read and
 * nothing else. Read from the server as rows ({@link Row}), judged here without a database, so the
 * judgement is tested with SQL Server's rows even where SQL Server cannot run.
 */
final class WritePermissions {
  /** Which SQL the fixes are written in. */
  enum Dialect { SQL_SERVER, H2 }

  /**
   * One thing the login holds. {@code kind}: ROLE (a database role it is a member of), SERVER_ROLE,
   * GRANT (a permission granted to it: {@code scope} DATABASE, SCHEMA or OBJECT, {@code on} the
   * schema or object), EFFECTIVE (a database permission it holds by any path, fn_my_permissions).
   * {@code state}: GRANT, GRANT_WITH_GRANT_OPTION or DENY.
   */
  record Row(String kind, String name, String scope, String on, String state) {}

  /** One way to write, the words for it and the statement that removes it (null when it comes by another path). */
  record Finding(String what, String fix) {}

  /** Database roles that can change data or schema, or hand themselves rights that can. */
  static final Set<String> WRITER_ROLES = Set.of("db_owner", "db_datawriter", "db_ddladmin", "db_securityadmin",
      "db_accessadmin");
  /** Server roles that hold, or can grant, everything. */
  static final Set<String> WRITER_SERVER_ROLES = Set.of("sysadmin", "securityadmin", "serveradmin", "dbcreator");
  /** Permissions that write, change the schema, run code, or take over someone who can. */
  static final Set<String> WRITE_PERMISSIONS = Set.of("INSERT", "UPDATE", "DELETE", "ALTER", "CONTROL", "EXECUTE",
      "TAKE OWNERSHIP", "IMPERSONATE", "CREATE TABLE", "CREATE VIEW", "CREATE PROCEDURE", "CREATE FUNCTION",
      "CREATE SCHEMA", "CREATE TYPE", "ALTER ANY SCHEMA", "ALTER ANY USER", "ALTER ANY ROLE", "BACKUP DATABASE");

  private WritePermissions() {}

  /**
   * Every write path among {@code rows}, each with its fix for database user {@code user} (roles,
   * grants) and server login {@code login} (server roles).
   */
  static List<Finding> findings(String user, String login, List<Row> rows, Dialect dialect) {
    List<Finding> found = new ArrayList<>();
    if (dialect == Dialect.SQL_SERVER && "dbo".equalsIgnoreCase(user)) {
      // The owner's login is dbo: no role or grant to take away, it owns everything.
      found.add(new Finding("the login " + login + " owns the database (it is its dbo user)",
          "ALTER AUTHORIZATION ON DATABASE::[<database>] TO [sa]; then give the agent a login of its own with only"
              + " SELECT (README: 'A read-only login')"));
      return found;
    }
    Set<String> explained = new LinkedHashSet<>();
    for (Row row : rows) {
      String name = row.name() == null ? "" : row.name().trim();
      String upper = name.toUpperCase(Locale.ROOT);
      if ("DENY".equalsIgnoreCase(row.state())) {
        continue; // a DENY takes away, it gives nothing
      }
      switch (row.kind()) {
        case "ROLE" -> {
          if (WRITER_ROLES.contains(name.toLowerCase(Locale.ROOT))) {
            found.add(new Finding("member of the database role " + name, dialect == Dialect.H2
                ? "REVOKE " + name + " FROM " + user + ";"
                : "ALTER ROLE " + bracket(name) + " DROP MEMBER " + bracket(user) + ";"));
            explained.add("*");
          }
        }
        case "SERVER_ROLE" -> {
          if (WRITER_SERVER_ROLES.contains(name.toLowerCase(Locale.ROOT)) || upper.equals("ADMIN")) {
            found.add(new Finding(upper.equals("ADMIN") ? "a database administrator" : "member of the server role " + name,
                dialect == Dialect.H2 ? "ALTER USER " + login + " ADMIN FALSE;"
                    : "ALTER SERVER ROLE " + bracket(name) + " DROP MEMBER " + bracket(login) + ";"));
            explained.add("*");
          }
        }
        case "GRANT" -> {
          if (WRITE_PERMISSIONS.contains(upper)) {
            String on = on(row, dialect);
            found.add(new Finding(upper + (on.isEmpty() ? " on the whole database" : " on " + row.scope().toLowerCase(Locale.ROOT)
                + " " + row.on()), "REVOKE " + upper + on + " FROM " + (dialect == Dialect.H2 ? user : bracket(user))
                + (dialect == Dialect.SQL_SERVER ? " CASCADE;" : ";")));
            explained.add(upper);
          }
        }
        case "EFFECTIVE" -> {
          if (WRITE_PERMISSIONS.contains(upper) && !explained.contains(upper) && !explained.contains("*")) {
            found.add(new Finding(upper + " on the database, through a Windows group, a nested role or ownership",
                null));
            explained.add(upper);
          }
        }
        default -> { }
      }
    }
    return found;
  }

  private static String on(Row row, Dialect dialect) {
    String scope = row.scope() == null ? "DATABASE" : row.scope().toUpperCase(Locale.ROOT);
    return switch (scope) {
      case "SCHEMA" -> dialect == Dialect.H2 ? " ON SCHEMA " + row.on() : " ON SCHEMA::" + bracket(row.on());
      case "OBJECT" -> dialect == Dialect.H2 ? " ON " + row.on() : " ON OBJECT::" + dotted(row.on());
      default -> "";
    };
  }

  private static String dotted(String name) {
    List<String> parts = new ArrayList<>();
    for (String part : name.split("\\.")) {
      parts.add(bracket(part));
    }
    return String.join(".", parts);
  }

  static String bracket(String name) {
    return "[" + name.replace("]", "]]") + "]";
  }

  /**
   * SQL Server's rows for the connected login in its current database: role memberships (direct
   * or not, IS_ROLEMEMBER), server roles, its explicit grants, and its effective database
   * permissions (fn_my_permissions) for what comes through groups.
   */
  static List<Row> readSqlServer(Connection connection) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(5);
      read(s, "SELECT name FROM sys.database_principals WHERE type = 'R' AND IS_ROLEMEMBER(name) = 1",
          r -> rows.add(new Row("ROLE", r.getString(1), null, null, "GRANT")));
      read(s, "SELECT name FROM sys.server_principals WHERE type = 'R' AND IS_SRVROLEMEMBER(name) = 1",
          r -> rows.add(new Row("SERVER_ROLE", r.getString(1), null, null, "GRANT")));
      read(s, "SELECT p.permission_name, p.class_desc, CASE p.class WHEN 1 THEN OBJECT_SCHEMA_NAME(p.major_id) + '.'"
              + " + OBJECT_NAME(p.major_id) WHEN 3 THEN SCHEMA_NAME(p.major_id) END, p.state_desc"
              + " FROM sys.database_permissions p WHERE p.grantee_principal_id = USER_ID()",
          r -> rows.add(new Row("GRANT", r.getString(1), scope(r.getString(2)), r.getString(3), r.getString(4))));
      read(s, "SELECT permission_name FROM fn_my_permissions(NULL, 'DATABASE')",
          r -> rows.add(new Row("EFFECTIVE", r.getString(1), "DATABASE", null, "GRANT")));
    }
    return rows;
  }

  /** H2's rows (the demo PMS): whether the login is an administrator, and its own table and schema rights. */
  static List<Row> readH2(Connection connection) throws SQLException {
    List<Row> rows = new ArrayList<>();
    try (Statement s = connection.createStatement()) {
      s.setQueryTimeout(5);
      read(s, "SELECT IS_ADMIN FROM INFORMATION_SCHEMA.USERS WHERE USER_NAME = CURRENT_USER", r -> {
        if ("TRUE".equalsIgnoreCase(r.getString(1))) {
          rows.add(new Row("SERVER_ROLE", "ADMIN", null, null, "GRANT"));
        }
      });
      // INFORMATION_SCHEMA.RIGHTS shows a login that is no administrator nothing; the standard view shows its own.
      read(s, "SELECT PRIVILEGE_TYPE, TABLE_SCHEMA, TABLE_NAME FROM INFORMATION_SCHEMA.TABLE_PRIVILEGES"
          + " WHERE GRANTEE = CURRENT_USER", r -> rows.add(new Row("GRANT", r.getString(1), "OBJECT",
              r.getString(2) + "." + r.getString(3), "GRANT")));
    }
    return rows;
  }

  private static String scope(String classDesc) {
    return switch (classDesc == null ? "" : classDesc) {
      case "OBJECT_OR_COLUMN" -> "OBJECT";
      case "SCHEMA" -> "SCHEMA";
      default -> "DATABASE";
    };
  }

  private interface RowHandler {
    void accept(ResultSet row) throws SQLException;
  }

  private static void read(Statement statement, String sql, RowHandler handler) throws SQLException {
    try (ResultSet rows = statement.executeQuery(sql)) {
      while (rows.next()) {
        handler.accept(rows);
      }
    }
  }
}
