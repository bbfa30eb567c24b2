package com.pmsrelay.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/integrators.md's quick-start programs (curl, Java, Node.js, Python) run as an integrator runs
 * them, against the real jar in demo mode. Between them and the demo sits a loopback proxy that
 * passes everything through except the faults an integrator meets in production, once each per
 * program: a 503 {@code agent_offline} on the schema, a 429 {@code rate_limited} on the first query
 * (both with {@code Retry-After: 1}), and (for the three programs that refresh their token) a 401
 * {@code invalid_token} on the first status poll. Each program must get through them and print the
 * same facts about the demo's data.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class QuickstartProgramsIT {
  static final Path EXAMPLES = Path.of("docs/examples");

  @TempDir static Path dir;
  static Process demo;
  static Vertx vertx;
  static FaultyProxy proxy;
  static String base;
  static JsonObject integrator;

  @BeforeAll
  static void startDemo() throws Exception {
    demo = new ProcessBuilder("java", "-jar", DemoJarIT.jar().toString(), "demo", "--port", "0", "--data-dir", dir.toString())
        .redirectError(dir.resolve("demo.log").toFile())
        .start();
    DemoJarIT.readCurlExample(demo);
    JsonObject credentials = new JsonObject(Files.readString(dir.resolve("credentials.json")));
    base = credentials.getString("apiBaseUrl");
    integrator = credentials.getJsonArray("integrators").getJsonObject(0);
    vertx = Vertx.vertx();
    proxy = new FaultyProxy(vertx, URI.create(base));
    proxy.start();
  }

  @AfterAll
  static void stopDemo() throws Exception {
    if (vertx != null) {
      vertx.close().await();
    }
    if (demo != null) {
      demo.destroy();
      if (!demo.waitFor(30, TimeUnit.SECONDS)) {
        demo.destroyForcibly();
      }
      com.pmsrelay.logs.TestLogs.keep("quickstart-demo", dir.resolve("demo.log"));
    }
  }

  @Test
  void curl() throws Exception {
    runs("curl", List.of("bash", EXAMPLES.resolve("curl/quickstart.sh").toString()), false, "jq", "curl");
  }

  @Test
  void java() throws Exception {
    // Jackson is on the test class path already (Flyway brings it); the program gets the same jars.
    String jackson = String.join(File.pathSeparator, jarOf(ObjectMapper.class), jarOf(com.fasterxml.jackson.core.JsonParser.class),
        jarOf(com.fasterxml.jackson.annotation.JsonProperty.class));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    runs("java", List.of(java, "-cp", jackson, EXAMPLES.resolve("java/Quickstart.java").toString()), true);
  }

  @Test
  void node() throws Exception {
    runs("node", List.of("node", EXAMPLES.resolve("node/quickstart.mjs").toString()), true, "node");
  }

  @Test
  void python() throws Exception {
    runs("python", List.of("python3", EXAMPLES.resolve("python/quickstart.py").toString()), true, "python3");
  }

  /**
   * Runs one program through a fresh set of faults: it must end with 0, print the demo's facts,
   * and have waited out each Retry-After before trying again, with the same idempotency key.
   */
  private void runs(String name, List<String> command, boolean refreshesToken, String... tools) throws Exception {
    for (String tool : tools) {
      available(tool);
    }
    FaultyProxy.Run run = proxy.newRun(refreshesToken);
    ProcessBuilder builder = new ProcessBuilder(command)
        .redirectOutput(dir.resolve(name + ".out").toFile())
        .redirectError(dir.resolve(name + ".err").toFile());
    Map<String, String> env = builder.environment();
    env.put("PMSRELAY_URL", "http://127.0.0.1:" + proxy.port());
    env.put("PMSRELAY_CLIENT_ID", integrator.getString("clientId"));
    env.put("PMSRELAY_CLIENT_SECRET", integrator.getString("clientSecret"));
    Process program = builder.start();
    boolean ended = program.waitFor(240, TimeUnit.SECONDS);
    if (!ended) {
      program.destroyForcibly();
    }
    String out = Files.readString(dir.resolve(name + ".out"));
    String err = Files.readString(dir.resolve(name + ".err"));
    assertThat(ended).as(name + " ended in time; stderr:\n" + err).isTrue();
    assertThat(program.exitValue()).as(name + " exit; stdout:\n" + out + "\nstderr:\n" + err).isZero();

    assertThat(out.lines().toList()).as(name).containsExactly(
        "practice: Harbourside Family Practice (agent online)",
        "schema: DemoPMS, 9 tables and views",
        "query: 5 rows, first " + demoFacts().firstNguyen,
        "stream: " + demoFacts().patients + " rows, complete (truncated: false)",
        "async: " + demoFacts().booked + " rows in " + (demoFacts().booked + 499) / 500 + " pages");
    assertThat(err).as(name)
        .contains("after 503 agent_offline in 1 s").contains("after 429 rate_limited in 1 s")
        .doesNotContain(integrator.getString("clientSecret"));
    run.assertRetriedAfterTheirWait();
    if (refreshesToken) {
      assertThat(run.tokens()).as(name + " fetched a new token after the 401").isEqualTo(2);
    }
  }

  private static void available(String tool) throws Exception {
    Process which = new ProcessBuilder("sh", "-c", "command -v " + tool).start();
    boolean found = which.waitFor(10, TimeUnit.SECONDS) && which.exitValue() == 0;
    if (!found && "true".equalsIgnoreCase(System.getenv("CI"))) {
      throw new AssertionError(tool + " is needed to run the quick starts; .ci/run installs it");
    }
    assumeTrue(found, tool + " is not installed here: this quick start is skipped (it runs under CI=true)");
  }

  private static String jarOf(Class<?> type) throws Exception {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
  }

  record DemoFacts(String firstNguyen, long patients, long booked) {}

  private static DemoFacts facts;

  /** What the programs must find, asked of the demo directly (the data are anchored on today). */
  private static synchronized DemoFacts demoFacts() throws Exception {
    if (facts == null) {
      java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
      String token = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
              + integrator.getString("clientId") + "&client_secret=" + integrator.getString("clientSecret")))
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getString("access_token");
      String practice = integrator.getJsonArray("enabledAt").getString(0);
      JsonObject answer = new JsonObject(http.send(HttpRequest.newBuilder(URI.create(base + "/v1/practices/" + practice + "/queries"))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("sql",
              "SELECT (SELECT TOP 1 CONCAT('[', PatientId, ',\"', FirstName, '\",\"', Surname, '\"]') FROM dbo.Patients"
                  + " WHERE Surname LIKE 'N%' ORDER BY PatientId), (SELECT COUNT(*) FROM dbo.Patients),"
                  + " (SELECT COUNT(*) FROM dbo.Appointments WHERE Status = 'Booked')").encode()))
          .build(), HttpResponse.BodyHandlers.ofString()).body());
      var row = answer.getJsonArray("rows").getJsonArray(0);
      facts = new DemoFacts(row.getString(0), row.getLong(1), row.getLong(2));
      assertThat(facts.booked).as("enough booked appointments for several pages").isGreaterThan(500);
    }
    return facts;
  }

  /**
   * A loopback HTTP proxy in front of the demo that answers some requests itself, once per run, as
   * the relay answers under load or at an agent's outage, and passes the rest through unchanged
   * (streamed answers stream).
   */
  static final class FaultyProxy {
    private final Vertx vertx;
    private final URI target;
    private final HttpClient client;
    private HttpServer server;
    private volatile Run run;

    FaultyProxy(Vertx vertx, URI target) {
      this.vertx = vertx;
      this.target = target;
      this.client = vertx.createHttpClient();
    }

    void start() {
      server = vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
    }

    int port() {
      return server.actualPort();
    }

    Run newRun(boolean invalidToken) {
      run = new Run(invalidToken);
      return run;
    }

    private void handle(HttpServerRequest request) {
      request.body().compose(body -> {
        Run current = run;
        Fault fault = current.fault(request, body);
        if (fault != null) {
          request.response().setStatusCode(fault.status)
              .putHeader("Content-Type", "application/problem+json")
              .putHeader("Retry-After", "1");
          if (fault.status == 401) {
            request.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
          }
          return request.response().end(new JsonObject().put("type", "https://pms-relay.dev/problems/" + fault.code)
              .put("title", fault.code).put("status", fault.status).put("detail", "injected by the test").put("code", fault.code)
              .encode());
        }
        RequestOptions options = new RequestOptions().setMethod(request.method()).setHost(target.getHost())
            .setPort(target.getPort()).setURI(request.uri());
        return client.request(options).compose(out -> {
          request.headers().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("host") && !k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("connection")) {
              out.headers().add(k, v);
            }
          });
          return out.send(body);
        }).compose(answer -> relay(answer, request));
      }).onFailure(e -> {
        if (!request.response().headWritten()) {
          request.response().setStatusCode(502).end(String.valueOf(e));
        }
      });
    }

    private static Future<Void> relay(HttpClientResponse answer, HttpServerRequest request) {
      var response = request.response().setStatusCode(answer.statusCode());
      answer.headers().forEach((k, v) -> {
        if (!k.equalsIgnoreCase("transfer-encoding") && !k.equalsIgnoreCase("connection")) {
          response.headers().add(k, v);
        }
      });
      if (answer.getHeader("Content-Length") == null) {
        response.setChunked(true);
      }
      return answer.pipeTo(response);
    }

    record Fault(int status, String code) {}

    /** One program's faults, and what it sent: each fault once, at the first request it fits. */
    static final class Run {
      private final boolean invalidToken;
      private final List<Seen> seen = new CopyOnWriteArrayList<>();
      private boolean schemaFaulted;
      private boolean queryFaulted;
      private boolean pollFaulted;

      Run(boolean invalidToken) {
        this.invalidToken = invalidToken;
      }

      record Seen(long atNanos, String method, String path, String idempotencyKey, int faultStatus) {}

      synchronized Fault fault(HttpServerRequest request, Buffer body) {
        String path = request.path();
        String key = null;
        if (request.method() == HttpMethod.POST && path.endsWith("/queries") && body.length() > 0) {
          key = new JsonObject(body).getString("idempotencyKey");
        }
        Fault fault = null;
        if (request.method() == HttpMethod.GET && path.endsWith("/schema") && !schemaFaulted) {
          schemaFaulted = true;
          fault = new Fault(503, "agent_offline");
        } else if (request.method() == HttpMethod.POST && path.endsWith("/queries") && !queryFaulted) {
          queryFaulted = true;
          fault = new Fault(429, "rate_limited");
        } else if (invalidToken && request.method() == HttpMethod.GET && path.matches("/v1/queries/[^/]+") && !pollFaulted) {
          pollFaulted = true;
          fault = new Fault(401, "invalid_token");
        }
        seen.add(new Seen(System.nanoTime(), request.method().name(), path, key, fault == null ? 0 : fault.status));
        return fault;
      }

      long tokens() {
        return seen.stream().filter(s -> s.path.equals("/v1/token")).count();
      }

      /** Each refused request came again, unchanged, and no sooner than its Retry-After said. */
      void assertRetriedAfterTheirWait() {
        List<Seen> all = new ArrayList<>(seen);
        for (int i = 0; i < all.size(); i++) {
          Seen refused = all.get(i);
          if (refused.faultStatus == 0 || refused.faultStatus == 401) {
            continue;
          }
          Seen again = all.subList(i + 1, all.size()).stream()
              .filter(s -> s.method.equals(refused.method) && s.path.equals(refused.path)).findFirst().orElseThrow(
                  () -> new AssertionError(refused.method + " " + refused.path + " was not tried again"));
          assertThat(TimeUnit.NANOSECONDS.toMillis(again.atNanos - refused.atNanos))
              .as("waited for Retry-After before " + refused.method + " " + refused.path).isGreaterThanOrEqualTo(950);
          assertThat(again.idempotencyKey).as("the retry carries the same idempotency key").isEqualTo(refused.idempotencyKey);
        }
        assertThat(all).as("every fault was met").filteredOn(s -> s.faultStatus != 0)
            .extracting(Seen::faultStatus).contains(503, 429);
      }
    }
  }
}
