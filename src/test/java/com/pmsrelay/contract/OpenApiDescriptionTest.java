package com.pmsrelay.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI description itself: valid OpenAPI 3.1 (vertx-openapi loads it, checking it against
 * the 3.1 schema), describing every route the API's router has and no route it lacks, every
 * problem code it names one the code has, at that code's status; and served as it is, without a
 * token, at {@code /v1/openapi.json}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenApiDescriptionTest {
  /**
   * Codes no integrator API call answers with: the console's, one that is never sent, and those of
   * router checks no API route declares (produces/consumes).
   */
  static final Set<String> NOT_INTEGRATOR_CODES = Set.of("invalid_login", "not_authenticated", "csrf_failed",
      "already_quarantined", "not_quarantined", "client_closed", "not_implemented", "not_acceptable");
  /** Codes any path may get from the router rather than an operation: named in the description's text. */
  static final Set<String> ROUTER_CODES = Set.of("not_found", "method_not_allowed");

  @TempDir static Path dir;
  static Vertx vertx;
  static CloudNode cloud;
  static WebClient http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    cloud = new CloudNode(vertx, CloudConfig.from(LoopbackCloud.json(dir.resolve("cloud")))).start().await();
    http = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(cloud.httpPort()));
  }

  @AfterAll
  static void stop() {
    if (cloud != null) {
      cloud.stop().await();
    }
    vertx.close().await();
  }

  @Test
  void vertxOpenapiLoadsItAsOpenApi31WithAnOperationIdForEveryOperation() {
    OpenAPIContract contract = ContractView.load(vertx, ContractView.published()).await();
    assertThat(contract.getVersion()).isEqualTo(OpenAPIVersion.V3_1);
    assertThat(contract.operations()).hasSize(described().size());
    assertThat(contract.findOperation("/v1/practices/3f1c1a52-0000-4000-8000-000000000001/queries",
        io.vertx.core.http.HttpMethod.POST).getOperationId()).isEqualTo("submitQuery");
  }

  @Test
  void aDocumentThatIsNotOpenApi31IsRefused() {
    // The check above could pass by accepting anything: a path item with a misspelt operation is refused.
    JsonObject broken = ContractView.published();
    broken.getJsonObject("paths").getJsonObject("/health").put("get", new JsonObject().put("responses", "none"));
    assertThat(ContractView.load(vertx, broken).transform(r -> io.vertx.core.Future.succeededFuture(r.failed())).await())
        .as("refused").isTrue();
  }

  @Test
  void everyRouteOfTheApiIsDescribedAndEveryDescribedOperationIsRouted() {
    Set<String> routed = new TreeSet<>(cloud.httpApi().apiRoutes());
    Set<String> described = described();
    assertThat(routed).as("the router's API routes").contains("POST /v1/token", "GET /v1/openapi.json", "GET /health");
    assertThat(described).as("every route the router has is described in " + ContractView.RESOURCE)
        .containsAll(routed);
    Set<String> notRouted = new TreeSet<>(described);
    notRouted.removeAll(routed);
    assertThat(notRouted).as("described, but no route answers it").isEmpty();
  }

  @Test
  void everyProblemCodeDescribedIsOneTheRelaySendsAtItsStatusAndEveryIntegratorCodeIsDescribed() {
    TreeMap<String, Set<Integer>> described = new TreeMap<>();
    JsonObject doc = ContractView.published();
    collectProblemCodes(doc, null, described);
    assertThat(described).isNotEmpty();
    described.forEach((code, statuses) -> {
      ErrorCode known = ErrorCode.fromCode(code);
      assertThat(known.code()).as("described code %s is one ErrorCode has", code).isEqualTo(code);
      assertThat(statuses).as("statuses described for %s", code).containsOnly(known.status());
    });
    Set<String> expected = new TreeSet<>();
    for (ErrorCode c : ErrorCode.values()) {
      expected.add(c.code());
    }
    expected.removeAll(NOT_INTEGRATOR_CODES);
    expected.removeAll(ROUTER_CODES);
    assertThat(described.keySet()).as("every code an integrator can get is described").containsAll(expected);
    String info = doc.getJsonObject("info").getString("description");
    for (String code : ROUTER_CODES) {
      assertThat(info).as("router codes are named in the description's text").contains("`" + code + "`");
    }
  }

  @Test
  void theDescriptionIsServedWithoutATokenAsItIsAndRevalidatedByItsEtag() {
    HttpResponse<Buffer> r = http.get("/v1/openapi.json").send().await();
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(r.getHeader("Cache-Control")).isEqualTo("no-cache");
    assertThat(r.bodyAsJsonObject()).isEqualTo(ContractView.published());
    String etag = r.getHeader("ETag");
    assertThat(etag).matches("\"[0-9a-f]{32}\"");
    HttpResponse<Buffer> again = http.get("/v1/openapi.json").putHeader("If-None-Match", etag).send().await();
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isNull();
    assertThat(http.get("/v1/openapi.json").putHeader("If-None-Match", "\"other\"").send().await().statusCode()).isEqualTo(200);
    // Everything else under /v1 still wants a token.
    assertThat(http.get("/v1/practices").send().await().statusCode()).isEqualTo(401);
  }

  /** "METHOD /path" for every operation of the published description. */
  static Set<String> described() {
    Set<String> out = new TreeSet<>();
    JsonObject paths = ContractView.published().getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
          out.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path);
        }
      }
    }
    return out;
  }

  /** Every problem response's code enum and status const, wherever it is in the document. */
  private static void collectProblemCodes(Object node, String key, TreeMap<String, Set<Integer>> out) {
    if (node instanceof JsonObject o) {
      if ("application/problem+json".equals(key)) {
        JsonArray allOf = o.getJsonObject("schema").getJsonArray("allOf");
        JsonObject props = allOf.getJsonObject(1).getJsonObject("properties");
        int status = props.getJsonObject("status").getInteger("const");
        for (Object code : props.getJsonObject("code").getJsonArray("enum")) {
          out.computeIfAbsent((String) code, c -> new TreeSet<>()).add(status);
        }
        return;
      }
      for (String k : o.fieldNames()) {
        collectProblemCodes(o.getValue(k), k, out);
      }
    } else if (node instanceof JsonArray a) {
      a.forEach(v -> collectProblemCodes(v, null, out));
    }
  }
}
