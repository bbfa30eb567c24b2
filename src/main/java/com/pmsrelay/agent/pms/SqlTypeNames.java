package com.pmsrelay.agent.pms;

import java.util.Locale;
import java.util.Map;

/**
 * A column's SQL type as the database names it, from INFORMATION_SCHEMA.COLUMNS: the data type with
 * its length ({@code nvarchar(50)}, {@code varchar(max)}), precision and scale
 * ({@code decimal(10,2)}), or fractional seconds where they differ from the default of 7
 * ({@code datetime2(3)}). SQL Server reports T-SQL's own names; the embedded demo PMS (H2 in SQL
 * Server mode) reports the SQL standard's, which are given their T-SQL names here, the names its
 * tables were declared with, so that the demo shows what a real PMS shows.
 */
public final class SqlTypeNames {
  /** SQL Server's default fractional-second precision for datetime2, time and datetimeoffset. */
  private static final int DEFAULT_TIME_PRECISION = 7;
  /** H2 reports its unbounded character and binary columns (T-SQL's max) with this length or more. */
  private static final long H2_UNBOUNDED = 1_000_000_000L;
  private static final Map<String, String> H2_TO_TSQL = Map.ofEntries(
      Map.entry("INTEGER", "int"),
      Map.entry("CHARACTER VARYING", "varchar"),
      Map.entry("CHARACTER", "char"),
      Map.entry("CHARACTER LARGE OBJECT", "varchar"),
      Map.entry("BINARY VARYING", "varbinary"),
      Map.entry("BINARY", "binary"),
      Map.entry("BINARY LARGE OBJECT", "varbinary"),
      Map.entry("BOOLEAN", "bit"),
      Map.entry("NUMERIC", "decimal"),
      Map.entry("DECIMAL", "decimal"),
      Map.entry("DOUBLE PRECISION", "float"),
      Map.entry("REAL", "real"),
      Map.entry("TIMESTAMP", "datetime2"),
      Map.entry("TIMESTAMP WITH TIME ZONE", "datetimeoffset"),
      Map.entry("UUID", "uniqueidentifier"));

  private SqlTypeNames() {}

  /**
   * The type of one column. {@code h2}: the database is H2 (the demo PMS). The numbers are the
   * catalogue's CHARACTER_MAXIMUM_LENGTH, NUMERIC_PRECISION, NUMERIC_SCALE and
   * DATETIME_PRECISION, each null where the type has none.
   */
  public static String of(boolean h2, String dataType, Long maxLength, Integer precision, Integer scale,
      Integer datetimePrecision) {
    String upper = dataType.toUpperCase(Locale.ROOT);
    String name = h2 ? H2_TO_TSQL.getOrDefault(upper, dataType.toLowerCase(Locale.ROOT)) : dataType.toLowerCase(Locale.ROOT);
    switch (name) {
      case "char", "varchar", "nchar", "nvarchar", "binary", "varbinary" -> {
        if (h2 && upper.endsWith("LARGE OBJECT")) {
          return name + "(max)";
        }
        if (maxLength == null) {
          return name;
        }
        // SQL Server says -1 for (max); H2 gives unbounded columns a length of a billion or more.
        return name + (maxLength < 0 || (h2 && maxLength >= H2_UNBOUNDED) ? "(max)" : "(" + maxLength + ")");
      }
      case "decimal", "numeric" -> {
        return precision == null ? name : name + "(" + precision + "," + (scale == null ? 0 : scale) + ")";
      }
      case "datetime2", "datetimeoffset", "time" -> {
        // H2 gives every TIME a precision of 0, where SQL Server's default is 7: what was declared is not known.
        return (h2 && name.equals("time")) || datetimePrecision == null || datetimePrecision == DEFAULT_TIME_PRECISION
            ? name : name + "(" + datetimePrecision + ")";
      }
      default -> {
        return name;
      }
    }
  }
}
