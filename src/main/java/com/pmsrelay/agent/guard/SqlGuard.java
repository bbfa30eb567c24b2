package com.pmsrelay.agent.guard;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import net.sf.jsqlparser.JSQLParserException;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.util.TablesNamesFinder;

/**
 * Lets through exactly one read-only SELECT, in two independent readings that must both agree:
 * a lexical one of our own (denied words, hints, separators, variables, temp tables) that no
 * grammar quirk can talk around, and JSqlParser's parse (one statement, a SELECT, no INTO, no
 * locking clause). The text that passes is run as it is: nothing is rewritten after the check.
 *
 * <p>Costs are bounded: input length, parse time-out on a shared parser thread pool.
 */
public final class SqlGuard {
  /** What the guard learnt of a statement it allowed. */
  public record Checked(String sql, Set<String> tables) {}

  private static final Set<String> DENIED_WORDS = Set.of(
      "INSERT", "UPDATE", "DELETE", "MERGE", "UPSERT", "DROP", "ALTER", "CREATE", "TRUNCATE", "RENAME",
      "GRANT", "REVOKE", "DENY", "EXEC", "EXECUTE", "WAITFOR", "OPENROWSET", "OPENQUERY", "OPENDATASOURCE",
      "OPENXML", "INTO", "DECLARE", "SET", "USE", "BACKUP", "RESTORE", "BULK", "BEGIN", "COMMIT", "ROLLBACK",
      "SAVE", "TRANSACTION", "TRAN", "CURSOR", "GO", "SHUTDOWN", "KILL", "DBCC", "RECONFIGURE", "CHECKPOINT",
      "READTEXT", "WRITETEXT", "UPDATETEXT", "PRINT", "RAISERROR", "THROW", "RETURN", "IF", "WHILE", "GOTO",
      "OPEN", "CLOSE", "DEALLOCATE", "LOAD", "DUMP", "RECEIVE", "SEND", "SETUSER", "REVERT", "OPTION",
      "EXTERNAL", "ENABLE", "DISABLE", "LINENO", "FOR");
  private static final Set<String> DENIED_HINTS = Set.of(
      "UPDLOCK", "XLOCK", "HOLDLOCK", "TABLOCK", "TABLOCKX", "PAGLOCK", "ROWLOCK", "SERIALIZABLE",
      "REPEATABLEREAD", "READCOMMITTED", "READCOMMITTEDLOCK", "READPAST", "NOWAIT", "SNAPSHOT", "FORCESEEK",
      "FORCESCAN", "INDEX", "NOEXPAND", "KEEPIDENTITY", "KEEPDEFAULTS", "IGNORE_CONSTRAINTS", "IGNORE_TRIGGERS");
  private static final Set<String> ALLOWED_HINTS = Set.of("NOLOCK", "READUNCOMMITTED");
  private static final long PARSE_TIMEOUT_MS = 2_000;
  /** JSqlParser runs each parse on this pool so that a pathological input times out. */
  private static final ExecutorService PARSER_THREADS = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "sql-guard-parser");
    t.setDaemon(true);
    return t;
  });

  private final int maxChars;

  public SqlGuard(int maxChars) {
    this.maxChars = maxChars;
  }

  /** Interim: extra functions are accepted until the function allow-list lands. */
  public SqlGuard(int maxChars, Set<String> extraFunctions) {
    this(maxChars);
  }

  public Checked check(String sql) {
    if (sql == null || sql.isBlank()) {
      throw new GuardException("the statement is empty");
    }
    if (sql.length() > maxChars) {
      throw new GuardException("the statement is longer than " + maxChars + " characters");
    }
    List<SqlToken> tokens = SqlLexer.tokenize(sql);
    checkTokens(tokens);
    return new Checked(sql, checkParse(parserReading(sql, tokens)));
  }

  /**
   * The text given to JSqlParser: the original, except that each table-hint list (already checked
   * to hold only NOLOCK / READUNCOMMITTED, which mean the same) reads NOLOCK, the one hint its
   * grammar knows. The database still runs the original text.
   */
  private static String parserReading(String sql, List<SqlToken> tokens) {
    StringBuilder text = new StringBuilder(sql);
    for (int i = tokens.size() - 2; i >= 0; i--) {
      if (tokens.get(i).text().equals("WITH") && tokens.get(i + 1).text().equals("(")) {
        int close = i + 2;
        while (!tokens.get(close).text().equals(")")) {
          close++;
        }
        text.replace(tokens.get(i + 1).end(), tokens.get(close).start(), "NOLOCK");
      }
    }
    return text.toString();
  }

  private static void checkTokens(List<SqlToken> tokens) {
    if (tokens.isEmpty()) {
      throw new GuardException("the statement is empty");
    }
    SqlToken first = tokens.get(0);
    if (!(first.kind() == SqlToken.Kind.WORD && (first.text().equals("SELECT") || first.text().equals("WITH")))
        && !first.text().equals("(")) {
      throw new GuardException("only SELECT statements are allowed");
    }
    for (int i = 0; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      switch (t.kind()) {
        case VARIABLE -> throw new GuardException("variables are not allowed; bind values with ? parameters");
        case SYMBOL -> {
          if (t.text().equals(";") && i != tokens.size() - 1) {
            throw new GuardException("only one statement is allowed");
          }
        }
        case WORD -> checkWord(tokens, i);
        default -> { }
      }
    }
  }

  private static void checkWord(List<SqlToken> tokens, int i) {
    String word = tokens.get(i).text();
    if (DENIED_WORDS.contains(word)) {
      throw new GuardException("'" + word + "' is not allowed: only read-only SELECT statements are");
    }
    if (DENIED_HINTS.contains(word)) {
      throw new GuardException("the locking hint '" + word + "' is not allowed (only NOLOCK and READUNCOMMITTED)");
    }
    if (word.startsWith("XP_") || word.startsWith("SP_")) {
      throw new GuardException("system procedures are not allowed");
    }
    if (word.startsWith("#")) {
      throw new GuardException("temporary tables are not allowed");
    }
    if (word.equals("NEXT") && i + 1 < tokens.size() && tokens.get(i + 1).text().equals("VALUE")) {
      throw new GuardException("sequences (NEXT VALUE FOR) are not allowed");
    }
    if (word.equals("WITH") && i + 1 < tokens.size() && tokens.get(i + 1).text().equals("(")) {
      checkTableHints(tokens, i + 2);
    }
  }

  /** {@code WITH ( … )} directly after a table: only NOLOCK / READUNCOMMITTED. */
  private static void checkTableHints(List<SqlToken> tokens, int start) {
    for (int i = start; i < tokens.size(); i++) {
      SqlToken t = tokens.get(i);
      if (t.text().equals(")")) {
        return;
      }
      if (t.text().equals(",")) {
        continue;
      }
      if (t.kind() != SqlToken.Kind.WORD || !ALLOWED_HINTS.contains(t.text())) {
        throw new GuardException("table hints other than NOLOCK and READUNCOMMITTED are not allowed");
      }
    }
    throw new GuardException("unterminated table hint");
  }

  private static Set<String> checkParse(String sql) {
    Statements statements;
    try {
      statements = CCJSqlParserUtil.parseStatements(sql, PARSER_THREADS, parser -> parser.withSquareBracketQuotation(true).withTimeOut(PARSE_TIMEOUT_MS));
    } catch (JSQLParserException | RuntimeException e) {
      throw new GuardException("the statement could not be fully understood");
    }
    if (statements == null || statements.size() != 1) {
      throw new GuardException("exactly one statement is allowed");
    }
    Statement statement = statements.get(0);
    if (!(statement instanceof Select select)) {
      throw new GuardException("only SELECT statements are allowed");
    }
    if (select instanceof PlainSelect plainInto && (plainInto.getIntoTables() != null || plainInto.getIntoTempTable() != null)) {
      throw new GuardException("SELECT … INTO is not allowed");
    }
    if (select instanceof PlainSelect plain && (plain.getForMode() != null || plain.getForClause() != null)) {
      throw new GuardException("FOR clauses are not allowed");
    }
    return new TablesNamesFinder<Void>().getTables(statement);
  }

  /** Interim scope check on the parser's table list (the guard work replaces it). */
  public void checkScope(Checked checked, java.util.Collection<String> allowedTables) {
    if (allowedTables.isEmpty()) {
      return;
    }
    java.util.Set<String> allowed = new java.util.HashSet<>();
    allowedTables.forEach(t -> allowed.add(t.toLowerCase(java.util.Locale.ROOT).replace("[", "").replace("]", "")));
    for (String table : checked.tables()) {
      String t = table.toLowerCase(java.util.Locale.ROOT).replace("[", "").replace("]", "");
      if (!allowed.contains(t) && !allowed.contains("dbo." + t) && !allowed.contains(t.replaceFirst("^dbo\\.", ""))) {
        throw new ScopeException("the grant does not allow reading " + table);
      }
    }
  }
}
