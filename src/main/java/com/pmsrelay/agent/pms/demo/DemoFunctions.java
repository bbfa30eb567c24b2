package com.pmsrelay.agent.pms.demo;

import java.util.ArrayList;
import java.util.List;

/**
 * The T-SQL functions H2 lacks, as Java functions in schema dbo of the demo PMS (the read-only
 * login's default schema, so unqualified calls find them; the guard refuses qualified ones). Those
 * H2 has under another name or shape are translated by {@link DemoDialect} instead.
 */
final class DemoFunctions {
  private DemoFunctions() {
  }

  /** T-SQL name, implementing class and method; same-named overloads differ in their argument count. */
  private static final String[][] ALIASES = {
      {"REPLICATE", "DemoTextFunctions", "replicate"},
      {"REVERSE", "DemoTextFunctions", "reverse"},
      {"STUFF", "DemoTextFunctions", "stuff"},
      {"STR", "DemoTextFunctions", "str"},
      {"QUOTENAME", "DemoTextFunctions", "quotename"},
      {"PATINDEX", "DemoTextFunctions", "patindex"},
      {"FORMAT", "DemoFormat", "format"},
      {"ISNUMERIC", "DemoCheckFunctions", "isnumeric"},
      {"ISDATE", "DemoCheckFunctions", "isdate"},
      {"EOMONTH", "DemoDateFunctions", "eomonth"},
      {"DATEFROMPARTS", "DemoDateFunctions", "datefromparts"},
      {"DATETIME2FROMPARTS", "DemoDateFunctions", "datetime2fromparts"},
      {"DATETIMEFROMPARTS", "DemoDateFunctions", "datetimefromparts"},
      {"SMALLDATETIMEFROMPARTS", "DemoDateFunctions", "smalldatetimefromparts"},
      {"TIMEFROMPARTS", "DemoDateFunctions", "timefromparts"},
      {"SWITCHOFFSET", "DemoDateFunctions", "switchoffset"},
      {"TODATETIMEOFFSET", "DemoDateFunctions", "todatetimeoffset"},
      {"CHECKSUM", "DemoIdentityFunctions", "checksum"},
      {"BINARY_CHECKSUM", "DemoIdentityFunctions", "binaryChecksum"},
      {"HASHBYTES", "DemoIdentityFunctions", "hashbytes"},
  };

  /** The clock's functions: not DETERMINISTIC, so H2 asks again for every statement. */
  private static final String[][] CLOCK = {
      {"GETUTCDATE", "DemoDateFunctions", "getutcdate"},
      {"SYSDATETIME", "DemoDateFunctions", "sysdatetime"},
      {"SYSUTCDATETIME", "DemoDateFunctions", "sysutcdatetime"},
      {"SYSDATETIMEOFFSET", "DemoDateFunctions", "sysdatetimeoffset"},
  };

  static List<String> ddl() {
    List<String> ddl = new ArrayList<>();
    for (String[] a : ALIASES) {
      ddl.add(alias(a, " DETERMINISTIC"));
    }
    for (String[] a : CLOCK) {
      ddl.add(alias(a, ""));
    }
    return ddl;
  }

  private static String alias(String[] a, String deterministic) {
    return "CREATE ALIAS dbo." + a[0] + deterministic + " FOR '" + DemoFunctions.class.getPackageName() + "." + a[1]
        + "." + a[2] + "'";
  }
}
