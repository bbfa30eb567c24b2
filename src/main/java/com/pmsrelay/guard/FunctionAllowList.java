package com.pmsrelay.guard;

import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The built-in functions a statement may call. An allow-list, not a deny-list: SQL Server has
 * hundreds of built-ins and adds more each release, and some read files, reach other servers or
 * reveal the server (OPENROWSET, FILEPROPERTY, SERVERPROPERTY, SUSER_SNAME, DB_NAME, OBJECT_ID …).
 * Only pure computations on the values a query already reads are listed: aggregates, ranking and
 * window functions, and scalar functions on text, numbers and dates.
 *
 * <p>T-SQL resolves an unqualified name before '(' to a built-in only (user-defined scalar
 * functions need a schema), so an unqualified call is checked against this list, and a qualified
 * call ({@code dbo.fn(…)}, {@code col.method(…)}) is refused unless the guard was given it as an
 * extra function.
 */
public final class FunctionAllowList {
  /** Aggregates: COUNT(*), SUM(x), STRING_AGG(x, ',') WITHIN GROUP (ORDER BY y), … */
  public static final Set<String> AGGREGATE = Set.of(
      "AVG", "COUNT", "COUNT_BIG", "GROUPING", "GROUPING_ID", "MAX", "MIN", "STDEV", "STDEVP", "STRING_AGG",
      "SUM", "VAR", "VARP", "APPROX_COUNT_DISTINCT");

  /** Ranking, offset and distribution functions, used with OVER (…). */
  public static final Set<String> WINDOW = Set.of(
      "ROW_NUMBER", "RANK", "DENSE_RANK", "NTILE", "LAG", "LEAD", "FIRST_VALUE", "LAST_VALUE", "CUME_DIST",
      "PERCENT_RANK", "PERCENTILE_CONT", "PERCENTILE_DISC");

  /** Scalar functions: logic, conversion, dates, text, numbers. */
  public static final Set<String> SCALAR = Set.of(
      // logic and NULL handling
      "ISNULL", "COALESCE", "NULLIF", "IIF", "CHOOSE", "GREATEST", "LEAST",
      // conversion (not PARSE or TRY_PARSE: JSqlParser cannot read their "… AS type USING culture")
      "CAST", "CONVERT", "TRY_CAST", "TRY_CONVERT", "ISNUMERIC", "ISDATE",
      // date and time
      "GETDATE", "GETUTCDATE", "SYSDATETIME", "SYSUTCDATETIME", "SYSDATETIMEOFFSET", "CURRENT_TIMESTAMP",
      "DATEADD", "DATEDIFF", "DATEDIFF_BIG", "DATEPART", "DATENAME", "DATETRUNC", "YEAR", "MONTH", "DAY",
      "EOMONTH", "DATEFROMPARTS", "DATETIME2FROMPARTS", "DATETIMEFROMPARTS", "SMALLDATETIMEFROMPARTS",
      "TIMEFROMPARTS", "SWITCHOFFSET", "TODATETIMEOFFSET",
      // text
      "ASCII", "CHAR", "CHARINDEX", "CONCAT", "CONCAT_WS", "DATALENGTH", "DIFFERENCE", "FORMAT", "LEFT",
      "LEN", "LOWER", "LTRIM", "NCHAR", "PATINDEX", "QUOTENAME", "REPLACE", "REPLICATE", "REVERSE", "RIGHT",
      "RTRIM", "SOUNDEX", "SPACE", "STR", "STUFF", "SUBSTRING", "TRANSLATE", "TRIM", "UNICODE", "UPPER",
      // numbers
      "ABS", "ACOS", "ASIN", "ATAN", "ATN2", "CEILING", "COS", "COT", "DEGREES", "EXP", "FLOOR", "LOG",
      "LOG10", "PI", "POWER", "RADIANS", "ROUND", "SIGN", "SIN", "SQRT", "SQUARE", "TAN",
      // identity of values, for reconciliation
      "NEWID", "CHECKSUM", "BINARY_CHECKSUM", "HASHBYTES");

  private static final Set<String> ALL = union(AGGREGATE, WINDOW, SCALAR);

  private FunctionAllowList() {
  }

  /** Whether an unqualified built-in function name (any case) is allowed. */
  public static boolean allows(String name) {
    return ALL.contains(name.toUpperCase(Locale.ROOT));
  }

  /** Every allowed name, sorted (for documentation and error messages). */
  public static Set<String> names() {
    return new TreeSet<>(ALL);
  }

  @SafeVarargs
  private static Set<String> union(Collection<String>... sets) {
    Set<String> all = new TreeSet<>();
    for (Collection<String> set : sets) {
      all.addAll(set);
    }
    return Set.copyOf(all);
  }
}
