package com.pmsrelay.guard;

import java.util.Arrays;
import java.util.Set;
import java.util.function.Supplier;
import net.sf.jsqlparser.statement.Statements;

/**
 * What the guard costs for a typical integrator query (three tables, a CTE, a NOLOCK hint), after
 * warm-up, in microseconds: the whole check without and with the cache of allowed texts, and each
 * step on its own. A plain main method, not a test, so that a slow build machine fails nothing:
 *
 * <pre>
 * mvn -o -q test-compile
 * java -cp target/test-classes:target/classes:$HOME/.m2/repository/com/github/jsqlparser/jsqlparser/5.3/jsqlparser-5.3.jar \
 *     com.pmsrelay.guard.SqlGuardBenchmark [iterations]
 * </pre>
 *
 * JSqlParser's token manager has a 65 KB method that HotSpot will not compile by default; adding
 * {@code -XX:-DontCompileHugeMethods} to the JVM shows what that costs.
 */
public final class SqlGuardBenchmark {
  static final String TYPICAL = "WITH upcoming AS (SELECT a.PatientId, a.PractitionerId, a.StartsAt FROM dbo.Appointments a "
      + "WITH (NOLOCK) WHERE a.StartsAt >= GETDATE()) SELECT TOP 50 p.PatientId, p.FirstName, p.Surname, pr.Surname AS Doctor, "
      + "u.StartsAt FROM upcoming u JOIN dbo.Patients p ON p.PatientId = u.PatientId JOIN dbo.Practitioners pr "
      + "ON pr.PractitionerId = u.PractitionerId WHERE p.Status = ? ORDER BY u.StartsAt";

  private SqlGuardBenchmark() {
  }

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    SqlGuard uncached = new SqlGuard(65_536, Set.of(), Bounds.DEFAULT, false);
    SqlGuard cached = new SqlGuard(65_536, Set.of(), Bounds.DEFAULT, true);

    SqlLexer.Lexed lexed = SqlLexer.lex(TYPICAL, Bounds.DEFAULT);
    LexicalReading.Result lexical = LexicalReading.read(TYPICAL, lexed.tokens(), Set.of(), Bounds.DEFAULT);
    String parserText = SqlGuard.parserText(TYPICAL, lexed.tokens(), lexical.blanks());
    Statements parsed = DeadlineParser.parse(parserText, 2_000, true, true);

    report("check, no cache", iterations, () -> uncached.check(TYPICAL));
    report("check, cached", iterations, () -> cached.check(TYPICAL));
    report("  lexer", iterations, () -> SqlLexer.lex(TYPICAL, Bounds.DEFAULT));
    report("  lexical reading", iterations, () -> LexicalReading.read(TYPICAL, lexed.tokens(), Set.of(), Bounds.DEFAULT));
    report("  JSqlParser parse", iterations, () -> DeadlineParser.parse(parserText, 2_000, true, true));
    report("  tree reading", iterations, () -> TreeReading.read(parsed, Set.of()));
  }

  private static void report(String what, int iterations, Supplier<?> work) {
    for (int i = 0; i < iterations; i++) {
      work.get();
    }
    long[] nanos = new long[iterations];
    for (int i = 0; i < iterations; i++) {
      long start = System.nanoTime();
      work.get();
      nanos[i] = System.nanoTime() - start;
    }
    Arrays.sort(nanos);
    System.out.printf("%-20s p50 %8.1f µs   p99 %8.1f µs%n", what, nanos[iterations / 2] / 1e3, nanos[iterations * 99 / 100] / 1e3);
  }
}
