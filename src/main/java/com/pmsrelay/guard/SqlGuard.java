package com.pmsrelay.guard;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import net.sf.jsqlparser.statement.Statements;

/**
 * Lets through exactly one read-only SELECT, read two independent ways that must both accept it:
 *
 * <ol>
 *   <li>{@link LexicalReading}: our own, from T-SQL's tokens ({@link SqlLexer}), with no grammar
 *       that a hostile input could talk around: allowed words only, one statement, no variables,
 *       NOLOCK / READUNCOMMITTED hints only, allow-listed functions only, no reach outside the
 *       database; and the tables read, from the table-source positions;</li>
 *   <li>{@link TreeReading}: JSqlParser's tree, walked in full against an allow-list of node types,
 *       with the same function, name and table rules.</li>
 * </ol>
 *
 * The two must name the same tables, or the statement is refused. What runs is the original text:
 * nothing is rewritten. JSqlParser is given T-SQL's tokens ({@link #parserText}): without the
 * comments (T-SQL nests them, JSqlParser does not, so it would otherwise read other tokens than the
 * database will), without the hint lists the lexical reading has checked (JSqlParser does not know
 * READUNCOMMITTED), and with single spaces between tokens (it knows WITH TIES only with one).
 *
 * <p>Costs are bounded ({@link Bounds}): input length, tokens, name and literal lengths,
 * parenthesis depth, list length and subquery nesting are checked in linear passes before
 * JSqlParser sees anything, and JSqlParser runs under a deadline that stops it
 * ({@link DeadlineParser}). Allowed statements are remembered
 * by their text ({@link CheckedCache}), as integrators repeat their parameterised queries.
 *
 * <p>The cloud (to refuse bad SQL before anything travels) and the agent (which trusts nothing it
 * did not check) both call {@link #check(Vertx, QueryRequest)}.
 */
public final class SqlGuard {
  /**
   * What the guard learnt of a statement it allowed: the text to run, the tables it reads, and its
   * {@code ?} placeholders (counted on T-SQL's tokens: a {@code ?} in a string or a comment is none).
   */
  public record Checked(String sql, Set<String> tables, int placeholders) {}

  private static final AtomicBoolean WARMED = new AtomicBoolean();

  private final int maxChars;
  private final Set<String> extraFunctions;
  private final Bounds bounds;
  private final CheckedCache cache;

  public SqlGuard(int maxChars) {
    this(maxChars, Set.of());
  }

  /**
   * @param extraFunctions functions allowed besides the {@link FunctionAllowList}, by name, any case;
   *     a dotted name ({@code dbo.Fn}) allows that qualified call
   */
  public SqlGuard(int maxChars, Set<String> extraFunctions) {
    this(maxChars, extraFunctions, Bounds.DEFAULT, true);
    warmUp();
  }

  SqlGuard(int maxChars, Set<String> extraFunctions, Bounds bounds, boolean remember) {
    this.maxChars = maxChars;
    Set<String> extra = new HashSet<>();
    for (String name : extraFunctions) {
      extra.add(name.toUpperCase(Locale.ROOT).replace("[", "").replace("]", ""));
    }
    this.extraFunctions = Set.copyOf(extra);
    this.bounds = bounds;
    this.cache = remember ? new CheckedCache() : null;
  }

  /** The statement as allowed, or GuardException saying why not (for 400 sql_rejected). */
  public Checked check(String sql) {
    if (sql == null || sql.isBlank()) {
      throw new GuardException("the statement is empty");
    }
    if (sql.length() > maxChars) {
      throw new GuardException("the statement is longer than " + maxChars + " characters");
    }
    Checked known = cache == null ? null : cache.get(sql);
    if (known != null) {
      return known;
    }
    SqlLexer.Lexed lexed = SqlLexer.lex(sql, bounds);
    LexicalReading.Result lexical = LexicalReading.read(sql, lexed.tokens(), extraFunctions, bounds);
    boolean inline = lexed.tokens().size() <= DeadlineParser.INLINE_MAX_TOKENS
        && lexed.maxDepth() <= DeadlineParser.INLINE_MAX_DEPTH;
    ParserText text = ParserText.of(sql, lexed.tokens(), lexical.blanks());
    boolean complexAllowed = lexed.maxDepth() <= DeadlineParser.COMPLEX_MAX_DEPTH;
    Statements parsed = DeadlineParser.parse(text.main(), bounds.parseTimeoutMs(), inline, complexAllowed);
    Set<String> tables = TreeReading.read(parsed, extraFunctions);
    if (text.bounds() != null) {
      // BETWEEN bounds JSqlParser cannot read in place: read, and walked, as a select list of their own
      Set<String> all = new TreeSet<>(tables);
      all.addAll(TreeReading.read(DeadlineParser.parse(text.bounds(), bounds.parseTimeoutMs(), inline, complexAllowed),
          extraFunctions));
      tables = all;
    }
    if (!tables.equals(lexical.tables())) {
      throw new GuardException("the statement's tables could not be read with certainty (read as "
          + lexical.tables() + " and as " + tables + ")");
    }
    Checked checked = new Checked(sql, Collections.unmodifiableSet(new TreeSet<>(tables)), placeholders(lexed.tokens()));
    if (cache != null) {
      cache.put(checked);
    }
    return checked;
  }

  private static int placeholders(List<SqlToken> tokens) {
    int n = 0;
    for (SqlToken t : tokens) {
      if (t.kind() == SqlToken.Kind.SYMBOL && "?".equals(t.text())) {
        n++;
      }
    }
    return n;
  }

  /**
   * A query's SQL, then its grant's scopes, checked without blocking the caller's event loop: a
   * text this guard remembers at once, a new one on a worker thread (its parse takes hundreds of
   * µs). Fails with a {@link RelayException} to send as it is: {@code sql_rejected} or
   * {@code scope_denied}; anything else the check throws is passed on unchanged.
   */
  public Future<Checked> check(Vertx vertx, QueryRequest query) {
    Checked known = remembered(query.sql());
    if (known == null) {
      return vertx.executeBlocking(() -> inScope(query, () -> check(query.sql())), false);
    }
    try {
      return Future.succeededFuture(inScope(query, () -> known));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The statement as {@code read}, within the query's scopes; the guard's refusals as problems. */
  private Checked inScope(QueryRequest query, Supplier<Checked> read) {
    try {
      Checked checked = read.get();
      checkScope(checked, query.scopes().stream().map(String::valueOf).toList());
      return checked;
    } catch (GuardException e) {
      throw new RelayException(ErrorCode.SQL_REJECTED, e.getMessage());
    } catch (ScopeException e) {
      throw new RelayException(ErrorCode.SCOPE_DENIED, e.getMessage());
    }
  }

  /**
   * The verdict this guard remembers for exactly this text, or null. It answers in well under a
   * microsecond, so a caller on an event loop can ask first and move only a real check (a parse of
   * hundreds of microseconds) to a worker thread.
   */
  public Checked remembered(String sql) {
    return cache == null || sql == null ? null : cache.get(sql);
  }

  /**
   * Refuses, with ScopeException (for 403 scope_denied), a checked statement that reads a table or
   * view not in {@code allowedTables} ("Patients", "dbo.Patients", "[dbo].[Patients]"; an empty
   * collection means no restriction). Names that are not one- or two-part names allow nothing.
   */
  public void checkScope(Checked checked, Collection<String> allowedTables) {
    TableScopes scopes = TableScopes.of(allowedTables);
    for (String table : checked.tables()) {
      if (!scopes.allowsNormal(table)) {
        throw new ScopeException(table);
      }
    }
  }

  /**
   * T-SQL's tokens of {@code sql}, as the guard reads them: for a PMS that must translate calls the
   * guard allowed into its own dialect (the demo PMS) without reading T-SQL a second, different way.
   */
  public static List<SqlToken> tokens(String sql) {
    return SqlLexer.tokenize(sql);
  }

  /** The text JSqlParser reads ({@link ParserText}), for the benchmark. */
  static String parserText(String sql, List<SqlToken> tokens, List<SqlLexer.Span> blanks) {
    return ParserText.of(sql, tokens, blanks).main();
  }

  /**
   * JSqlParser's first parse loads large classes and runs interpreted (hundreds of milliseconds);
   * do that once in the background rather than inside the first integrator's deadline.
   */
  private static void warmUp() {
    if (!WARMED.compareAndSet(false, true)) {
      return;
    }
    Thread warm = new Thread(() -> {
      SqlGuard guard = new SqlGuard(65_536, Set.of(), Bounds.DEFAULT.withParseTimeoutMs(30_000), false);
      for (int i = 0; i < 200; i++) {
        try {
          guard.check("WITH due AS (SELECT r.PatientId, MIN(r.DueDate) AS DueDate FROM dbo.Recalls r WITH (NOLOCK) "
              + "WHERE r.Status = ? GROUP BY r.PatientId) SELECT TOP 100 p.PatientId, p.Surname, d.DueDate, "
              + "ROW_NUMBER() OVER (ORDER BY d.DueDate) AS n FROM due d JOIN dbo.Patients p ON p.PatientId = d.PatientId "
              + "WHERE p.DOB < DATEADD(year, -" + (i % 90) + ", GETDATE()) ORDER BY d.DueDate");
          // A condition as a function argument takes JSqlParser's slower "complex" path.
          guard.check("SELECT IIF(a.Status = 'DNA', " + i + ", 0) FROM dbo.Appointments a WHERE a.PatientId IN "
              + "(SELECT i.PatientId FROM dbo.Invoices i WHERE i.Paid = IIF(i.Amount > 0, 0, 1))");
        } catch (RuntimeException e) {
          return;
        }
      }
    }, "sql-guard-warm-up");
    warm.setDaemon(true);
    warm.setPriority(Thread.MIN_PRIORITY);
    warm.start();
  }
}
