import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * pms-relay quick start for Java 17+: java.net.http and Jackson (com.fasterxml.jackson.core:jackson-databind).
 *
 * <p>Run: {@code java -cp jackson-databind.jar:jackson-core.jar:jackson-annotations.jar Quickstart.java}
 * with PMSRELAY_URL, PMSRELAY_CLIENT_ID and PMSRELAY_CLIENT_SECRET set (see docs/integrators.md).
 */
public class Quickstart {
  // decimal and money columns come with every digit: keep them exact (BigDecimal, not double)
  static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  static final int MAX_ATTEMPTS = 5;

  final String baseUrl = System.getenv().getOrDefault("PMSRELAY_URL", "http://127.0.0.1:8080");
  final String clientId = required("PMSRELAY_CLIENT_ID");
  final String clientSecret = required("PMSRELAY_CLIENT_SECRET");
  String token;
  Instant tokenExpires = Instant.EPOCH;

  public static void main(String[] args) throws Exception {
    new Quickstart().run();
  }

  void run() throws Exception {
    // 1. The practices that granted this integrator access; take the first enabled one.
    JsonNode practice = null;
    for (JsonNode p : call("GET", "/v1/practices", null, "application/json").json().get("practices")) {
      if (p.at("/grant/status").asText().equals("enabled")) {
        practice = p;
        break;
      }
    }
    if (practice == null) {
      throw new IllegalStateException("no practice has enabled this integrator yet");
    }
    String id = practice.get("practiceId").asText();
    System.out.println("practice: " + practice.get("name").asText() + " (agent " + practice.at("/agent/status").asText() + ")");

    // 2. Schema discovery: the tables and views this grant may read.
    JsonNode schema = call("GET", "/v1/practices/" + id + "/schema", null, "application/json").json();
    System.out.println("schema: " + schema.get("catalogue").asText() + ", " + schema.get("tables").size() + " tables and views");

    // 3. An immediate query with a parameter (bound by the database, never pasted into the SQL).
    ObjectNode query = JSON.createObjectNode()
        .put("sql", "SELECT TOP 5 PatientId, FirstName, Surname FROM dbo.Patients WHERE Surname LIKE ? ORDER BY PatientId")
        .put("idempotencyKey", UUID.randomUUID().toString()); // a retry never runs it twice
    query.putArray("params").add("N%");
    JsonNode answer = call("POST", "/v1/practices/" + id + "/queries", query, "application/json").json();
    System.out.println("query: " + answer.get("rowCount").asInt() + " rows, first " + JSON.writeValueAsString(answer.get("rows").get(0)));

    // 4. A larger result as a stream of NDJSON lines: columns, one array per row, then the end line.
    ObjectNode stream = JSON.createObjectNode()
        .put("sql", "SELECT PatientId, Surname, DOB FROM dbo.Patients ORDER BY PatientId")
        .put("idempotencyKey", UUID.randomUUID().toString());
    Reply streamed = call("POST", "/v1/practices/" + id + "/queries", stream, "application/x-ndjson");
    long rows = 0;
    JsonNode end = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(streamed.body, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode item = JSON.readTree(line);
        if (item.isArray()) {
          rows++; // a row: handle it here, without holding the whole result
        } else if (item.has("error")) {
          throw new IllegalStateException("the stream failed: " + item.get("error"));
        } else if (item.has("end")) {
          end = item;
        }
      }
    }
    if (end == null) { // a stream without its end line is incomplete: treat it as failed
      throw new IllegalStateException("the stream was cut after " + rows + " rows");
    }
    System.out.println("stream: " + rows + " rows, complete (truncated: " + end.get("truncated").asBoolean() + ")");

    // 5. An async query: 202 with Location, poll its status, then read the result page by page.
    ObjectNode async = JSON.createObjectNode()
        .put("sql", "SELECT AppointmentId, PatientId, StartsAt FROM dbo.Appointments WHERE Status = ? ORDER BY AppointmentId")
        .put("mode", "async")
        .put("idempotencyKey", UUID.randomUUID().toString());
    async.putArray("params").add("Booked");
    Reply accepted = call("POST", "/v1/practices/" + id + "/queries", async, "application/json");
    String location = accepted.response.headers().firstValue("Location").orElseThrow();
    JsonNode status = accepted.json();
    Instant giveUp = Instant.now().plus(Duration.ofMinutes(10));
    while (!List.of("succeeded", "failed", "cancelled", "expired").contains(status.get("status").asText())) {
      if (Instant.now().isAfter(giveUp)) {
        throw new IllegalStateException("the async query is still " + status.get("status").asText() + " at " + location);
      }
      Thread.sleep(500);
      status = call("GET", location, null, "application/json").json();
    }
    if (!status.get("status").asText().equals("succeeded")) {
      throw new IllegalStateException("the async query ended " + status);
    }
    long pageRows = 0;
    int pages = 0;
    for (JsonNode offset = JSON.getNodeFactory().numberNode(0); !offset.isNull(); pages++) {
      JsonNode page = call("GET", location + "/results?offset=" + offset.asLong() + "&limit=500", null, "application/json").json();
      pageRows += page.get("rows").size();
      offset = page.get("nextOffset");
    }
    System.out.println("async: " + pageRows + " rows in " + pages + " pages");
  }

  /** One API call: a fresh token when needed, and retries on 429 and 503 after their Retry-After. */
  Reply call(String method, String path, JsonNode body, String accept) throws IOException, InterruptedException {
    for (int attempt = 1; ; attempt++) {
      if (token == null || Instant.now().isAfter(tokenExpires.minusSeconds(60))) {
        fetchToken();
      }
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + path))
          .timeout(Duration.ofSeconds(120))
          .header("Authorization", "Bearer " + token)
          .header("Accept", accept);
      if (body == null) {
        request.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        request.header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
      }
      HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      int status = response.statusCode();
      if (status < 300) {
        return new Reply(response, response.body());
      }
      JsonNode problem = JSON.readTree(response.body().readAllBytes());
      String code = problem.path("code").asText();
      if (attempt < MAX_ATTEMPTS && status == 401 && code.equals("invalid_token")) {
        token = null; // expired or revoked: get a new one and try again
        continue;
      }
      if (attempt < MAX_ATTEMPTS && (status == 429 || status == 503)) {
        long seconds = Math.min(60, response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L));
        System.err.println("retrying " + method + " " + path + " after " + status + " " + code + " in " + seconds + " s");
        Thread.sleep(seconds * 1000);
        continue;
      }
      throw new IllegalStateException(method + " " + path + " failed: " + status + " " + code + ": " + problem.path("detail").asText());
    }
  }

  /** OAuth 2.0 client credentials; a token lasts expires_in seconds (15 minutes by default). */
  void fetchToken() throws IOException, InterruptedException {
    String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(clientId, StandardCharsets.UTF_8)
        + "&client_secret=" + URLEncoder.encode(clientSecret, StandardCharsets.UTF_8);
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/token"))
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/x-www-form-urlencoded")
          .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = JSON.readTree(response.body());
      if (response.statusCode() == 200) {
        token = json.get("access_token").asText();
        tokenExpires = Instant.now().plusSeconds(json.get("expires_in").asLong());
        return;
      }
      if (attempt < MAX_ATTEMPTS && (response.statusCode() == 429 || response.statusCode() == 503)) {
        Thread.sleep(1000 * Math.min(60, response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L)));
        continue;
      }
      // OAuth's error (invalid_client, ...) and its description, never the secret
      throw new IllegalStateException("token refused: " + json.path("error").asText() + ": " + json.path("error_description").asText());
    }
  }

  record Reply(HttpResponse<InputStream> response, InputStream body) {
    JsonNode json() throws IOException {
      try (InputStream in = body) {
        return JSON.readTree(in);
      }
    }
  }

  static String required(String name) {
    String value = System.getenv(name);
    if (value == null || value.isBlank()) {
      System.err.println("set " + name + " (see docs/integrators.md)");
      System.exit(2);
    }
    return value;
  }
}
