package com.pmsrelay.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Values end to end, through the cloud, the bridge and the agent to the demo PMS and back: each
 * SQL Server type the demo can hold comes back in the JSON form docs/values.md states (the
 * driver-only types, SQL Server's datetimeoffset class and GUID bytes, are in
 * {@code agent.exec.ValueEncoderTest}); parameters bind exactly; a placeholder/parameter mismatch and
 * out-of-range limits are 400s that say what is wrong, before the database.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ValuesTest extends RelayTest {
  static String token;

  @BeforeAll
  static void token() {
    token = relay.token(0).await();
  }

  private static HttpResponse<Buffer> query(JsonObject body) {
    return relay.query(token, relay.practiceId(0), body).await();
  }

  private static HttpResponse<Buffer> ok(JsonObject body) {
    HttpResponse<Buffer> r = query(body);
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
    return r;
  }

  /** One row of the type table per column; the expected JSON text is the table's example. */
  @Test
  void everyTypeTheDemoHoldsComesBackInItsDocumentedForm() {
    String[][] table = {
        {"CAST(1 AS BIT)", "true"},
        {"CAST(100 AS TINYINT)", "100"}, // H2's TINYINT is signed (-128..127), SQL Server's 0..255
        {"CAST(-32768 AS SMALLINT)", "-32768"},
        {"CAST(2147483647 AS INT)", "2147483647"},
        {"CAST(9007199254740993 AS BIGINT)", "9007199254740993"},
        {"CAST(12345678901234567890123456789012345678 AS DECIMAL(38,0))", "12345678901234567890123456789012345678"},
        {"CAST(0.0000000001 AS DECIMAL(38,12))", "0.000000000100"},
        {"CAST(-1234.5 AS NUMERIC(10,2))", "-1234.50"},
        {"CAST(922337203685477.5807 AS MONEY)", "922337203685477.5807"},
        {"CAST(1.5 AS SMALLMONEY)", "1.5000"},
        {"CAST(0.1 AS FLOAT)", "0.1"},
        {"CAST(0.1 AS REAL)", "0.1"},
        {"CAST('2024-05-01' AS DATE)", "\"2024-05-01\""},
        {"CAST('10:30' AS TIME)", "\"10:30:00\""},
        {"CAST('10:30:15.1234567' AS TIME(7))", "\"10:30:15.123456700\""},
        {"CAST('2024-05-01 10:30' AS DATETIME2)", "\"2024-05-01T10:30:00\""},
        {"CAST('2024-05-01 10:30:15.123' AS DATETIME)", "\"2024-05-01T10:30:15.123\""},
        {"CAST('2024-05-01 10:30' AS SMALLDATETIME)", "\"2024-05-01T10:30:00\""},
        {"CAST('2024-05-01 10:30:00 +10:00' AS DATETIMEOFFSET)", "\"2024-05-01T10:30:00+10:00\""},
        {"CAST('2024-05-01 10:30:00 -09:30' AS DATETIMEOFFSET)", "\"2024-05-01T10:30:00-09:30\""},
        {"CAST('2024-05-01 10:30:00 +00:00' AS DATETIMEOFFSET)", "\"2024-05-01T10:30:00Z\""},
        {"CAST('Nguyễn' AS NVARCHAR(20))", "\"Nguyễn\""},
        {"CAST('ab' AS CHAR(4))", "\"ab  \""},
        {"CAST('long text' AS TEXT)", "\"long text\""},
        {"CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS UNIQUEIDENTIFIER)", "\"6f9619ff-8b86-d011-b42d-00c04fc964ff\""},
        {"CAST(0x1F2E AS VARBINARY(4))", "\"Hy4=\""},
        {"CAST(0x00FF AS BINARY(2))", "\"AP8=\""},
        {"CAST(0x414243 AS IMAGE)", "\"QUJD\""},
        {"CAST(NULL AS INT)", "null"}};
    StringBuilder sql = new StringBuilder("SELECT ");
    StringBuilder expected = new StringBuilder("[");
    for (int i = 0; i < table.length; i++) {
      sql.append(i == 0 ? "" : ", ").append(table[i][0]).append(" AS c").append(i);
      expected.append(i == 0 ? "" : ",").append(table[i][1]);
    }
    HttpResponse<Buffer> r = ok(new JsonObject().put("sql", sql.toString()));
    String text = r.bodyAsString();
    // The row as the relay wrote it, byte for byte: numbers with every digit, no exponents.
    String rows = text.substring(text.indexOf("\"rows\":[") + 8);
    assertThat(rows).startsWith(expected + "]");
    JsonArray columns = r.bodyAsJsonObject().getJsonArray("columns");
    assertThat(columns.getJsonObject(24).getString("type")).isEqualTo("UNIQUEIDENTIFIER");
    assertThat(columns.getJsonObject(4).getString("type")).isEqualTo("BIGINT");
    assertThat(columns.getJsonObject(5).getString("type")).isEqualTo("DECIMAL");
  }

  @Test
  void newIdIsAGuidInCanonicalText() {
    JsonArray row = ok(new JsonObject().put("sql", "SELECT NEWID() AS id")).bodyAsJsonObject().getJsonArray("rows").getJsonArray(0);
    assertThat(row.getString(0)).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  /**
   * A 30-digit integer and 0.1 reach the database exactly: as doubles they would come back as
   * 123456789012345677877719597056 and 0.10000000000000000555.
   */
  @Test
  void parametersBindExactly() {
    HttpResponse<Buffer> r = ok(new JsonObject()
        .put("sql", "SELECT CAST(? AS DECIMAL(38,0)) AS big, CAST(? AS DECIMAL(38,20)) AS tenth, ? AS text, ? AS whole, ? AS yes")
        .put("params", new JsonArray().add(new BigInteger("123456789012345678901234567890")).add(new BigDecimal("0.1"))
            .add("00123").add(9_007_199_254_740_993L).add(true)));
    String text = r.bodyAsString();
    assertThat(text).contains("[123456789012345678901234567890,0.10000000000000000000,\"00123\",9007199254740993,true]");
  }

  /** The JSON form of a datetimeoffset, sent back as a parameter, is the same instant at the same offset. */
  @Test
  void dateTimeOffsetRoundTrips() {
    String first = ok(new JsonObject().put("sql", "SELECT CAST('2024-05-01 10:30:15.5 +10:00' AS DATETIMEOFFSET) AS d"))
        .bodyAsJsonObject().getJsonArray("rows").getJsonArray(0).getString(0);
    assertThat(first).isEqualTo("2024-05-01T10:30:15.500+10:00");
    JsonArray again = ok(new JsonObject().put("sql", "SELECT CAST(? AS DATETIMEOFFSET) AS d")
        .put("params", new JsonArray().add(first))).bodyAsJsonObject().getJsonArray("rows").getJsonArray(0);
    assertThat(again.getString(0)).isEqualTo(first);
  }

  @Test
  void placeholderAndParameterCountsMustMatch() {
    Object[][] cases = {
        {"SELECT ? AS a, ? AS b", new JsonArray().add(1), "the statement has 2 ? placeholders but 'params' has 1 value"},
        {"SELECT ? AS a", new JsonArray().add(1).add(2), "the statement has 1 ? placeholder but 'params' has 2 values"},
        // a ? in a string, a bracketed name or a comment is no placeholder
        {"SELECT '?' AS [q?] -- ?\n /* ? */", new JsonArray().add(1), "the statement has 0 ? placeholders but 'params' has 1 value"}};
    for (Object[] c : cases) {
      HttpResponse<Buffer> r = query(new JsonObject().put("sql", c[0]).put("params", c[1]));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo("invalid_request");
      assertThat(r.bodyAsJsonObject().getString("detail")).startsWith((String) c[2]);
    }
    ok(new JsonObject().put("sql", "SELECT '?' AS q, ? AS p -- ?").put("params", new JsonArray().add(1)));
  }

  @Test
  void limitsOutOfRangeSayTheRange() {
    for (String field : new String[] {"maxRows", "timeoutMs", "queueTimeoutMs"}) {
      HttpResponse<Buffer> r = query(new JsonObject().put("sql", "SELECT 1").put(field, 1099511627776L));
      assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getString("detail")).contains("'" + field + "' is out of range")
          .contains("to 2147483647").doesNotContain("must be a whole number");
    }
    HttpResponse<Buffer> fraction = query(new JsonObject().put("sql", "SELECT 1").put("maxRows", new BigDecimal("2.5")));
    assertThat(fraction.bodyAsJsonObject().getString("detail")).contains("must be a whole number from 1 to 2147483647");
    JsonArray many = new JsonArray();
    for (int i = 0; i < 2_001; i++) {
      many.add(i);
    }
    HttpResponse<Buffer> r = query(new JsonObject().put("sql", "SELECT 1").put("params", many));
    assertThat(r.statusCode()).isEqualTo(400);
    assertThat(r.bodyAsJsonObject().getString("detail")).contains("2001 values").contains("the limit is 2000");
  }

  /** Every limit of a query request is named in the error that enforces it (docs/values.md, "Limits of a query body"). */
  @Test
  void everyLimitIsNamedInItsError() {
    String longSql = "SELECT 1 -- " + "x".repeat(70_000);
    assertInvalid(query(new JsonObject().put("sql", longSql)), 400, "invalid_request",
        "'sql' has " + longSql.length() + " characters; the limit is 65536");
    assertInvalid(query(new JsonObject().put("sql", "SELECT 1").put("idempotencyKey", "k".repeat(201))), 400,
        "invalid_request", "'idempotencyKey' must be a string of 1 to 200 characters");
    assertInvalid(query(new JsonObject().put("sql", "SELECT 1").put("catalogue", "c".repeat(129))), 400,
        "invalid_request", "'catalogue' must be a string of 1 to 128 characters");
    assertInvalid(query(new JsonObject().put("sql", "SELECT 1 -- " + "x".repeat(300 * 1024))), 413,
        "payload_too_large", "the request body is over the limit of 262144 bytes");
    // The same catalogue answer as schema discovery: the agent serves no such database.
    assertInvalid(query(new JsonObject().put("sql", "SELECT 1").put("catalogue", "NoSuchDatabase")), 404,
        "catalogue_not_found", "serves no catalogue named 'NoSuchDatabase'");
    HttpResponse<Buffer> accepted = query(new JsonObject().put("sql", "SELECT 1 AS one").put("mode", "async"));
    assertThat(accepted.statusCode()).as(accepted.bodyAsString()).isEqualTo(202);
    String id = accepted.bodyAsJsonObject().getString("queryId");
    for (String paging : new String[] {"offset=-1", "limit=0", "limit=10001"}) {
      HttpResponse<Buffer> page = relay.http.get("/v1/queries/" + id + "/results?" + paging)
          .putHeader("Authorization", "Bearer " + token).send().await();
      assertInvalid(page, 400, "invalid_request", "must be a whole number from");
    }
  }

  private static void assertInvalid(HttpResponse<Buffer> r, int status, String code, String detail) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.bodyAsJsonObject().getString("code")).isEqualTo(code);
    assertThat(r.bodyAsJsonObject().getString("detail")).contains(detail);
  }
}
