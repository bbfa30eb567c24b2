package com.pmsrelay.cloud.http;

import com.pmsrelay.cloud.LoopbackCloud;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The API's edge against clients that hold connections without asking anything (idle, slow
 * headers, many sockets from one address), requests its codec cannot read, caches, and plain HTTP:
 * a real cloud node on loopback, and clients that write the bytes themselves.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ApiEdgeTest {
  @TempDir Path dir;
  /** The node of a test that needs its own settings. */
  Vertx vertx;
  CloudNode cloud;
  /** One node at the shipped settings, shared by the tests that need no others (a start takes seconds). */
  static Vertx sharedVertx;
  static CloudNode shared;
  @TempDir static Path sharedDir;

  @AfterEach
  void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  @AfterAll
  static void stopShared() {
    if (sharedVertx != null) {
      sharedVertx.close().await();
    }
  }

  /** A node on loopback with the shipped defaults, its {@code http} section changed by {@code http}. */
  private int start(JsonObject http) {
    vertx = Vertx.vertx();
    cloud = new CloudNode(vertx, config(dir, http)).start().await();
    return cloud.httpPort();
  }

  /** The shared node at the shipped settings, started by the first test that asks. */
  private static synchronized int defaults() {
    if (shared == null) {
      sharedVertx = Vertx.vertx();
      shared = new CloudNode(sharedVertx, config(sharedDir, new JsonObject())).start().await();
    }
    return shared.httpPort();
  }

  private static CloudConfig config(Path dir, JsonObject http) {
    JsonObject json = LoopbackCloud.json(dir.resolve("cloud"));
    // Both edges at their shipped instance count (one per processor) unless a test says otherwise.
    json.getJsonObject("http").putNull("instances").mergeIn(http, true);
    json.getJsonObject("bridge").putNull("instances");
    return CloudConfig.from(json);
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeoutAndNotBefore() throws Exception {
    int port = start(new JsonObject().put("idleTimeoutMs", 2_000).put("headerTimeoutMs", 600));
    try (RawHttp client = RawHttp.connect(port)) {
      assertThat(client.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      Thread.sleep(1_200); // twice the header time-out, between two requests
      assertThat(client.send(RawHttp.get("/health")).read(5_000).status())
          .as("kept alive past the header time-out: between requests the idle one applies").isEqualTo(200);
      long answered = System.nanoTime();
      String sent = client.awaitClosed(6_000);
      long idleMs = (System.nanoTime() - answered) / 1_000_000;
      assertThat(sent).as("closed without another word").isEqualTo("");
      assertThat(idleMs).isBetween(1_900L, 4_500L);
    }
  }

  /** The attacker, at the shipped settings (10 s for a head): a header byte every 5 s. */
  @Test
  void aSlowHeaderClientIsCutOffWithinTheHeaderTimeoutWhileANormalClientIsServed() throws Exception {
    int port = defaults();
    AtomicBoolean attacking = new AtomicBoolean(true);
    AtomicInteger served = new AtomicInteger();
    List<Integer> statuses = new ArrayList<>();
    try (RawHttp slow = RawHttp.connect(port); RawHttp normal = RawHttp.connect(port)) {
      slow.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      CompletableFuture<Void> trickle = inThread(() -> {
        try {
          while (attacking.get()) {
            Thread.sleep(5_000);
            slow.send("X");
          }
        } catch (IOException | InterruptedException e) {
          // cut off: what the test waits for
        }
      });
      // Meanwhile another client, on a kept-alive connection and on new ones, is answered as usual.
      CompletableFuture<Void> traffic = inThread(() -> {
        try {
          while (attacking.get()) {
            statuses.add(normal.send(RawHttp.get("/health")).read(5_000).status());
            try (RawHttp fresh = RawHttp.connect(port)) {
              statuses.add(fresh.send(RawHttp.get("/health")).read(5_000).status());
            }
            served.incrementAndGet();
            Thread.sleep(500);
          }
        } catch (IOException | InterruptedException e) {
          throw new IllegalStateException(e);
        }
      });
      String sent = slow.awaitClosed(20_000);
      long cutAfterMs = slow.ageMs();
      attacking.set(false);
      trickle.get(10, TimeUnit.SECONDS);
      traffic.get(10, TimeUnit.SECONDS);
      assertThat(sent).as("cut off, without an answer").isEqualTo("");
      assertThat(cutAfterMs).as("within the header time-out (10 s), although a byte came every 5 s")
          .isBetween(9_500L, 12_500L);
      assertThat(served.get()).isGreaterThanOrEqualTo(10);
      assertThat(statuses).containsOnly(200);
    }
  }

  @Test
  void aNextRequestTrickledOnAKeptAliveConnectionIsCutOffAtTheHeaderTimeoutNotTheIdleOne() throws Exception {
    int port = start(new JsonObject().put("idleTimeoutMs", 8_000).put("headerTimeoutMs", 1_000));
    try (RawHttp client = RawHttp.connect(port)) {
      assertThat(client.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      Thread.sleep(300);
      long firstByte = System.nanoTime();
      CompletableFuture<Void> trickle = inThread(() -> {
        try {
          for (char c : RawHttp.get("/health").toCharArray()) {
            client.send(String.valueOf(c));
            Thread.sleep(250);
          }
        } catch (IOException | InterruptedException e) {
          // cut off
        }
      });
      String sent = client.awaitClosed(10_000);
      long cutAfterMs = (System.nanoTime() - firstByte) / 1_000_000;
      trickle.get(10, TimeUnit.SECONDS);
      assertThat(sent).isEqualTo("");
      assertThat(cutAfterMs).as("the header time-out from the first byte, long before the idle one")
          .isBetween(900L, 3_000L);
    }
  }

  @Test
  void oneAddressHoldsAtMostTheCapOverEveryInstanceAndAFreedConnectionLetsANewOneIn() throws Exception {
    int port = start(new JsonObject().put("maxConnectionsPerAddress", 3).put("instances", 2));
    ListAppender<ILoggingEvent> logged = new ListAppender<>();
    logged.start();
    ch.qos.logback.classic.Logger capLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ConnectionCap.class);
    capLog.addAppender(logged);
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 3; i++) {
        RawHttp client = RawHttp.connect(port);
        held.add(client);
        assertThat(client.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      }
      for (int attempt = 0; attempt < 3; attempt++) {
        try (RawHttp over = RawHttp.connect(port)) {
          long start = System.nanoTime();
          try {
            over.send(RawHttp.get("/health"));
          } catch (IOException e) {
            // already closed
          }
          assertThat(over.awaitClosed(3_000)).as("the 4th connection is closed at once, unanswered").isEqualTo("");
          assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500L);
        }
      }
      for (RawHttp client : held) {
        assertThat(client.send(RawHttp.get("/health")).read(5_000).status()).as("the others go on").isEqualTo(200);
      }
      held.remove(0).close();
      // The node sees the close a moment later: a new connection gets in then.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      RawHttp admitted = null;
      while (admitted == null && System.nanoTime() < deadline) {
        RawHttp candidate = RawHttp.connect(port);
        try {
          assertThat(candidate.send(RawHttp.get("/health")).read(2_000).status()).isEqualTo(200);
          admitted = candidate;
        } catch (IOException e) {
          candidate.close();
          Thread.sleep(50);
        }
      }
      assertThat(admitted).as("a freed connection lets a new one in").isNotNull();
      held.add(admitted);
      assertThat(logged.list).as("three refusals, one line").hasSize(1);
      assertThat(logged.list.get(0).getLevel()).isEqualTo(Level.WARN);
      assertThat(logged.list.get(0).getFormattedMessage()).contains("127.0.0.1").contains("http.maxConnectionsPerAddress");
    } finally {
      capLog.detachAppender(logged);
      for (RawHttp client : held) {
        client.close();
      }
    }
  }

  @Test
  void whatTheCodecCannotReadIsAnsweredAsAProblemAndTheConnectionClosed() throws Exception {
    int port = defaults();
    assertCodecProblem(port, "GET /v1/practices?q=" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
        414, "uri_too_long");
    assertCodecProblem(port, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "b".repeat(9_000) + "\r\n\r\n",
        431, "headers_too_large");
    assertCodecProblem(port, "GET /health\r\n\r\n", 400, "invalid_request");
    assertCodecProblem(port, "GET /health HTTP/1.1\r\nHost : 127.0.0.1\r\n\r\n", 400, "invalid_request");
  }

  private static void assertCodecProblem(int port, String request, int status, String code) throws IOException {
    try (RawHttp client = RawHttp.connect(port)) {
      RawHttp.Answer answer = client.send(request).read(5_000);
      assertProblem(answer, status, code);
      assertThat(client.awaitClosed(5_000)).as("closed after the answer").isNotNull();
    }
  }

  private static void assertProblem(RawHttp.Answer answer, int status, String code) {
    assertThat(answer.status()).isEqualTo(status);
    assertThat(answer.header("Content-Type")).isEqualTo("application/problem+json");
    assertThat(answer.header("Cache-Control")).isEqualTo("no-store");
    JsonObject problem = new JsonObject(answer.body());
    assertThat(problem.getString("code")).isEqualTo(code);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("type")).endsWith("/problems/" + code);
    assertThat(problem.getString("detail")).isNotBlank();
  }

  /**
   * A form body with a query string that cannot be decoded: Vert.x's form decoder fails at the end
   * of the body and nothing answers (ApiFuzzIT, seed 59541718770898, hung 30 s). The edge refuses
   * the target first, on every method, with or without a token.
   */
  @Test
  void aMalformedEscapeInTheQueryIsAProblemOnEveryMethod() throws Exception {
    int port = defaults();
    for (String method : List.of("POST", "PATCH", "PUT", "DELETE", "GET")) {
      for (String target : List.of("/v1/practices?%FF=%u0041", "/v1/token?x=%zz", "/v1/practices?%", "/console/api/session?a=%4")) {
        try (RawHttp client = RawHttp.connect(port)) {
          String body = "grant_type=client_credentials";
          RawHttp.Answer answer = client.send(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
              + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
              .read(5_000);
          assertProblem(answer, 400, "invalid_request");
        }
      }
    }
  }

  @Test
  void aBodyOverTheLimitIsAProblemToo() throws Exception {
    int port = defaults();
    byte[] body = new byte[300 * 1024];
    java.util.Arrays.fill(body, (byte) 'a');
    try (RawHttp client = RawHttp.connect(port)) {
      client.send("POST /v1/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
          + "Content-Length: " + body.length + "\r\n\r\n");
      CompletableFuture<Void> writing = inThread(() -> {
        try {
          client.send(body);
        } catch (IOException e) {
          // the server may stop reading once it has answered
        }
      });
      assertProblem(client.read(5_000), 413, "payload_too_large");
      writing.get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void everyApiAnswerSaysNoStoreAndConsoleFilesKeepTheirCaching() throws Exception {
    int port = defaults();
    IntegratorStore.Created integrator = shared.integrators().create("Edge Bookings", null).await();
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    String base = "http://127.0.0.1:" + port;
    HttpResponse<String> token = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/token"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id=" + integrator.clientId()
            + "&client_secret=" + integrator.clientSecret())).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(token.statusCode()).isEqualTo(200);
    assertThat(token.headers().allValues("Cache-Control")).containsExactly("no-store");
    String bearer = "Bearer " + new JsonObject(token.body()).getString("access_token");

    record Call(String path, String authorization, int status) {}
    for (Call call : List.of(new Call("/v1/practices", bearer, 200), new Call("/v1/practices", null, 401),
        new Call("/v1/practices/00000000-0000-0000-0000-000000000000", bearer, 404), new Call("/health", null, 200),
        new Call("/.well-known/jwks.json", null, 200), new Call("/console/api/session", null, 401),
        new Call("/no/such/thing", null, 404))) {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call.path())).GET();
      if (call.authorization() != null) {
        request.header("Authorization", call.authorization());
      }
      HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).as(call.path()).isEqualTo(call.status());
      assertThat(answer.headers().allValues("Cache-Control")).as(call.path()).containsExactly("no-store");
      assertThat(answer.headers().firstValue("Strict-Transport-Security")).as("no HSTS over plain HTTP").isEmpty();
    }
    HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/console/")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().allValues("Cache-Control")).containsExactly("no-cache");
  }

  @Test
  void withCertificatesTheApiSpeaksTlsOnlyWithHsts() throws Exception {
    SelfSignedCertificate pair = SelfSignedCertificate.create("localhost");
    int port = start(new JsonObject().put("tls", new JsonObject()
        .put("certPath", pair.certificatePath()).put("keyPath", pair.privateKeyPath())));
    SSLContext trusting = trusting(Path.of(pair.certificatePath()));
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).sslContext(trusting)
        .connectTimeout(Duration.ofSeconds(5)).build();
    for (String path : List.of("/health", "/no/such/thing")) {
      HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
          .GET().build(), HttpResponse.BodyHandlers.ofString());
      assertThat(answer.statusCode()).isEqualTo(path.equals("/health") ? 200 : 404);
      assertThat(answer.headers().allValues("Strict-Transport-Security")).as(path).containsExactly(EdgeHeaders.HSTS);
      assertThat(answer.headers().allValues("Cache-Control")).as(path).containsExactly("no-store");
    }
    // The codec's own answers carry HSTS too.
    try (SSLSocket socket = (SSLSocket) trusting.getSocketFactory().createSocket("127.0.0.1", port)) {
      RawHttp client = new RawHttp(socket);
      RawHttp.Answer answer = client.send("GET /" + "a".repeat(5_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n").read(5_000);
      assertProblem(answer, 414, "uri_too_long");
      assertThat(answer.header("Strict-Transport-Security")).isEqualTo(EdgeHeaders.HSTS);
    }

    HttpClient untrusting = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
        .GET().build(), HttpResponse.BodyHandlers.ofString())).as("a client that does not trust the certificate")
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString()))
        .as("plain HTTP to the TLS port").isInstanceOf(IOException.class);
    try (RawHttp plain = RawHttp.connect(port)) {
      String sent = plain.send(RawHttp.get("/health")).awaitClosed(10_000);
      assertThat(sent).as("closed").isNotNull();
      assertThat(sent).as("never answered in plain HTTP").doesNotContain("HTTP/1.1").doesNotContain("UP");
    }
  }

  interface Blocking {
    void run() throws Exception;
  }

  /**
   * Runs {@code work} on a thread of its own (the common pool has one thread on two cores, and
   * these clients block), completing with its outcome.
   */
  static CompletableFuture<Void> inThread(Blocking work) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    Thread thread = new Thread(() -> {
      try {
        work.run();
        done.complete(null);
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "edge-test-client");
    thread.setDaemon(true);
    thread.start();
    return done;
  }

  /** An SSL context that trusts exactly the certificate in {@code pem}: an integrator's client given our CA. */
  static SSLContext trusting(Path pem) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      trust.setCertificateEntry("api", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
