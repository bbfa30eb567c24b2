package com.pmsrelay.agent.pms.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The demo's translation of T-SQL calls into H2's, text for text (the values: e2e.DemoFunctionsTest). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DemoDialectTest {

  @Test
  void callsAreTranslatedAndEverythingElseIsKeptAsWritten() {
    assertThat(DemoDialect.toH2("SELECT IIF(a > 1, 'x', 'y') FROM dbo.T -- IIF(")).isEqualTo(
        "SELECT CASE WHEN a > 1 THEN 'x' ELSE 'y' END FROM dbo.T -- IIF(");
    assertThat(DemoDialect.toH2("SELECT COUNT_BIG(*), stdev(x) OVER (PARTITION BY g) FROM T")).isEqualTo(
        "SELECT COUNT(*), STDDEV_SAMP(x) OVER (PARTITION BY g) FROM T");
    assertThat(DemoDialect.toH2("SELECT CHOOSE(i, IIF(b = 1, LEN(s), 0), 'IIF(x)')")).isEqualTo(
        "SELECT CASE i WHEN 1 THEN CASE WHEN b = 1 THEN CAST(CHAR_LENGTH(RTRIM(s)) AS INT) ELSE 0 END WHEN 2 THEN 'IIF(x)' END");
    assertThat(DemoDialect.toH2("SELECT DATEPART(dw, d), DATENAME(mm, d), DATENAME(yyyy, d) FROM T")).isEqualTo(
        "SELECT EXTRACT(DAY_OF_WEEK FROM d), MONTHNAME(d), CAST(EXTRACT(YEAR FROM d) AS VARCHAR(30)) FROM T");
    assertThat(DemoDialect.toH2("SELECT APPROX_COUNT_DISTINCT(x), SQUARE(y), CURRENT_TIMESTAMP FROM T")).isEqualTo(
        "SELECT COUNT(DISTINCT x), POWER(y, 2), LOCALTIMESTAMP FROM T");
    // not calls: a column named like a function, a qualified name, a quoted name
    assertThat(DemoDialect.toH2("SELECT t.LEN, [IIF], t.IIF FROM T t WHERE LEN = 1"))
        .isEqualTo("SELECT t.LEN, [IIF], t.IIF FROM T t WHERE LEN = 1");
  }

  @Test
  void whatTheDemoCannotRunIsRefusedWithSqlRejected() {
    for (String sql : new String[] {"SELECT TRY_CAST('1' AS INT)", "SELECT TRY_CONVERT(INT, '1')",
        "SELECT g, GROUPING(g) FROM T GROUP BY ROLLUP(g)", "SELECT g FROM T GROUP BY CUBE(g)",
        "SELECT g, h FROM T GROUP BY GROUPING SETS ((g), (h))", "SELECT g FROM T GROUP BY grouping sets (g, ())",
        "SELECT CHECKSUM(*) FROM T", "SELECT x FROM T WHERE BINARY_CHECKSUM( * ) = 1"}) {
      assertThatThrownBy(() -> DemoDialect.toH2(sql)).as(sql).isInstanceOfSatisfying(RelayException.class, e -> {
        assertThat(e.code()).isEqualTo(ErrorCode.SQL_REJECTED);
        assertThat(e.detail()).startsWith("the demo PMS cannot run ");
      });
    }
    assertThat(DemoDialect.toH2("SELECT CHECKSUM(a, b) FROM T")).isEqualTo("SELECT CHECKSUM(a, b) FROM T");
    // a column named GROUPING or SETS is no clause
    assertThat(DemoDialect.toH2("SELECT [Grouping], Sets FROM T")).isEqualTo("SELECT [Grouping], Sets FROM T");
  }

  @Test
  void formatTranslatesDotNetPatterns() {
    assertThat(DemoFormat.format("2024-05-01 14:05:09", "dddd d MMM yyyy, h:mm tt")).isEqualTo("Wednesday 1 May 2024, 2:05 PM");
    assertThat(DemoFormat.format("2024-05-01 14:05:09+10", "yyyy-MM-ddTHH:mm:sszzz")).isEqualTo("2024-05-01T14:05:09+10:00");
    assertThat(DemoFormat.format("10:30:00", "hh\\:mm")).isEqualTo("10:30");
    assertThat(DemoFormat.format("1234.5", "C", "en-US")).isEqualTo("$1,234.50");
    assertThat(DemoFormat.format("-3", "D3")).isEqualTo("-003");
    assertThat(DemoFormat.format("255", "X4")).isEqualTo("00FF");
    assertThat(DemoFormat.format("1234.5", "E2")).isEqualTo("1.23E+003");
    assertThat(DemoFormat.format("not a value", "N2")).isNull();
  }

  @Test
  void textFunctionsFollowSqlServersRules() {
    assertThat(DemoTextFunctions.str(123.456, 8, 2)).isEqualTo("  123.46");
    assertThat(DemoTextFunctions.str(123456.0, 3, 0)).isEqualTo("***");
    assertThat(DemoTextFunctions.str(2.5)).isEqualTo("         3");
    assertThat(DemoTextFunctions.stuff("abc", 4, 1, "x")).isNull();
    assertThat(DemoTextFunctions.patindex("%[^a-z]%", "abc1")).isEqualTo(4);
    assertThat(DemoTextFunctions.patindex("ab%", "ABC")).isEqualTo(1);
    assertThat(DemoTextFunctions.patindex("%c", "abcabd")).isZero();
    assertThat(DemoTextFunctions.patindex("%b_d", "abcabxd")).isEqualTo(5);
    assertThat(DemoTextFunctions.quotename("it's", "'")).isEqualTo("'it''s'");
    assertThat(DemoTextFunctions.replicate("x", -1)).isNull();
    assertThat(DemoCheckFunctions.isnumeric("1e5")).isEqualTo(1);
    assertThat(DemoCheckFunctions.isnumeric("abc")).isZero();
    assertThat(DemoCheckFunctions.isdate("2024-02-29 10:30")).isEqualTo(1);
    assertThat(DemoCheckFunctions.isdate("02/30/2024")).isZero();
  }
}
