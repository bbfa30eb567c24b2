package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.pms.demo.DemoDialect;
import com.pmsrelay.guard.FunctionAllowList;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every function on the guard's allowed list, run through the relay (cloud, bridge, agent) in the
 * demo PMS: each gives SQL Server's answer for a sample call, or is on the demo's documented
 * exception list ({@link DemoDialect#notInDemo()}, marked "(not in the demo PMS)" in the README)
 * and is refused with 400 sql_rejected. A function added to the list without a sample here fails.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoFunctionsTest {
  /** Four rows (g, x, s): (1, 1, 'b'), (1, 2, 'a'), (2, 3, 'c'), (2, 4, 'd'). */
  private static final String T = "(SELECT 1 AS g, 1 AS x, 'b' AS s UNION ALL SELECT 1, 2, 'a'"
      + " UNION ALL SELECT 2, 3, 'c' UNION ALL SELECT 2, 4, 'd') t";
  private static final String TIMESTAMP = "~\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?\"";

  /**
   * Function → sample statement and the first row's last value as JSON text (or, after '~', a
   * pattern it matches). Window samples read the row of the smallest x.
   */
  private static final Map<String, String[]> SAMPLES = new TreeMap<>(Map.ofEntries(
      // aggregates
      sample("AVG", "SELECT AVG(CAST(x AS FLOAT)) FROM " + T, "2.5"),
      sample("COUNT", "SELECT COUNT(*) FROM " + T, "4"),
      sample("COUNT_BIG", "SELECT COUNT_BIG(*) FROM " + T, "4"),
      sample("MAX", "SELECT MAX(x) FROM " + T, "4"),
      sample("MIN", "SELECT MIN(x) FROM " + T, "1"),
      sample("STDEV", "SELECT STDEV(x) FROM " + T, "1.2909944487358056"),
      sample("STDEVP", "SELECT STDEVP(x) FROM " + T, "1.118033988749895"),
      sample("STRING_AGG", "SELECT STRING_AGG(s, ',') WITHIN GROUP (ORDER BY s) FROM " + T, "\"a,b,c,d\""),
      sample("SUM", "SELECT SUM(x) FROM " + T, "10"),
      sample("VAR", "SELECT VAR(x) FROM " + T, "1.6666666666666667"),
      sample("VARP", "SELECT VARP(x) FROM " + T, "1.25"),
      sample("APPROX_COUNT_DISTINCT", "SELECT APPROX_COUNT_DISTINCT(g) FROM " + T, "2"),
      // window functions
      sample("ROW_NUMBER", "SELECT x, ROW_NUMBER() OVER (ORDER BY x) FROM " + T + " ORDER BY x", "1"),
      sample("RANK", "SELECT x, RANK() OVER (ORDER BY g) FROM " + T + " ORDER BY x", "1"),
      sample("DENSE_RANK", "SELECT x, DENSE_RANK() OVER (ORDER BY g DESC) FROM " + T + " ORDER BY x", "2"),
      sample("NTILE", "SELECT x, NTILE(2) OVER (ORDER BY x) FROM " + T + " ORDER BY x", "1"),
      sample("LAG", "SELECT x, LAG(x, 1, 0) OVER (ORDER BY x) FROM " + T + " ORDER BY x", "0"),
      sample("LEAD", "SELECT x, LEAD(x) OVER (ORDER BY x) FROM " + T + " ORDER BY x", "2"),
      sample("FIRST_VALUE", "SELECT x, FIRST_VALUE(s) OVER (ORDER BY x) FROM " + T + " ORDER BY x", "\"b\""),
      sample("LAST_VALUE", "SELECT x, LAST_VALUE(x) OVER (ORDER BY x ROWS BETWEEN UNBOUNDED PRECEDING"
          + " AND UNBOUNDED FOLLOWING) FROM " + T + " ORDER BY x", "4"),
      sample("CUME_DIST", "SELECT x, CUME_DIST() OVER (ORDER BY x) FROM " + T + " ORDER BY x", "0.25"),
      sample("PERCENT_RANK", "SELECT x, PERCENT_RANK() OVER (ORDER BY x DESC) FROM " + T + " ORDER BY x", "1.0"),
      sample("PERCENTILE_CONT", "SELECT x, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY g) FROM "
          + T + " ORDER BY x", "1.5"),
      sample("PERCENTILE_DISC", "SELECT x, PERCENTILE_DISC(0.5) WITHIN GROUP (ORDER BY x) OVER (PARTITION BY g) FROM "
          + T + " ORDER BY x", "1"),
      // logic and NULLs
      sample("ISNULL", "SELECT ISNULL(NULL, 1)", "1"),
      sample("COALESCE", "SELECT COALESCE(NULL, 2)", "2"),
      sample("NULLIF", "SELECT NULLIF(1, 1)", "null"),
      sample("IIF", "SELECT IIF(1 > 0, 'y', 'n')", "\"y\""),
      sample("CHOOSE", "SELECT CHOOSE(2, 'a', 'b', 'c')", "\"b\""),
      sample("GREATEST", "SELECT GREATEST(1, 3, 2)", "3"),
      sample("LEAST", "SELECT LEAST(1, 3, 2)", "1"),
      // conversion
      sample("CAST", "SELECT CAST('12' AS INT)", "12"),
      sample("CONVERT", "SELECT CONVERT(INT, '12')", "12"),
      sample("TRY_CAST", "SELECT TRY_CAST('x' AS INT)", null),
      sample("TRY_CONVERT", "SELECT TRY_CONVERT(INT, 'x')", null),
      sample("ISNUMERIC", "SELECT ISNUMERIC('12.5')", "1"),
      sample("ISDATE", "SELECT ISDATE('2024-02-30')", "0"),
      // date and time
      sample("GETDATE", "SELECT GETDATE()", TIMESTAMP),
      sample("GETUTCDATE", "SELECT GETUTCDATE()", TIMESTAMP),
      sample("SYSDATETIME", "SELECT SYSDATETIME()", TIMESTAMP),
      sample("SYSUTCDATETIME", "SELECT SYSUTCDATETIME()", TIMESTAMP),
      sample("SYSDATETIMEOFFSET", "SELECT SYSDATETIMEOFFSET()",
          "~\"\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d+)?(Z|[+-]\\d{2}:\\d{2})\""),
      sample("CURRENT_TIMESTAMP", "SELECT CURRENT_TIMESTAMP", TIMESTAMP),
      sample("DATEADD", "SELECT DATEADD(day, 1, CAST('2024-02-28' AS DATE))", "\"2024-02-29\""),
      sample("DATEDIFF", "SELECT DATEDIFF(day, '2024-01-01', '2024-03-01')", "60"),
      sample("DATEDIFF_BIG", "SELECT DATEDIFF_BIG(second, '2024-01-01', '2024-03-01')", "5184000"),
      sample("DATEPART", "SELECT DATEPART(month, CAST('2024-05-01' AS DATE))", "5"),
      sample("DATENAME", "SELECT DATENAME(month, CAST('2024-05-01' AS DATE))", "\"May\""),
      sample("DATETRUNC", "SELECT DATETRUNC(month, CAST('2024-05-17' AS DATE))", "\"2024-05-01\""),
      sample("YEAR", "SELECT YEAR('2024-05-17')", "2024"),
      sample("MONTH", "SELECT MONTH('2024-05-17')", "5"),
      sample("DAY", "SELECT DAY('2024-05-17')", "17"),
      sample("EOMONTH", "SELECT EOMONTH('2024-02-10')", "\"2024-02-29\""),
      sample("DATEFROMPARTS", "SELECT DATEFROMPARTS(2024, 2, 29)", "\"2024-02-29\""),
      sample("DATETIME2FROMPARTS", "SELECT DATETIME2FROMPARTS(2024, 2, 29, 10, 30, 15, 5, 1)", "\"2024-02-29T10:30:15.500\""),
      sample("DATETIMEFROMPARTS", "SELECT DATETIMEFROMPARTS(2024, 2, 29, 10, 30, 15, 0)", "\"2024-02-29T10:30:15\""),
      sample("SMALLDATETIMEFROMPARTS", "SELECT SMALLDATETIMEFROMPARTS(2024, 2, 29, 10, 30)", "\"2024-02-29T10:30:00\""),
      sample("TIMEFROMPARTS", "SELECT TIMEFROMPARTS(10, 30, 15, 0, 0)", "\"10:30:15\""),
      sample("SWITCHOFFSET", "SELECT SWITCHOFFSET(CAST('2024-05-01 10:00:00 +00:00' AS DATETIMEOFFSET), '+02:00')",
          "\"2024-05-01T12:00:00+02:00\""),
      sample("TODATETIMEOFFSET", "SELECT TODATETIMEOFFSET(CAST('2024-05-01 10:00:00' AS DATETIME2), '+10:00')",
          "\"2024-05-01T10:00:00+10:00\""),
      // text
      sample("ASCII", "SELECT ASCII('A')", "65"),
      sample("CHAR", "SELECT CHAR(65)", "\"A\""),
      sample("NCHAR", "SELECT NCHAR(233)", "\"é\""),
      sample("UNICODE", "SELECT UNICODE(N'é')", "233"),
      sample("CHARINDEX", "SELECT CHARINDEX('c', 'abcabc', 4)", "6"),
      sample("PATINDEX", "SELECT PATINDEX('%[0-9]%', 'ab12')", "3"),
      sample("CONCAT", "SELECT CONCAT('a', NULL, 1)", "\"a1\""),
      sample("CONCAT_WS", "SELECT CONCAT_WS('-', 'a', NULL, 'b')", "\"a-b\""),
      sample("FORMAT", "SELECT FORMAT(1234.5, 'N2')", "\"1,234.50\""),
      sample("LEFT", "SELECT LEFT('abcdef', 2)", "\"ab\""),
      sample("RIGHT", "SELECT RIGHT('abcdef', 2)", "\"ef\""),
      sample("SUBSTRING", "SELECT SUBSTRING('abcdef', 2, 3)", "\"bcd\""),
      sample("LEN", "SELECT LEN('abc  ')", "3"),
      sample("DATALENGTH", "SELECT DATALENGTH('abc')", "3"),
      sample("LOWER", "SELECT LOWER('AbC')", "\"abc\""),
      sample("UPPER", "SELECT UPPER('abc')", "\"ABC\""),
      sample("LTRIM", "SELECT LTRIM('  a')", "\"a\""),
      sample("RTRIM", "SELECT RTRIM('a  ')", "\"a\""),
      sample("TRIM", "SELECT TRIM('  a  ')", "\"a\""),
      sample("REPLACE", "SELECT REPLACE('aXbX', 'X', '-')", "\"a-b-\""),
      sample("REPLICATE", "SELECT REPLICATE('ab', 3)", "\"ababab\""),
      sample("REVERSE", "SELECT REVERSE('abc')", "\"cba\""),
      sample("SPACE", "SELECT 'a' + SPACE(2) + 'b'", "\"a  b\""),
      sample("STR", "SELECT STR(123.456, 8, 2)", "\"  123.46\""),
      sample("STUFF", "SELECT STUFF('abcdef', 2, 3, 'XY')", "\"aXYef\""),
      sample("TRANSLATE", "SELECT TRANSLATE('2*[3+4]', '[]', '()')", "\"2*(3+4)\""),
      sample("QUOTENAME", "SELECT QUOTENAME('a]b')", "\"[a]]b]\""),
      sample("SOUNDEX", "SELECT SOUNDEX('Robert')", "\"R163\""),
      sample("DIFFERENCE", "SELECT DIFFERENCE('Smith', 'Smyth')", "4"),
      // numbers
      sample("ABS", "SELECT ABS(-2)", "2"),
      sample("CEILING", "SELECT CEILING(1.2)", "2"),
      sample("FLOOR", "SELECT FLOOR(1.8)", "1"),
      sample("ROUND", "SELECT ROUND(2.567, 1)", "2.6"),
      sample("POWER", "SELECT POWER(2.0E0, 10)", "1024.0"),
      sample("SQRT", "SELECT SQRT(16)", "4.0"),
      sample("SQUARE", "SELECT SQUARE(3)", "9.0"),
      sample("SIGN", "SELECT SIGN(-3)", "-1"),
      sample("EXP", "SELECT EXP(0)", "1.0"),
      sample("LOG", "SELECT LOG(8, 2)", "3.0"),
      sample("LOG10", "SELECT LOG10(1000)", "3.0"),
      sample("PI", "SELECT PI()", "3.141592653589793"),
      sample("SIN", "SELECT SIN(0)", "0.0"),
      sample("COS", "SELECT COS(0)", "1.0"),
      sample("TAN", "SELECT TAN(0)", "0.0"),
      sample("COT", "SELECT COT(1)", "0.6420926159343306"),
      sample("ASIN", "SELECT ASIN(0)", "0.0"),
      sample("ACOS", "SELECT ACOS(1)", "0.0"),
      sample("ATAN", "SELECT ATAN(0)", "0.0"),
      sample("ATN2", "SELECT ATN2(1, 1)", "0.7853981633974483"),
      sample("DEGREES", "SELECT DEGREES(PI())", "180.0"),
      sample("RADIANS", "SELECT RADIANS(CAST(180 AS FLOAT))", "3.141592653589793"),
      // value identity
      sample("NEWID", "SELECT NEWID()", "~\"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\""),
      sample("CHECKSUM", "SELECT IIF(CHECKSUM('abc', 1) = CHECKSUM('ABC', 1) AND CHECKSUM('abc', 1) <> CHECKSUM('abd', 1), 1, 0)", "1"),
      sample("BINARY_CHECKSUM", "SELECT IIF(BINARY_CHECKSUM('abc') <> BINARY_CHECKSUM('ABC'), 1, 0)", "1"),
      sample("HASHBYTES", "SELECT HASHBYTES('SHA2_256', 'abc')", "\"ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=\""),
      // not in the demo PMS
      sample("GROUPING", "SELECT g, GROUPING(g) FROM " + T + " GROUP BY ROLLUP(g)", null),
      sample("GROUPING_ID", "SELECT g, GROUPING_ID(g) FROM " + T + " GROUP BY ROLLUP(g)", null)));

  @TempDir static Path dir;
  static RelayFixture relay;
  static String token;

  /** About 150 queries in a few seconds: a burst of a whole minute's allowance. */
  @BeforeAll
  static void start() throws Exception {
    relay = RelayFixture.start(dir, new JsonObject().put("queries", new JsonObject().put("rateBurstSeconds", 60)));
    token = relay.token(0).await();
  }

  @AfterAll
  static void stop() {
    relay.close();
  }

  private static Map.Entry<String, String[]> sample(String name, String sql, String expected) {
    return Map.entry(name, new String[] {sql, expected});
  }

  private static HttpResponse<Buffer> query(String sql) {
    return relay.query(token, relay.practiceId(0), new JsonObject().put("sql", sql)).await();
  }

  /** The first row's last value, as JSON text. */
  private static String value(String sql) {
    HttpResponse<Buffer> r = query(sql);
    assertThat(r.statusCode()).as(sql + " -> " + r.bodyAsString()).isEqualTo(200);
    JsonArray row = r.bodyAsJsonObject().getJsonArray("rows").getJsonArray(0);
    return Json.encode(row.getValue(row.size() - 1));
  }

  @Test
  void everyAllowedFunctionRunsInTheDemoOrIsRefusedAsDocumented() {
    Set<String> listed = new LinkedHashSet<>();
    listed.addAll(FunctionAllowList.AGGREGATE);
    listed.addAll(FunctionAllowList.WINDOW);
    listed.addAll(FunctionAllowList.SCALAR);
    assertThat(SAMPLES.keySet()).as("a sample for every allowed function, and none for others").isEqualTo(Set.copyOf(listed));
    List<String> wrong = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(listed)) {
      String sql = SAMPLES.get(name)[0];
      String expected = SAMPLES.get(name)[1];
      if (DemoDialect.notInDemo().contains(name)) {
        assertThat(expected).as(name + " is not in the demo: no value").isNull();
        HttpResponse<Buffer> r = query(sql);
        JsonObject problem = r.bodyAsJsonObject();
        if (r.statusCode() != 400 || !"sql_rejected".equals(problem.getString("code"))
            || !problem.getString("detail", "").contains("the demo PMS cannot run " + name)) {
          wrong.add(name + ": expected 400 sql_rejected, got " + r.statusCode() + " " + r.bodyAsString());
        }
        continue;
      }
      assertThat(expected).as(name + " runs in the demo: a value is expected").isNotNull();
      HttpResponse<Buffer> r = query(sql);
      if (r.statusCode() != 200) {
        wrong.add(name + ": " + r.statusCode() + " " + r.bodyAsString());
        continue;
      }
      JsonArray row = r.bodyAsJsonObject().getJsonArray("rows").getJsonArray(0);
      String actual = Json.encode(row.getValue(row.size() - 1));
      boolean ok = expected.startsWith("~") ? actual.matches(expected.substring(1)) : actual.equals(expected);
      if (!ok) {
        wrong.add(name + ": " + sql + " gave " + actual + ", expected " + expected);
      }
    }
    assertThat(wrong).isEmpty();
  }

  @Test
  void replicateFormatAndSysDateTimeOffsetAsSqlServerGivesThem() {
    assertThat(value("SELECT REPLICATE('ab', 3)")).isEqualTo("\"ababab\"");
    assertThat(value("SELECT REPLICATE('ab', 0)")).isEqualTo("\"\"");
    assertThat(value("SELECT FORMAT(CAST('2024-05-01' AS DATE), 'dd/MM/yyyy')")).isEqualTo("\"01/05/2024\"");
    assertThat(value("SELECT FORMAT(CAST('2024-05-01 14:05:09' AS DATETIME2), 'yyyy-MM-dd hh:mm tt')"))
        .isEqualTo("\"2024-05-01 02:05 PM\"");
    assertThat(value("SELECT FORMAT(CAST('2024-05-01' AS DATE), 'D')")).isEqualTo("\"Wednesday, May 1, 2024\"");
    assertThat(value("SELECT FORMAT(1234.5, 'N2')")).isEqualTo("\"1,234.50\"");
    assertThat(value("SELECT FORMAT(1234.5, '#,##0.000')")).isEqualTo("\"1,234.500\"");
    assertThat(value("SELECT FORMAT(0.125, 'P1')")).isEqualTo("\"12.5%\"");
    assertThat(value("SELECT FORMAT(1234.5, 'N2', 'de-DE')")).isEqualTo("\"1.234,50\"");
    assertThat(value("SELECT FORMAT(42, 'D5')")).isEqualTo("\"00042\"");

    HttpResponse<Buffer> r = query("SELECT SYSDATETIMEOFFSET() AS now,"
        + " CAST('2024-05-01 10:30:00 +10:00' AS DATETIMEOFFSET) AS offsetValue, CAST('2024-05-01' AS DATETIME2) AS localValue");
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    JsonObject body = r.bodyAsJsonObject();
    JsonArray columns = body.getJsonArray("columns");
    // the demo's column type for a datetimeoffset, whatever the driver calls it
    assertThat(columns.getJsonObject(0).getString("type")).isEqualTo(columns.getJsonObject(1).getString("type"))
        .isNotEqualTo(columns.getJsonObject(2).getString("type"));
    OffsetDateTime now = OffsetDateTime.parse(body.getJsonArray("rows").getJsonArray(0).getString(0));
    assertThat(Duration.between(now, OffsetDateTime.now()).abs()).isLessThan(Duration.ofMinutes(1));
    assertThat(now.getOffset()).isEqualTo(OffsetDateTime.now().getOffset());
  }

  /** Translated calls nest, take column values and compare like the types SQL Server gives them. */
  @Test
  void translatedCallsNestAndCompareOnRealTables() {
    assertThat(value("SELECT IIF(DATEPART(mm, CAST('2024-05-01' AS DATE)) = 5, CHOOSE(2, 'a', REPLICATE('b', 2)), 'n')"))
        .isEqualTo("\"bb\"");
    assertThat(value("SELECT CHOOSE(4, 'a', 'b')")).isEqualTo("null");
    String women = value("SELECT COUNT(*) FROM Patients WHERE Sex = 'F'");
    assertThat(value("SELECT COUNT_BIG(*) FROM Patients WHERE IIF(Sex = 'F', 1, 0) = 1")).isEqualTo(women);
    assertThat(value("SELECT SUM(IIF(Sex = 'F', 1, 0)) FROM Patients")).isEqualTo(women);
    assertThat(value("SELECT COUNT(*) FROM Patients WHERE LEN(Surname) <> DATALENGTH(Surname)")).isEqualTo("0");
    assertThat(value("SELECT COUNT(*) FROM Patients WHERE EOMONTH(DOB) < DOB OR DATEPART(weekday, DOB) NOT BETWEEN 1 AND 7"))
        .isEqualTo("0");
    assertThat(value("SELECT DATENAME(weekday, CAST('2024-05-05' AS DATE))")).isEqualTo("\"Sunday\"");
    assertThat(value("SELECT DATEPART(weekday, CAST('2024-05-05' AS DATE))")).isEqualTo("1");
    assertThat(value("SELECT DATENAME(year, CAST('2024-05-05' AS DATE))")).isEqualTo("\"2024\"");
    assertThat(value("SELECT COUNT_BIG(DISTINCT Sex) FROM Patients")).isEqualTo(value("SELECT COUNT(DISTINCT Sex) FROM Patients"));
    assertThat(value("SELECT STUFF(Surname, 1, 0, '') FROM Patients WHERE PatientId = 1"))
        .isEqualTo(value("SELECT Surname FROM Patients WHERE PatientId = 1"));
  }

  @Test
  void checksumOfEveryColumnIsRefusedInTheDemo() {
    HttpResponse<Buffer> r = query("SELECT CHECKSUM(*) FROM Patients");
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("sql_rejected");
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("the demo PMS cannot run CHECKSUM(*)");
  }

  /** The README's list is the guard's, with the demo's exceptions marked. */
  @Test
  void readmeListsEveryAllowedFunctionAndMarksTheDemoExceptions() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    String section = readme.substring(readme.indexOf("### Functions a query may call"));
    section = section.substring(0, section.indexOf("\n\n", section.indexOf("- **")));
    for (String name : FunctionAllowList.names()) {
      assertThat(section).as(name).containsPattern("[ ,:]" + name + "([ ,;\n]|$)");
      boolean marked = Pattern.compile("[ ,:]" + name + " \\(not in the demo PMS\\)").matcher(section).find();
      assertThat(marked).as(name + " marked as not in the demo PMS").isEqualTo(DemoDialect.notInDemo().contains(name));
    }
    assertThat(section).doesNotContain("PARSE,");
  }
}
