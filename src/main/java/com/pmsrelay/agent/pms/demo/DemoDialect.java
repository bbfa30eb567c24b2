package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.guard.SqlGuard;
import com.pmsrelay.guard.SqlToken;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Translates the allowed T-SQL calls H2 has under another name or shape into H2's own, and refuses
 * up front (400 sql_rejected) the few the demo PMS cannot run at all. Applied to statements the
 * guard has already allowed, on the guard's own tokens: only a call (an unqualified word before
 * '(') is ever rewritten, into built-ins of the same meaning, and its arguments are kept as written
 * (themselves translated), so nothing the guard did not see can appear. Fixed-type functions H2
 * lacks are Java functions instead ({@link DemoFunctions}); production (SQL Server) runs the text
 * as it is.
 */
public final class DemoDialect {

  /** Same arguments, H2's name. */
  private static final Map<String, String> RENAMED = Map.of(
      "COUNT_BIG", "COUNT", // COUNT is BIGINT in H2; COUNT_BIG(*) would not even parse
      "STDEV", "STDDEV_SAMP",
      "STDEVP", "STDDEV_POP",
      "DATEDIFF_BIG", "DATEDIFF", // BIGINT in H2 already
      "DATETRUNC", "DATE_TRUNC",
      "NCHAR", "CHAR",
      "UNICODE", "ASCII", // H2's ASCII gives the first character's code, whatever it is
      "ATN2", "ATAN2",
      "DATALENGTH", "OCTET_LENGTH");

  /** What the demo PMS cannot run, and why (the README lists them as "not in the demo PMS"). */
  static final Map<String, String> NOT_IN_DEMO = Map.of(
      "TRY_CAST", "H2 has no conversion that gives NULL instead of failing",
      "TRY_CONVERT", "H2 has no conversion that gives NULL instead of failing",
      "GROUPING", "H2 has no ROLLUP, CUBE or GROUPING SETS",
      "GROUPING_ID", "H2 has no ROLLUP, CUBE or GROUPING SETS",
      "ROLLUP", "H2 has no ROLLUP, CUBE or GROUPING SETS",
      "CUBE", "H2 has no ROLLUP, CUBE or GROUPING SETS");

  /** DATEPART's parts and their abbreviations, as H2's EXTRACT fields. */
  private static final Map<String, String> PARTS = Map.ofEntries(
      Map.entry("YEAR", "YEAR"), Map.entry("YY", "YEAR"), Map.entry("YYYY", "YEAR"),
      Map.entry("QUARTER", "QUARTER"), Map.entry("QQ", "QUARTER"), Map.entry("Q", "QUARTER"),
      Map.entry("MONTH", "MONTH"), Map.entry("MM", "MONTH"), Map.entry("M", "MONTH"),
      Map.entry("DAYOFYEAR", "DAY_OF_YEAR"), Map.entry("DY", "DAY_OF_YEAR"), Map.entry("Y", "DAY_OF_YEAR"),
      Map.entry("DAY", "DAY"), Map.entry("DD", "DAY"), Map.entry("D", "DAY"),
      Map.entry("WEEK", "WEEK"), Map.entry("WK", "WEEK"), Map.entry("WW", "WEEK"),
      Map.entry("WEEKDAY", "DAY_OF_WEEK"), Map.entry("DW", "DAY_OF_WEEK"), Map.entry("W", "DAY_OF_WEEK"),
      Map.entry("HOUR", "HOUR"), Map.entry("HH", "HOUR"),
      Map.entry("MINUTE", "MINUTE"), Map.entry("MI", "MINUTE"), Map.entry("N", "MINUTE"),
      Map.entry("SECOND", "SECOND"), Map.entry("SS", "SECOND"), Map.entry("S", "SECOND"),
      Map.entry("MILLISECOND", "MILLISECOND"), Map.entry("MS", "MILLISECOND"),
      Map.entry("MICROSECOND", "MICROSECOND"), Map.entry("MCS", "MICROSECOND"),
      Map.entry("NANOSECOND", "NANOSECOND"), Map.entry("NS", "NANOSECOND"),
      Map.entry("ISO_WEEK", "ISO_WEEK"), Map.entry("ISOWK", "ISO_WEEK"), Map.entry("ISOWW", "ISO_WEEK"));

  /** The functions on the guard's list that the demo PMS refuses (sql_rejected) rather than runs. */
  public static Set<String> notInDemo() {
    return new TreeSet<>(NOT_IN_DEMO.keySet());
  }

  private final String sql;
  private final List<SqlToken> tokens;

  private DemoDialect(String sql) {
    this.sql = sql;
    this.tokens = SqlGuard.tokens(sql);
  }

  /**
   * {@code sql} (allowed by the guard) as H2 runs it; a RelayException (sql_rejected) for a call
   * the demo PMS cannot run.
   */
  public static String toH2(String sql) {
    DemoDialect dialect = new DemoDialect(sql);
    List<SqlToken> tokens = dialect.tokens;
    return tokens.isEmpty() ? sql : sql.substring(0, tokens.get(0).start()) + dialect.render(0, tokens.size())
        + sql.substring(tokens.get(tokens.size() - 1).end());
  }

  /** The text of tokens [from, to), with the calls in it translated; what lies between tokens is kept. */
  private String render(int from, int to) {
    StringBuilder out = new StringBuilder();
    int copied = tokens.get(from).start();
    for (int i = from; i < to; i++) {
      SqlToken t = tokens.get(i);
      if (isCurrentTimestamp(i)) {
        // T-SQL's CURRENT_TIMESTAMP is a datetime, without an offset; H2's has one
        out.append(sql, copied, t.start()).append("LOCALTIMESTAMP");
        copied = t.end();
        continue;
      }
      if (isGroupingSets(i)) {
        throw notInDemo("GROUPING SETS", NOT_IN_DEMO.get("ROLLUP"));
      }
      if (!isCall(i)) {
        continue;
      }
      int close = closing(i + 1);
      String translated = translate(t.text(), arguments(i + 2, close));
      if (translated != null) {
        out.append(sql, copied, t.start()).append(translated);
        copied = tokens.get(close).end();
        i = close;
      }
    }
    return out.append(sql, copied, tokens.get(to - 1).end()).toString();
  }

  private boolean isCurrentTimestamp(int i) {
    SqlToken t = tokens.get(i);
    return t.kind() == SqlToken.Kind.WORD && t.text().equals("CURRENT_TIMESTAMP")
        && !(i > 0 && isSymbol(tokens.get(i - 1), "."));
  }

  /** {@code GROUP BY GROUPING SETS (…)}: a clause, not a call, so it is found by its two words. */
  private boolean isGroupingSets(int i) {
    SqlToken t = tokens.get(i);
    return t.kind() == SqlToken.Kind.WORD && t.text().equalsIgnoreCase("GROUPING") && i + 1 < tokens.size()
        && tokens.get(i + 1).kind() == SqlToken.Kind.WORD && tokens.get(i + 1).text().equalsIgnoreCase("SETS");
  }

  private boolean isCall(int i) {
    SqlToken t = tokens.get(i);
    return t.kind() == SqlToken.Kind.WORD && i + 1 < tokens.size() && isSymbol(tokens.get(i + 1), "(")
        && !(i > 0 && isSymbol(tokens.get(i - 1), "."));
  }

  /** The token index of the ')' closing the '(' at {@code open} (the guard has checked they pair). */
  private int closing(int open) {
    int depth = 0;
    for (int i = open; i < tokens.size(); i++) {
      if (isSymbol(tokens.get(i), "(")) {
        depth++;
      } else if (isSymbol(tokens.get(i), ")") && --depth == 0) {
        return i;
      }
    }
    throw new IllegalStateException("unbalanced parentheses in a statement the guard allowed");
  }

  /** The arguments between tokens [from, to), split at top-level commas, each as token indexes. */
  private List<int[]> arguments(int from, int to) {
    List<int[]> args = new ArrayList<>();
    int depth = 0;
    int start = from;
    for (int i = from; i < to; i++) {
      SqlToken t = tokens.get(i);
      if (isSymbol(t, "(")) {
        depth++;
      } else if (isSymbol(t, ")")) {
        depth--;
      } else if (depth == 0 && isSymbol(t, ",")) {
        args.add(new int[] {start, i});
        start = i + 1;
      }
    }
    if (to > from) {
      args.add(new int[] {start, to});
    }
    return args;
  }

  /** H2's text for the call {@code name(args)}, or null to keep it as written (its arguments too). */
  private String translate(String name, List<int[]> args) {
    String why = NOT_IN_DEMO.get(name);
    if (why != null) {
      throw notInDemo(name, why);
    }
    String renamed = RENAMED.get(name);
    if (renamed != null) {
      return renamed + "(" + texts(args, 0) + ")";
    }
    return switch (name) {
      case "APPROX_COUNT_DISTINCT" -> args.size() == 1 ? "COUNT(DISTINCT " + text(args.get(0)) + ")" : null;
      case "IIF" -> args.size() == 3
          ? "CASE WHEN " + text(args.get(0)) + " THEN " + text(args.get(1)) + " ELSE " + text(args.get(2)) + " END"
          : null;
      case "CHOOSE" -> choose(args);
      case "SQUARE" -> args.size() == 1 ? "POWER(" + text(args.get(0)) + ", 2)" : null;
      // SQL Server's LEN ignores trailing spaces; H2's counts them
      case "LEN" -> args.size() == 1 ? "CAST(CHAR_LENGTH(RTRIM(" + text(args.get(0)) + ")) AS INT)" : null;
      case "DATEPART" -> args.size() == 2 ? datePart(args.get(0), text(args.get(1))) : null;
      case "DATENAME" -> args.size() == 2 ? dateName(args.get(0), text(args.get(1))) : null;
      case "CHECKSUM", "BINARY_CHECKSUM" -> {
        if (args.size() == 1 && isSymbol(tokens.get(args.get(0)[0]), "*")) {
          throw notInDemo(name + "(*)", "an H2 function cannot be given every column; list them");
        }
        yield null;
      }
      default -> null;
    };
  }

  /** CHOOSE(i, a, b, …): the i-th value, NULL when there is none. */
  private String choose(List<int[]> args) {
    if (args.size() < 2) {
      return null;
    }
    StringBuilder out = new StringBuilder("CASE ").append(text(args.get(0)));
    for (int k = 1; k < args.size(); k++) {
      out.append(" WHEN ").append(k).append(" THEN ").append(text(args.get(k)));
    }
    return out.append(" END").toString();
  }

  private String datePart(int[] part, String value) {
    String field = field(part);
    if (field == null) {
      return null;
    }
    if (field.equals("TZOFFSET")) {
      return "(EXTRACT(TIMEZONE_HOUR FROM " + value + ") * 60 + EXTRACT(TIMEZONE_MINUTE FROM " + value + "))";
    }
    return "EXTRACT(" + field + " FROM " + value + ")";
  }

  private String dateName(int[] part, String value) {
    String field = field(part);
    if (field == null) {
      return null;
    }
    return switch (field) {
      case "MONTH" -> "MONTHNAME(" + value + ")";
      case "DAY_OF_WEEK" -> "DAYNAME(" + value + ")";
      default -> "CAST(" + datePart(part, value) + " AS VARCHAR(30))";
    };
  }

  /** The EXTRACT field for a datepart written as one word, or null (left for H2 to refuse). */
  private String field(int[] part) {
    if (part[1] - part[0] != 1 || tokens.get(part[0]).kind() != SqlToken.Kind.WORD) {
      return null;
    }
    String word = tokens.get(part[0]).text().toUpperCase(Locale.ROOT);
    return word.equals("TZOFFSET") || word.equals("TZ") ? "TZOFFSET" : PARTS.get(word);
  }

  private String texts(List<int[]> args, int first) {
    List<String> out = new ArrayList<>();
    for (int k = first; k < args.size(); k++) {
      out.add(text(args.get(k)));
    }
    return String.join(", ", out);
  }

  private String text(int[] arg) {
    return arg[1] > arg[0] ? render(arg[0], arg[1]) : "";
  }

  private static RelayException notInDemo(String name, String why) {
    return new RelayException(ErrorCode.SQL_REJECTED,
        "the demo PMS cannot run " + name + " (" + why + "); SQL Server runs it");
  }

  private static boolean isSymbol(SqlToken t, String symbol) {
    return t.kind() == SqlToken.Kind.SYMBOL && t.text().equals(symbol);
  }
}
