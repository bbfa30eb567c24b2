package com.pmsrelay.guard;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * T-SQL's words, as the lexical reading sees them. The reserved words are SQL Server's documented
 * list: they can never be a name unless bracketed, so a reserved word in the text is always the
 * keyword, and each one must be one a SELECT needs. Everything that writes, changes state, runs
 * code or starts another statement is either reserved (and not on the SELECT list) or one of the
 * few unreserved statement words listed here. So nothing is refused by guessing: what is not
 * known to belong to a SELECT is refused.
 */
final class Keywords {
  private Keywords() {
  }

  /** SQL Server's reserved keywords (Transact-SQL reference, "Reserved keywords"). */
  static final Set<String> RESERVED = Set.of(
      "ADD", "ALL", "ALTER", "AND", "ANY", "AS", "ASC", "AUTHORIZATION", "BACKUP", "BEGIN", "BETWEEN",
      "BREAK", "BROWSE", "BULK", "BY", "CASCADE", "CASE", "CHECK", "CHECKPOINT", "CLOSE", "CLUSTERED",
      "COALESCE", "COLLATE", "COLUMN", "COMMIT", "COMPUTE", "CONSTRAINT", "CONTAINS", "CONTAINSTABLE",
      "CONTINUE", "CONVERT", "CREATE", "CROSS", "CURRENT", "CURRENT_DATE", "CURRENT_TIME",
      "CURRENT_TIMESTAMP", "CURRENT_USER", "CURSOR", "DATABASE", "DBCC", "DEALLOCATE", "DECLARE",
      "DEFAULT", "DELETE", "DENY", "DESC", "DISK", "DISTINCT", "DISTRIBUTED", "DOUBLE", "DROP", "DUMP",
      "ELSE", "END", "ERRLVL", "ESCAPE", "EXCEPT", "EXEC", "EXECUTE", "EXISTS", "EXIT", "EXTERNAL",
      "FETCH", "FILE", "FILLFACTOR", "FOR", "FOREIGN", "FREETEXT", "FREETEXTTABLE", "FROM", "FULL",
      "FUNCTION", "GOTO", "GRANT", "GROUP", "HAVING", "HOLDLOCK", "IDENTITY", "IDENTITY_INSERT",
      "IDENTITYCOL", "IF", "IN", "INDEX", "INNER", "INSERT", "INTERSECT", "INTO", "IS", "JOIN", "KEY",
      "KILL", "LEFT", "LIKE", "LINENO", "LOAD", "MERGE", "NATIONAL", "NOCHECK", "NONCLUSTERED", "NOT",
      "NULL", "NULLIF", "OF", "OFF", "OFFSETS", "ON", "OPEN", "OPENDATASOURCE", "OPENQUERY",
      "OPENROWSET", "OPENXML", "OPTION", "OR", "ORDER", "OUTER", "OVER", "PERCENT", "PIVOT", "PLAN",
      "PRECISION", "PRIMARY", "PRINT", "PROC", "PROCEDURE", "PUBLIC", "RAISERROR", "READ", "READTEXT",
      "RECONFIGURE", "REFERENCES", "REPLICATION", "RESTORE", "RESTRICT", "RETURN", "REVERT", "REVOKE",
      "RIGHT", "ROLLBACK", "ROWCOUNT", "ROWGUIDCOL", "RULE", "SAVE", "SCHEMA", "SECURITYAUDIT", "SELECT",
      "SEMANTICKEYPHRASETABLE", "SEMANTICSIMILARITYDETAILSTABLE", "SEMANTICSIMILARITYTABLE",
      "SESSION_USER", "SET", "SETUSER", "SHUTDOWN", "SOME", "STATISTICS", "SYSTEM_USER", "TABLE",
      "TABLESAMPLE", "TEXTSIZE", "THEN", "TO", "TOP", "TRAN", "TRANSACTION", "TRIGGER", "TRUNCATE",
      "TRY_CONVERT", "TSEQUAL", "UNION", "UNIQUE", "UNPIVOT", "UPDATE", "UPDATETEXT", "USE", "USER",
      "VALUES", "VARYING", "VIEW", "WAITFOR", "WHEN", "WHERE", "WHILE", "WITH", "WITHIN", "WRITETEXT");

  /** The reserved words a read-only SELECT uses (some only in places the reading checks). */
  static final Set<String> SELECT_WORDS = Set.of(
      "ALL", "AND", "ANY", "AS", "ASC", "BETWEEN", "BY", "CASE", "COALESCE", "COLLATE", "CONVERT", "CROSS",
      "CURRENT", "CURRENT_DATE", "CURRENT_TIMESTAMP", "DESC", "DISTINCT", "ELSE", "END", "ESCAPE",
      "EXCEPT", "EXISTS", "FETCH", "FROM", "FULL", "GROUP", "HAVING", "IN", "INNER", "INTERSECT", "IS",
      "JOIN", "LEFT", "LIKE", "NOT", "NULL", "NULLIF", "ON", "OR", "ORDER", "OUTER", "OVER", "PERCENT",
      "RIGHT", "SELECT", "SOME", "THEN", "TOP", "TRY_CONVERT", "UNION", "VALUES", "WHEN", "WHERE",
      "WITH", "WITHIN");

  /**
   * Unreserved words that start statements T-SQL runs without a separator (so they could follow a
   * valid SELECT), or that only exist for something refused.
   */
  private static final Set<String> UNRESERVED_STATEMENT_WORDS = Set.of(
      "GO", "THROW", "RECEIVE", "SEND", "GET", "MOVE", "ENABLE", "DISABLE", "CONVERSATION", "XMLNAMESPACES");

  /** Unreserved words that may stand before '(' without being a function call. */
  static final Set<String> PAREN_WORDS = Set.of("OFFSET", "NEXT", "ROLLUP", "CUBE", "SETS");

  /** Data type names: CAST(x AS VARCHAR(10)) and CONVERT(DECIMAL(9, 2), x) put them before '('. */
  static final Set<String> TYPE_NAMES = Set.of(
      "BIGINT", "INT", "INTEGER", "SMALLINT", "TINYINT", "BIT", "DECIMAL", "DEC", "NUMERIC", "MONEY",
      "SMALLMONEY", "FLOAT", "REAL", "DATE", "TIME", "DATETIME", "DATETIME2", "SMALLDATETIME",
      "DATETIMEOFFSET", "CHAR", "VARCHAR", "NCHAR", "NVARCHAR", "TEXT", "NTEXT", "BINARY", "VARBINARY",
      "UNIQUEIDENTIFIER");

  private static final Map<String, String> REASONS = new HashMap<>();

  static {
    reason("writes data", "INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE", "UPDATETEXT", "WRITETEXT",
        "IDENTITY_INSERT");
    reason("changes the schema (DDL)", "CREATE", "ALTER", "DROP", "ADD", "CONSTRAINT", "TABLE", "VIEW",
        "INDEX", "TRIGGER", "FUNCTION", "PROC", "PROCEDURE", "SCHEMA", "DATABASE", "STATISTICS", "RULE",
        "DEFAULT", "COLUMN", "PRIMARY", "FOREIGN", "KEY", "REFERENCES", "UNIQUE", "CHECK", "NOCHECK",
        "CLUSTERED", "NONCLUSTERED", "FILLFACTOR", "CASCADE");
    reason("runs code: procedures and dynamic SQL are not allowed", "EXEC", "EXECUTE");
    reason("waits", "WAITFOR");
    reason("reaches outside the database", "OPENROWSET", "OPENQUERY", "OPENDATASOURCE", "OPENXML",
        "EXTERNAL", "DISTRIBUTED", "DISK", "REPLICATION");
    reason("declares or sets variables and session options", "DECLARE", "SET", "TEXTSIZE", "ROWCOUNT", "OFF");
    reason("switches database", "USE");
    reason("controls transactions", "BEGIN", "COMMIT", "ROLLBACK", "SAVE", "TRAN", "TRANSACTION");
    reason("uses a cursor", "CURSOR", "OPEN", "CLOSE", "DEALLOCATE", "OF");
    reason("is an administrative command", "BACKUP", "RESTORE", "BULK", "DBCC", "KILL", "SHUTDOWN",
        "CHECKPOINT", "RECONFIGURE", "LOAD", "DUMP", "SETUSER", "REVERT", "READTEXT", "ERRLVL", "LINENO",
        "SECURITYAUDIT", "AUTHORIZATION");
    reason("changes permissions", "GRANT", "REVOKE", "DENY");
    reason("is control-of-flow, which belongs to batches", "IF", "WHILE", "GOTO", "RETURN", "BREAK",
        "CONTINUE", "EXIT", "PRINT", "RAISERROR", "THROW");
    reason("creates a table: SELECT … INTO is not allowed", "INTO");
    reason("starts a FOR clause (FOR XML, FOR JSON, FOR UPDATE, FOR BROWSE, NEXT VALUE FOR), which is not allowed",
        "FOR", "BROWSE");
    reason("sets query hints, which are not allowed", "OPTION", "PLAN");
    reason("reveals who is connected", "USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER");
    reason("is a locking hint other than NOLOCK or READUNCOMMITTED", "HOLDLOCK");
    reason("separates batches: only one statement is allowed", "GO");
    reason("uses Service Broker", "RECEIVE", "SEND", "GET", "MOVE", "CONVERSATION");
    reason("enables or disables triggers", "ENABLE", "DISABLE");
  }

  private static void reason(String why, String... words) {
    for (String word : words) {
      REASONS.put(word, why);
    }
  }

  /** Why an unquoted word may not appear, or null if it may (as a keyword or a name). */
  static String refusal(String word) {
    if (RESERVED.contains(word) ? !SELECT_WORDS.contains(word) : UNRESERVED_STATEMENT_WORDS.contains(word)) {
      return "'" + word + "' " + REASONS.getOrDefault(word, "is not part of a read-only SELECT");
    }
    if (word.startsWith("XP_") || word.startsWith("SP_")) {
      return "'" + word + "' looks like a system procedure; procedures are not allowed";
    }
    if (word.startsWith("#")) {
      return "temporary tables are not allowed ('" + word + "')";
    }
    return null;
  }

  static boolean isReserved(String word) {
    return RESERVED.contains(word);
  }
}
