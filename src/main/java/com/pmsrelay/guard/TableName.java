package com.pmsrelay.guard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Names of tables and views as the guard compares them: brackets and quotes removed, lower case
 * (SQL Server's default collations are case-insensitive) and schema-qualified, an unqualified name
 * taking the default schema dbo. So {@code [Patients]}, {@code dbo.PATIENTS} and
 * {@code "dbo"."Patients"} are all {@code dbo.patients}. (This assumes the relay's login has dbo as
 * its default schema, as a read-only login on a PMS database does.)
 *
 * <p>It also knows which names reach beyond the practice's own tables: three- and four-part names
 * (another database, a linked server), the system schemas and databases, and the old
 * compatibility views that resolve without a schema ({@code sysobjects}, {@code syslogins} …).
 */
final class TableName {
  static final String DEFAULT_SCHEMA = "dbo";

  private static final Set<String> SYSTEM_SCHEMAS = Set.of("sys", "information_schema");
  private static final Set<String> SYSTEM_DATABASES = Set.of("master", "msdb", "tempdb", "model", "mssqlsystemresource");
  private static final Set<String> COMPATIBILITY_VIEWS = Set.of(
      "sysaltfiles", "syscacheobjects", "syscharsets", "syscolumns", "syscomments", "sysconfigures",
      "sysconstraints", "syscurconfigs", "sysdatabases", "sysdepends", "sysdevices", "sysfilegroups",
      "sysfiles", "sysforeignkeys", "sysfulltextcatalogs", "sysindexes", "sysindexkeys", "syslanguages",
      "syslockinfo", "syslogins", "sysmembers", "sysmessages", "sysobjects", "sysoledbusers", "sysopentapes",
      "sysperfinfo", "syspermissions", "sysprocesses", "sysprotects", "sysreferences", "sysremotelogins",
      "sysservers", "systypes", "sysusers", "sysxlogins", "dtproperties");

  private TableName() {
  }

  /** The compared form of a one- or two-part name (parts as written, without quotes). */
  static String of(List<String> parts) {
    String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
    String schema = parts.size() == 1 ? DEFAULT_SCHEMA : parts.get(0).toLowerCase(Locale.ROOT);
    return schema + "." + name;
  }

  /**
   * Why a dotted name may not appear anywhere in a statement (as a table, a column qualifier or a
   * function), or null if it may.
   */
  static String refusal(List<String> parts) {
    // Called for every dotted name of every statement: build a message only for a refusal.
    if (parts.size() > 2) {
      return "three- and four-part names reach other databases or linked servers and are not allowed ('"
          + String.join(".", parts) + "')";
    }
    if (parts.size() > 1) {
      String first = parts.get(0).toLowerCase(Locale.ROOT);
      if (SYSTEM_SCHEMAS.contains(first) || SYSTEM_DATABASES.contains(first)) {
        return "the system catalogue is not available ('" + String.join(".", parts) + "')";
      }
    }
    return null;
  }

  /** Why a one- or two-part name may not be read as a table, or null if it may. */
  static String tableRefusal(List<String> parts) {
    String general = refusal(parts);
    if (general != null) {
      return general;
    }
    String name = parts.get(parts.size() - 1).toLowerCase(Locale.ROOT);
    if (COMPATIBILITY_VIEWS.contains(name) || SYSTEM_SCHEMAS.contains(name)) {
      return "the system catalogue is not available ('" + String.join(".", parts) + "')";
    }
    if (name.startsWith("#")) {
      return "temporary tables are not allowed ('" + name + "')";
    }
    return null;
  }

  /**
   * The compared form of a table or view named in a grant ({@code Patients}, {@code dbo.Patients},
   * {@code [dbo].[Patients]}), or null if it is not a one- or two-part name.
   */
  static String parse(String configured) {
    try {
      List<SqlToken> tokens = SqlLexer.tokenize(configured);
      List<String> parts = new ArrayList<>();
      for (int i = 0; i < tokens.size(); i++) {
        SqlToken t = tokens.get(i);
        boolean name = t.kind() == SqlToken.Kind.WORD || t.kind() == SqlToken.Kind.QUOTED_IDENTIFIER;
        if (i % 2 == 0 ? !name : !t.text().equals(".")) {
          return null;
        }
        if (name) {
          parts.add(t.kind() == SqlToken.Kind.WORD ? configured.substring(t.start(), t.end()) : t.text());
        }
      }
      return parts.isEmpty() || parts.size() > 2 || tokens.size() % 2 == 0 ? null : of(parts);
    } catch (GuardException e) {
      return null;
    }
  }
}
