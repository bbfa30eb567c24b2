package com.pmsrelay.bench;

import com.pmsrelay.guard.GuardException;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.sf.jsqlparser.parser.CCJSqlParserUtil;
import net.sf.jsqlparser.parser.ParseException;

/**
 * What {@code SqlGuard.check} costs per statement, through its public API only: the typical
 * integrator query (a CTE, joins, a NOLOCK hint) and a simple lookup. Each is checked by a new
 * guard every time ({@code new SqlGuard(65536).check(sql)}: the first sight of a text, as the
 * issue states it) and by one guard again and again (the guard remembers texts it allowed: what a
 * steady integrator pays). Each also runs with a query hint appended that the lexical reading
 * refuses at its last word: that run lexes and checks every token but never reaches the parser,
 * so "lexical" is that cost and "parse" is the difference.
 * For reference, JSqlParser's own parse of the same texts on the calling thread (no time-out
 * thread, no table walk) is timed too. Cases alternate in blocks (the order rotates) after a
 * warm-up; each figure is the median of the blocks' percentiles with their range. Beside the
 * wall-clock percentiles, the CPU time the whole process spent per check (every thread: the
 * parser runs on its own), which other processes on a shared machine inflate far less.
 */
final class GuardCostBench {
  static final String TYPICAL = "WITH upcoming AS (SELECT a.PatientId, a.PractitionerId, a.StartsAt "
      + "FROM dbo.Appointments a WITH (NOLOCK) WHERE a.StartsAt >= GETDATE()) "
      + "SELECT TOP 50 p.PatientId, p.FirstName, p.Surname, pr.Surname AS Doctor, u.StartsAt "
      + "FROM upcoming u JOIN dbo.Patients p ON p.PatientId = u.PatientId "
      + "JOIN dbo.Practitioners pr ON pr.PractitionerId = u.PractitionerId "
      + "WHERE p.Status = ? ORDER BY u.StartsAt";
  static final String SIMPLE = "SELECT TOP 10 PatientId, FirstName FROM dbo.Patients WHERE Surname = ?";
  /** T-SQL's query-hint clause: refused by the lexical reading (OPTION is a denied word). */
  static final String REFUSED_TAIL = " OPTION (MAXDOP 1)";
  static final double TARGET_P50_US = 200;

  /** How a case is checked. */
  private enum Way {
    /** {@code new SqlGuard(65536).check(sql)}: nothing remembered. */
    NEW_GUARD,
    /** One guard, the same text again (a fresh String each time): the guard's memory answers. */
    SAME_GUARD,
    /** A reference, not the guard: JSqlParser alone on the calling thread. */
    JSQLPARSER
  }

  private record Case(String name, String sql, boolean allowed, Way way) {}

  private record Settings(long warmupMsPerCase, int blocks, int iterations) {
    static Settings of(BenchMode mode) {
      return switch (mode) {
        case FULL -> new Settings(2_000, 5, 4_000);
        case FAST -> new Settings(1_000, 5, 600);
        case TINY -> new Settings(30, 2, 50);
      };
    }
  }

  private static final List<Case> CASES = List.of(
      new Case("typical", TYPICAL, true, Way.NEW_GUARD),
      new Case("typicalLexicalOnly", TYPICAL + REFUSED_TAIL, false, Way.NEW_GUARD),
      new Case("typicalRemembered", TYPICAL, true, Way.SAME_GUARD),
      new Case("simple", SIMPLE, true, Way.NEW_GUARD),
      new Case("simpleLexicalOnly", SIMPLE + REFUSED_TAIL, false, Way.NEW_GUARD),
      new Case("simpleRemembered", SIMPLE, true, Way.SAME_GUARD),
      new Case("typicalJSqlParserDirect", TYPICAL, true, Way.JSQLPARSER),
      new Case("simpleJSqlParserDirect", SIMPLE, true, Way.JSQLPARSER));

  /** The guard of the SAME_GUARD cases. */
  private final SqlGuard guard = new SqlGuard(65_536);
  /** Keeps the JIT from discarding the checks' results. */
  private long sink;

  JsonObject run(BenchMode mode) {
    Settings settings = Settings.of(mode);
    boolean splitHolds = verifyCases();
    for (Case c : CASES) {
      long until = System.nanoTime() + settings.warmupMsPerCase() * 1_000_000;
      while (System.nanoTime() < until) {
        time(c);
      }
    }
    Map<String, List<Double>> p50 = new LinkedHashMap<>();
    Map<String, List<Double>> p90 = new LinkedHashMap<>();
    Map<String, List<Double>> p99 = new LinkedHashMap<>();
    Map<String, List<Double>> cpu = new LinkedHashMap<>();
    Map<String, List<Double>> allocated = new LinkedHashMap<>();
    for (Case c : CASES) {
      allocated.put(c.name(), new ArrayList<>());
      p50.put(c.name(), new ArrayList<>());
      p90.put(c.name(), new ArrayList<>());
      p99.put(c.name(), new ArrayList<>());
      cpu.put(c.name(), new ArrayList<>());
    }
    for (int block = 0; block < settings.blocks(); block++) {
      for (int k = 0; k < CASES.size(); k++) {
        Case c = CASES.get((block + k) % CASES.size()); // rotate the order: no case always runs first
        LatencyRecorder recorder = new LatencyRecorder();
        ProcessProbe start = ProcessProbe.now();
        for (int i = 0; i < settings.iterations(); i++) {
          recorder.record(time(c));
        }
        ProcessProbe spent = start.spentSince();
        cpu.get(c.name()).add(spent.cpuNanos() / 1_000.0 / settings.iterations());
        allocated.get(c.name()).add((double) spent.allocatedBytes() / settings.iterations());
        p50.get(c.name()).add(recorder.percentileMicros(50));
        p90.get(c.name()).add(recorder.percentileMicros(90));
        p99.get(c.name()).add(recorder.percentileMicros(99));
      }
    }
    JsonObject cases = new JsonObject();
    for (Case c : CASES) {
      cases.put(c.name(), new JsonObject()
          .put("sql", c.sql())
          .put("allowed", c.allowed())
          .put("measures", switch (c.way()) {
            case NEW_GUARD -> "new SqlGuard(65536).check(sql) each time";
            case SAME_GUARD -> "one SqlGuard(65536), check(sql) of the same text again";
            case JSQLPARSER -> "reference: JSqlParser's parse alone, on the calling thread (not the guard)";
          })
          .put("p50Us", Spread.of(p50.get(c.name())).toJson())
          .put("p90Us", Spread.of(p90.get(c.name())).toJson())
          .put("p99Us", Spread.of(p99.get(c.name())).toJson())
          .put("cpuUsPerCheck", Spread.of(cpu.get(c.name())).toJson())
          .put("allocatedBytesPerCheck", Spread.of(allocated.get(c.name())).toJson())
          .put("p50UsPerBlock", Spread.rounded(p50.get(c.name()))));
    }
    JsonObject derived = new JsonObject().put("valid", splitHolds)
        .put("note", "parse = check(allowed) - check(same text refused lexically at its last word), p50 per block");
    if (splitHolds) {
      derived.put("typicalParseP50Us", difference(p50.get("typical"), p50.get("typicalLexicalOnly")).toJson());
      derived.put("simpleParseP50Us", difference(p50.get("simple"), p50.get("simpleLexicalOnly")).toJson());
    }
    double typicalP50 = Spread.of(p50.get("typical")).median();
    return new JsonObject()
        .put("name", "guard")
        .put("mode", mode.label())
        .put("settings", new JsonObject().put("warmupMsPerCase", settings.warmupMsPerCase())
            .put("blocks", settings.blocks()).put("iterationsPerBlock", settings.iterations())
            .put("thread", "every check on the benchmark's one thread"))
        .put("cases", cases)
        .put("lexicalParseSplit", derived)
        .put("targets", new JsonObject().put("typicalP50Us", Targets.below(typicalP50, TARGET_P50_US, "< 200 µs")))
        .put("sink", sink);
  }

  private long time(Case c) {
    long started = System.nanoTime();
    try {
      sink += switch (c.way()) {
        case NEW_GUARD -> new SqlGuard(65_536).check(c.sql()).tables().size();
        // A new String from characters, as each request's text is: its hash is not yet computed.
        case SAME_GUARD -> guard.check(new String(c.sql().toCharArray())).tables().size();
        case JSQLPARSER -> CCJSqlParserUtil.newParser(c.sql()).withSquareBracketQuotation(true).Statements().size();
      };
    } catch (GuardException e) {
      sink += e.getMessage().length();
    } catch (ParseException e) {
      throw new IllegalStateException("JSqlParser refuses case " + c.name(), e);
    }
    return System.nanoTime() - started;
  }

  /**
   * Each case must end as it claims (the guard is being changed: a benchmark must not silently
   * time something else). The split needs the lexical refusal to name the appended hint.
   */
  private boolean verifyCases() {
    boolean split = true;
    for (Case c : CASES) {
      if (c.way() == Way.JSQLPARSER) {
        continue;
      }
      try {
        new SqlGuard(65_536).check(c.sql());
        if (!c.allowed()) {
          throw new IllegalStateException("the guard now allows case " + c.name() + "; the benchmark needs updating");
        }
      } catch (GuardException e) {
        if (c.allowed()) {
          throw new IllegalStateException("the guard refuses case " + c.name() + ": " + e.getMessage());
        }
        split &= e.getMessage().contains("OPTION");
      }
    }
    return split;
  }

  private static Spread difference(List<Double> whole, List<Double> part) {
    List<Double> d = new ArrayList<>();
    for (int i = 0; i < whole.size(); i++) {
      d.add(whole.get(i) - part.get(i));
    }
    return Spread.of(d);
  }
}
