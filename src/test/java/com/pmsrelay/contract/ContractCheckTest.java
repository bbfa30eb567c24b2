package com.pmsrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The contract check can fail: answers and requests that drift from the description, each made by
 * hand as {@link ApiExchanges} records them, are caught; the same exchanges as described pass.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ContractCheckTest {
  static final String PRACTICE = "3f1c1a52-0000-4000-8000-000000000001";
  static final String QUERY = "7d2e0b11-0000-4000-8000-000000000002";
  static Vertx vertx;
  static ContractCheck checker;

  @BeforeAll
  static void load() {
    vertx = Vertx.vertx();
    checker = ContractCheck.ofPublished(vertx);
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  @Test
  void describedExchangesPass() {
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/json", result()))).isEmpty();
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/x-ndjson",
        "{\"columns\":[{\"name\":\"N\",\"type\":\"INTEGER\"}]}\n[1]\n[2]\n{\"end\":true,\"rowCount\":2,\"truncated\":false}\n")))
        .isEmpty();
    JsonObject accepted = query(new JsonObject().put("sql", "SELECT 1").put("mode", "async"), 202, "application/json",
        new JsonObject().put("queryId", QUERY).put("status", "queued").encode());
    accepted.getJsonObject("response").getJsonObject("headers").put("Location", new JsonArray().add("/v1/queries/" + QUERY));
    assertThat(failures(accepted)).isEmpty();
    assertThat(failures(token("grant_type=client_credentials&client_id=a&client_secret=xxxx", 200,
        "application/json", new JsonObject().put("access_token", "masked").put("token_type", "Bearer").put("expires_in", 900).encode())))
        .isEmpty();
    assertThat(failures(query(new JsonObject().put("sql", "DROP TABLE x"), 400, "application/problem+json",
        problem("sql_rejected", 400)))).isEmpty();
  }

  @Test
  void anUndescribedFieldStatusCodeOrContentTypeInAnAnswerIsCaught() {
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/json",
        new JsonObject(result()).put("cost", 3).encode()))).singleElement().asString().contains("submitQuery");
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 418, "application/problem+json",
        problem("invalid_request", 418)))).singleElement().asString().contains("status 418 is not described");
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 400, "application/problem+json",
        problem("results_expired", 400)))).as("a code not described at that status").hasSize(1);
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "text/csv", "N\n1\n")))
        .singleElement().asString().contains("content type text/csv");
  }

  @Test
  void aMissingRequiredHeaderIsCaught() {
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1").put("mode", "async"), 202, "application/json",
        new JsonObject().put("queryId", QUERY).put("status", "queued").encode()))).as("202 without Location").hasSize(1);
    JsonObject limited = query(new JsonObject().put("sql", "SELECT 1"), 429, "application/problem+json", problem("rate_limited", 429));
    assertThat(failures(limited)).as("429 without Retry-After").hasSize(1);
  }

  @Test
  void anNdjsonStreamOutOfOrderOrWithoutItsEndLineIsCaught() {
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/x-ndjson",
        "{\"columns\":[{\"name\":\"N\",\"type\":\"INTEGER\"}]}\n[1]\n"))).singleElement().asString().contains("end line");
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/x-ndjson",
        "[1]\n{\"end\":true,\"rowCount\":1,\"truncated\":false}\n"))).hasSize(1);
    assertThat(failures(query(new JsonObject().put("sql", "SELECT 1"), 200, "application/x-ndjson",
        "{\"columns\":[]}\n{\"row\":1}\n{\"end\":true,\"rowCount\":1,\"truncated\":false}\n"))).as("a line of no described shape").hasSize(1);
  }

  @Test
  void aRequestOutsideTheDescriptionMustBeRefusedWithADescribedProblem() {
    JsonObject unknownField = new JsonObject().put("sql", "SELECT 1").put("sqll", "x");
    assertThat(failures(query(unknownField, 200, "application/json", result())))
        .singleElement().asString().contains("outside the description");
    assertThat(failures(query(unknownField, 400, "application/problem+json", problem("invalid_request", 400)))).isEmpty();
    JsonObject noToken = query(new JsonObject().put("sql", "SELECT 1"), 200, "application/json", result());
    noToken.getJsonObject("request").put("headers", new JsonObject());
    assertThat(failures(noToken)).singleElement().asString().contains("no bearer token");
  }

  @Test
  void aPathNoOperationDescribesMayOnlyGetTheRoutersProblem() {
    JsonObject e = exchange("GET", "/v1/reports", null, null, 200, "application/json", "{}");
    assertThat(failures(e)).singleElement().asString().contains("no operation describes it");
    assertThat(failures(exchange("GET", "/v1/reports", null, null, 404, "application/problem+json",
        new JsonObject(problem("not_found", 404)).encode()))).isEmpty();
  }

  @Test
  void aMalformedEscapeIsARequestOutsideTheDescription() {
    assertThat(failures(exchange("GET", "/v1/queries/%zz", null, null, 404, "application/problem+json",
        problem("query_not_found", 404)))).isEmpty();
    assertThat(failures(exchange("GET", "/v1/queries/%zz", null, null, 200, "application/json", "{}")))
        .singleElement().asString().contains("malformed %-escape");
  }

  private static java.util.List<String> failures(JsonObject exchange) {
    ContractCheck.Tally tally = new ContractCheck.Tally();
    checker.check(exchange, tally);
    return tally.failures;
  }

  static JsonObject query(JsonObject body, int status, String contentType, String responseBody) {
    return exchange("POST", "/v1/practices/" + PRACTICE + "/queries", "application/json", body.encode(), status,
        contentType, responseBody);
  }

  static JsonObject token(String form, int status, String contentType, String responseBody) {
    JsonObject e = exchange("POST", "/v1/token", "application/x-www-form-urlencoded", form, status, contentType, responseBody);
    e.getJsonObject("request").put("headers", new JsonObject());
    return e;
  }

  static JsonObject exchange(String method, String path, String requestType, String requestBody, int status,
      String contentType, String responseBody) {
    return new JsonObject().put("test", "ContractCheckTest").put("method", method).put("path", path).putNull("query")
        .put("request", new JsonObject().put("headers", new JsonObject().put("Authorization", new JsonArray().add("Bearer xxxx")))
            .put("contentType", requestType).put("body", requestBody))
        .put("response", new JsonObject().put("status", status).put("headers", new JsonObject()).put("contentType", contentType)
            .put("streamed", false).put("body", responseBody).put("truncated", false));
  }

  static String result() {
    return new JsonObject().put("queryId", QUERY).put("status", "succeeded")
        .put("columns", new JsonArray().add(new JsonObject().put("name", "N").put("type", "INTEGER")))
        .put("rows", new JsonArray().add(new JsonArray().add(1))).put("rowCount", 1).put("truncated", false)
        .put("timing", new JsonObject().put("queuedMs", 0).put("executionMs", 1).put("totalMs", 2)).encode();
  }

  static String problem(String code, int status) {
    return new JsonObject().put("type", "https://pms-relay.dev/problems/" + code).put("title", "t").put("status", status)
        .put("detail", "d").put("code", code).encode();
  }
}
