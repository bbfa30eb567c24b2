package com.pmsrelay.guard;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The guard's own reading of a statement, from T-SQL's tokens and no parser's grammar. It walks
 * the tokens once with a stack of parenthesis scopes (query, expression, parenthesised join,
 * VALUES) and refuses anything a read-only SELECT does not need: words (see {@link Keywords}),
 * a second statement (a SELECT anywhere but the start of a query or after UNION / EXCEPT /
 * INTERSECT, or a ';' that is not the last token), variables, locking hints other than NOLOCK
 * and READUNCOMMITTED, calls to functions not on the {@link FunctionAllowList}, and names that
 * reach other databases or the system catalogue.
 *
 * <p>Tables: in a SELECT, T-SQL reads a table or view only where a table source stands: after
 * FROM, JOIN, CROSS/OUTER APPLY, or a comma in a FROM list, or first inside a parenthesised join.
 * Every other name is a column, a qualifier (which T-SQL binds only to a source in the FROM
 * clause, so it cannot reach a new table), an alias or a function (built-in only, see above);
 * names of three or four parts, which could reach another database by a qualifier, are refused
 * everywhere. So the tables a statement reads are exactly the names in table-source positions,
 * less the common table expressions each one can see (a CTE is visible from its own body on, and
 * only by a one-part name). {@link SqlGuard} refuses the statement unless JSqlParser's tree,
 * walked independently, names the same set.
 */
final class LexicalReading {
  /** What the reading found: the tables read, and the checked text the parser need not see (hint lists, a leading ';'). */
  record Result(Set<String> tables, List<SqlLexer.Span> blanks) {}

  private enum Kind { QUERY, EXPRESSION, JOINS, VALUES }

  /** One level of parentheses (the statement itself is the outermost). */
  private static final class Scope {
    final Kind kind;
    final int visibleCtes;
    /** The token where this scope's first SELECT (or VALUES) may stand. */
    final int first;
    /** Opened where a table source was expected: an alias may follow its ')'. */
    final boolean tableSource;
    /** For an argument list, the function's name. */
    final String function;
    boolean inFrom;
    boolean expectTable;

    Scope(Kind kind, int visibleCtes, int first, boolean tableSource, String function) {
      this.kind = kind;
      this.visibleCtes = visibleCtes;
      this.first = first;
      this.tableSource = tableSource;
      this.function = function;
    }
  }

  /** A dotted name and the token after it. */
  private record Chain(List<String> parts, int next, boolean star) {}

  private static final Set<String> ALLOWED_HINTS = Set.of("NOLOCK", "READUNCOMMITTED");
  /** SQL Server's table hints: {@code FROM t (UPDLOCK)} is a hint list, {@code FROM f(1)} a call. */
  private static final Set<String> TABLE_HINTS = Set.of(
      "NOLOCK", "READUNCOMMITTED", "UPDLOCK", "XLOCK", "HOLDLOCK", "TABLOCK", "TABLOCKX", "PAGLOCK", "ROWLOCK",
      "SERIALIZABLE", "REPEATABLEREAD", "READCOMMITTED", "READCOMMITTEDLOCK", "READPAST", "NOWAIT", "SNAPSHOT",
      "FORCESEEK", "FORCESCAN", "INDEX", "NOEXPAND", "KEEPIDENTITY", "KEEPDEFAULTS", "IGNORE_CONSTRAINTS",
      "IGNORE_TRIGGERS", "SPATIAL_WINDOW_MAX_CELLS");
  private static final Set<String> CALLABLE_KEYWORDS = Set.of("LEFT", "RIGHT", "CONVERT", "TRY_CONVERT", "COALESCE", "NULLIF");
  /** Words after which a parenthesised expression or subquery may begin. */
  private static final Set<String> OPENING_WORDS = Set.of(
      "SELECT", "DISTINCT", "TOP", "WHERE", "ON", "AND", "OR", "NOT", "IN", "EXISTS", "ANY", "SOME", "ALL",
      "UNION", "EXCEPT", "INTERSECT", "CASE", "WHEN", "THEN", "ELSE", "HAVING", "BY", "BETWEEN", "LIKE",
      "OVER", "GROUP", "OFFSET", "NEXT", "FROM", "JOIN", "VALUES", "ESCAPE");
  private static final SqlToken END = new SqlToken(SqlToken.Kind.SYMBOL, "", -1, -1);

  private final String sql;
  private final List<SqlToken> tokens;
  private final Set<String> extraFunctions;
  private final Bounds bounds;
  private final int[] match;
  private final boolean[] structural;
  private final Map<Integer, Integer> cteBodies = new HashMap<>();
  private final List<String> cteNames = new ArrayList<>();
  private final Set<String> tables = new TreeSet<>();
  private final List<SqlLexer.Span> blanks = new ArrayList<>();
  private final Deque<Scope> scopes = new ArrayDeque<>();
  private int end;
  private int queryDepth;

  private LexicalReading(String sql, List<SqlToken> tokens, Set<String> extraFunctions, Bounds bounds) {
    this.sql = sql;
    this.tokens = tokens;
    this.extraFunctions = extraFunctions;
    this.bounds = bounds;
    this.match = matchParentheses(tokens);
    this.structural = new boolean[tokens.size()];
  }

  static Result read(String sql, List<SqlToken> tokens, Set<String> extraFunctions, Bounds bounds) {
    return new LexicalReading(sql, tokens, extraFunctions, bounds).run();
  }

  private Result run() {
    int start = 0;
    end = tokens.size();
    if (end > 0 && isSymbol(tokens.get(0), ";")) {
      // ";WITH …" is a common T-SQL habit; the empty statement before it does nothing.
      blanks.add(new SqlLexer.Span(tokens.get(0).start(), tokens.get(0).end()));
      start = 1;
    }
    if (end > start && isSymbol(tokens.get(end - 1), ";")) {
      end--;
    }
    if (start >= end) {
      throw new GuardException("the statement is empty");
    }
    for (int i = start; i < end; i++) {
      if (isSymbol(tokens.get(i), ";")) {
        throw new GuardException("only one statement is allowed: ';' at offset " + tokens.get(i).start() + " ends the first");
      }
    }
    int mainStart = firstQuery(start);
    scopes.push(new Scope(Kind.QUERY, cteNames.size(), mainStart, false, null));
    queryDepth = 1;
    for (int i = start; i < end; i++) {
      if (!structural[i]) {
        i = step(i);
      }
    }
    if (scopes.peek().expectTable) {
      throw new GuardException("a table name was expected at the end of the statement");
    }
    return new Result(tables, blanks);
  }

  /** Checks how the statement starts, reads a WITH header, and returns where the main query starts. */
  private int firstQuery(int start) {
    SqlToken first = tokens.get(start);
    if (isWord(first, "WITH")) {
      structural[start] = true;
      return readCteHeader(start + 1);
    }
    if (isWord(first, "SELECT") || isSymbol(first, "(")) {
      return start;
    }
    String why = first.kind() == SqlToken.Kind.WORD ? Keywords.refusal(first.text()) : null;
    throw new GuardException(why != null ? why : "only SELECT statements are allowed");
  }

  /** {@code WITH name [(columns)] AS (query) [, …]}: records names and bodies, marks the rest read. */
  private int readCteHeader(int j) {
    while (true) {
      SqlToken name = at(j);
      if (!isName(name)) {
        throw new GuardException(refusalOr(name, "a common table expression needs a name after WITH"));
      }
      structural[j] = true;
      cteNames.add(display(name).toLowerCase(Locale.ROOT));
      j++;
      if (isSymbol(at(j), "(")) {
        j = nameList(j, "a common table expression's column list");
      }
      if (!isWord(at(j), "AS")) {
        throw new GuardException("AS was expected after the common table expression '" + display(name) + "'");
      }
      structural[j++] = true;
      if (!isSymbol(at(j), "(")) {
        throw new GuardException("the common table expression '" + display(name) + "' needs a query in parentheses");
      }
      cteBodies.put(j, cteNames.size());
      j = match[j] + 1;
      if (!isSymbol(at(j), ",")) {
        break;
      }
      structural[j++] = true;
    }
    if (!isWord(at(j), "SELECT") && !isSymbol(at(j), "(")) {
      throw new GuardException(refusalOr(at(j), "common table expressions must be followed by a SELECT"));
    }
    return j;
  }

  /** Reads one token (or a name, call or table source starting there); returns the last index read. */
  private int step(int i) {
    SqlToken t = tokens.get(i);
    Scope scope = scopes.peek();
    if (scope.expectTable) {
      return tableSource(scope, i);
    }
    switch (t.kind()) {
      case VARIABLE -> throw new GuardException(t.text().startsWith("@@")
          ? "server globals such as " + t.text() + " are not allowed"
          : "variables are not allowed (" + t.text() + "); bind values with ? parameters");
      case STRING, NUMBER -> {
        return i;
      }
      case SYMBOL -> {
        return symbol(scope, i);
      }
      case WORD -> {
        return Keywords.isReserved(t.text()) ? keyword(scope, i) : name(scope, i);
      }
      default -> {
        return name(scope, i);
      }
    }
  }

  private int symbol(Scope scope, int i) {
    switch (tokens.get(i).text()) {
      case "(" -> {
        checkOpensHere(scope, i);
        open(i, null, false);
      }
      case ")" -> {
        return close(i);
      }
      case "," -> {
        if (scope.inFrom) {
          scope.expectTable = true;
        }
      }
      case "." -> throw new GuardException("a '.' at offset " + tokens.get(i).start() + " does not join two parts of a name");
      default -> { }
    }
    return i;
  }

  private int keyword(Scope scope, int i) {
    String word = tokens.get(i).text();
    String why = Keywords.refusal(word);
    if (why != null) {
      throw new GuardException(why);
    }
    switch (word) {
      case "SELECT" -> {
        if (!(scope.kind == Kind.QUERY && i == scope.first) && !afterSetOperator(i)) {
          throw new GuardException("only one statement is allowed: another SELECT starts at offset " + tokens.get(i).start());
        }
        scope.inFrom = false;
      }
      case "FROM" -> {
        if (scope.kind == Kind.QUERY) {
          scope.inFrom = true;
          scope.expectTable = true;
        } else if (!"TRIM".equals(scope.function)) {
          throw new GuardException("FROM at offset " + tokens.get(i).start() + " is not part of a query");
        }
      }
      case "JOIN" -> {
        if (!scope.inFrom) {
          throw new GuardException("JOIN at offset " + tokens.get(i).start() + " is not part of a FROM clause");
        }
        scope.expectTable = true;
      }
      case "WHERE", "HAVING", "UNION", "EXCEPT", "INTERSECT" -> scope.inFrom = false;
      case "GROUP", "ORDER" -> {
        if (isWord(at(i + 1), "BY")) {
          scope.inFrom = false;
        }
      }
      case "WITH" -> {
        SqlToken next = at(i + 1);
        if (!isWord(next, "TIES") && !isWord(next, "ROLLUP") && !isWord(next, "CUBE")) {
          throw new GuardException(isSymbol(next, "(")
              ? "table hints are only allowed directly after a table name"
              : "WITH is only allowed to start common table expressions, as WITH (NOLOCK) after a table, or in WITH TIES / ROLLUP / CUBE");
        }
      }
      case "FETCH" -> {
        if (!isWord(at(i - 1), "ROWS") && !isWord(at(i - 1), "ROW")) {
          throw new GuardException("FETCH is only allowed in OFFSET … FETCH; cursors are not allowed");
        }
      }
      case "CURRENT" -> {
        if (!isWord(at(i + 1), "ROW")) {
          throw new GuardException("CURRENT is only allowed in a window frame (CURRENT ROW)");
        }
      }
      case "VALUES" -> {
        if (scope.kind != Kind.VALUES || i != scope.first) {
          throw new GuardException("VALUES is only allowed as a derived table: FROM (VALUES …) AS v (a, b)");
        }
      }
      default -> {
        if (CALLABLE_KEYWORDS.contains(word) && isSymbol(at(i + 1), "(")) {
          open(i + 1, word, false);
          return i + 1;
        }
      }
    }
    return i;
  }

  /** A name that is not a reserved word: a column, qualifier, alias, or a function call. */
  private int name(Scope scope, int i) {
    SqlToken t = tokens.get(i);
    if (t.kind() == SqlToken.Kind.WORD) {
      if (t.text().equals("NEXT") && isWord(at(i + 1), "VALUE")) {
        throw new GuardException("sequences (NEXT VALUE FOR) are not allowed");
      }
      if (t.text().equals("APPLY") && (isWord(at(i - 1), "CROSS") || isWord(at(i - 1), "OUTER"))) {
        if (!scope.inFrom) {
          throw new GuardException("APPLY at offset " + t.start() + " is not part of a FROM clause");
        }
        scope.expectTable = true;
        return i;
      }
    }
    Chain chain = chain(i);
    String why = TableName.refusal(chain.parts());
    if (why != null) {
      throw new GuardException(why);
    }
    if (!chain.star() && isSymbol(at(chain.next()), "(")) {
      open(chain.next(), call(t, chain.parts()), false);
      return chain.next();
    }
    return chain.next() - 1;
  }

  /** Checks a call; returns the function's name, or null when the '(' follows a keyword or type. */
  private String call(SqlToken first, List<String> parts) {
    if (parts.size() > 1) {
      String dotted = String.join(".", parts).toUpperCase(Locale.ROOT);
      if (extraFunctions.contains(dotted)) {
        return dotted;
      }
      throw new GuardException("user-defined functions and methods are not allowed ('" + String.join(".", parts) + "')");
    }
    String name = parts.get(0).toUpperCase(Locale.ROOT);
    if (first.kind() == SqlToken.Kind.WORD && (Keywords.PAREN_WORDS.contains(name) || Keywords.TYPE_NAMES.contains(name))) {
      return null;
    }
    if (FunctionAllowList.allows(name) || extraFunctions.contains(name)) {
      return name;
    }
    throw new GuardException("the function '" + parts.get(0) + "' is not on the allowed list");
  }

  /** Where FROM, JOIN, APPLY or a FROM-list comma expects a table, a subquery or a parenthesised join. */
  private int tableSource(Scope scope, int i) {
    scope.expectTable = false;
    SqlToken t = tokens.get(i);
    if (isSymbol(t, "(")) {
      open(i, null, true);
      return i;
    }
    if (t.kind() == SqlToken.Kind.VARIABLE) {
      throw new GuardException("table variables are not allowed (" + t.text() + ")");
    }
    if (!isName(t)) {
      throw new GuardException(refusalOr(t, "a table name was expected at offset " + t.start()));
    }
    Chain chain = chain(i);
    if (chain.star()) {
      throw new GuardException("a table name was expected at offset " + t.start());
    }
    if (isSymbol(at(chain.next()), "(") && !isHintWord(at(chain.next() + 1))) {
      throw new GuardException("table-valued functions are not allowed ('" + String.join(".", chain.parts()) + "')");
    }
    String why = TableName.tableRefusal(chain.parts());
    if (why != null) {
      throw new GuardException(why);
    }
    if (!(chain.parts().size() == 1 && cteVisible(scope, chain.parts().get(0)))) {
      tables.add(TableName.of(chain.parts()));
    }
    int j = alias(chain.next(), false);
    if (isSymbol(at(j), "(")) {
      j = hints(j, j);
    } else if (isWord(at(j), "WITH") && isSymbol(at(j + 1), "(")) {
      j = hints(j, j + 1);
    }
    return j - 1;
  }

  private static boolean isHintWord(SqlToken t) {
    return t.kind() == SqlToken.Kind.WORD && TABLE_HINTS.contains(t.text());
  }

  private boolean cteVisible(Scope scope, String name) {
    return cteNames.subList(0, scope.visibleCtes).contains(name.toLowerCase(Locale.ROOT));
  }

  /** An optional {@code [AS] alias}, and after a derived table its optional column list. */
  private int alias(int j, boolean derived) {
    boolean named = false;
    if (isWord(at(j), "AS")) {
      if (!isName(at(j + 1))) {
        throw new GuardException(refusalOr(at(j + 1), "an alias was expected after AS at offset " + at(j).start()));
      }
      j += 2;
      named = true;
    } else if (isName(at(j))) {
      j++;
      named = true;
    }
    if (named && derived && isSymbol(at(j), "(")) {
      j = nameList(j, "a derived table's column list");
    }
    return j;
  }

  /** A table hint list {@code [WITH] ( NOLOCK [, READUNCOMMITTED] )}; blanked for the parser. */
  private int hints(int from, int open) {
    int close = match[open];
    if (close == open + 1) {
      throw new GuardException("an empty table hint list is not allowed");
    }
    for (int k = open + 1; k < close; k++) {
      SqlToken t = tokens.get(k);
      if (isSymbol(t, ",")) {
        continue;
      }
      if (t.kind() != SqlToken.Kind.WORD || !ALLOWED_HINTS.contains(t.text())) {
        throw new GuardException("the table hint '" + display(t) + "' is not allowed (only NOLOCK and READUNCOMMITTED)");
      }
    }
    blanks.add(new SqlLexer.Span(tokens.get(from).start(), tokens.get(close).end()));
    return close + 1;
  }

  /** {@code (a, b, c)} of plain names, as after a CTE or derived-table alias; marks it read. */
  private int nameList(int open, String what) {
    int close = match[open];
    for (int k = open + 1; k < close; k++) {
      boolean expectName = (k - open) % 2 == 1;
      if (expectName ? !isName(tokens.get(k)) : !isSymbol(tokens.get(k), ",")) {
        throw new GuardException(refusalOr(tokens.get(k), what + " may only hold names"));
      }
    }
    if ((close - open) % 2 != 0) {
      throw new GuardException(what + " may only hold names");
    }
    for (int k = open; k <= close; k++) {
      structural[k] = true;
    }
    return close + 1;
  }

  /**
   * A '(' that is not a call may only stand where an expression or query can start. T-SQL starts a
   * new statement at "(SELECT" too, so {@code SELECT 1 (SELECT 2)} is two statements.
   */
  private void checkOpensHere(Scope scope, int i) {
    SqlToken prev = at(i - 1);
    boolean ok = i == scope.first || cteBodies.containsKey(i)
        || (prev.kind() == SqlToken.Kind.SYMBOL && !prev.text().equals(")") && !prev.text().equals("?"))
        || (prev.kind() == SqlToken.Kind.WORD && OPENING_WORDS.contains(prev.text()));
    if (!ok) {
      throw new GuardException("a '(' at offset " + tokens.get(i).start()
          + " cannot continue the statement (T-SQL would start another statement there)");
    }
  }

  private void open(int i, String function, boolean tableSource) {
    Scope parent = scopes.peek();
    SqlToken next = at(i + 1);
    if (isWord(next, "WITH")) {
      throw new GuardException("common table expressions (WITH) are only allowed at the start of the statement");
    }
    Integer cte = cteBodies.get(i);
    Scope scope;
    if (cte != null) {
      scope = new Scope(Kind.QUERY, cte, i + 1, false, null);
    } else if (isWord(next, "SELECT") && function == null) {
      scope = new Scope(Kind.QUERY, parent.visibleCtes, i + 1, tableSource, null);
    } else if (tableSource && isWord(next, "VALUES")) {
      scope = new Scope(Kind.VALUES, parent.visibleCtes, i + 1, true, null);
    } else if (tableSource) {
      scope = new Scope(Kind.JOINS, parent.visibleCtes, i + 1, true, null);
      scope.inFrom = true;
      scope.expectTable = true;
    } else {
      scope = new Scope(Kind.EXPRESSION, parent.visibleCtes, i + 1, false, function);
    }
    if (scope.kind == Kind.QUERY && ++queryDepth > bounds.maxQueryNesting()) {
      throw new GuardException("subqueries are nested more than " + bounds.maxQueryNesting() + " deep");
    }
    scopes.push(scope);
  }

  private int close(int i) {
    Scope closed = scopes.pop();
    if (closed.kind == Kind.QUERY) {
      queryDepth--;
    }
    if (closed.expectTable) {
      throw new GuardException("a table name was expected before ')' at offset " + tokens.get(i).start());
    }
    return closed.tableSource ? alias(i + 1, true) - 1 : i;
  }

  /** Reads {@code a.b.c}, {@code a..c} (an empty part), {@code t.*}; unquoted parts must be names. */
  private Chain chain(int i) {
    List<String> parts = new ArrayList<>(3);
    int j = i;
    while (true) {
      SqlToken t = at(j);
      if (!isName(t)) {
        throw new GuardException(refusalOr(t, "a name was expected at offset " + t.start()));
      }
      parts.add(display(t));
      j++;
      if (!isSymbol(at(j), ".")) {
        return new Chain(parts, j, false);
      }
      j++;
      while (isSymbol(at(j), ".")) {
        parts.add("");
        j++;
      }
      if (isSymbol(at(j), "*")) {
        return new Chain(parts, j + 1, true);
      }
    }
  }

  private boolean afterSetOperator(int i) {
    SqlToken prev = at(i - 1);
    return isWord(prev, "UNION") || isWord(prev, "EXCEPT") || isWord(prev, "INTERSECT")
        || (isWord(prev, "ALL") && isWord(at(i - 2), "UNION"));
  }

  /** A quoted name, or an unquoted word that is neither reserved nor refused. */
  private static boolean isName(SqlToken t) {
    if (t.kind() == SqlToken.Kind.QUOTED_IDENTIFIER) {
      return true;
    }
    return t.kind() == SqlToken.Kind.WORD && !Keywords.isReserved(t.text()) && Keywords.refusal(t.text()) == null;
  }

  private static String refusalOr(SqlToken t, String otherwise) {
    String why = t.kind() == SqlToken.Kind.WORD ? Keywords.refusal(t.text()) : null;
    if (why != null) {
      return why;
    }
    if (t.kind() == SqlToken.Kind.WORD && Keywords.isReserved(t.text())) {
      return "'" + t.text() + "' is a reserved word; bracket it as [" + t.text() + "] to use it as a name";
    }
    if (t.kind() == SqlToken.Kind.VARIABLE) {
      return "variables are not allowed (" + t.text() + ")";
    }
    return otherwise;
  }

  /** A name as written: a word's original case, a quoted name's content. */
  private String display(SqlToken t) {
    return t.kind() == SqlToken.Kind.WORD ? sql.substring(t.start(), t.end()) : t.text();
  }

  private SqlToken at(int i) {
    return i >= 0 && i < end ? tokens.get(i) : END;
  }

  private static boolean isWord(SqlToken t, String word) {
    return t.kind() == SqlToken.Kind.WORD && t.text().equals(word);
  }

  private static boolean isSymbol(SqlToken t, String symbol) {
    return t.kind() == SqlToken.Kind.SYMBOL && t.text().equals(symbol);
  }

  private static int[] matchParentheses(List<SqlToken> tokens) {
    int[] match = new int[tokens.size()];
    int[] open = new int[tokens.size() + 1];
    int depth = 0;
    for (int i = 0; i < tokens.size(); i++) {
      if (isSymbol(tokens.get(i), "(")) {
        open[depth++] = i;
      } else if (isSymbol(tokens.get(i), ")")) {
        int o = open[--depth];
        match[o] = i;
        match[i] = o;
      }
    }
    return match;
  }
}
