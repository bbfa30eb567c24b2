package com.pmsrelay.cloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.common.protocol.Addresses;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's address behind a proxy, over real sockets from several loopback addresses: 127.0.0.1
 * is the trusted proxy ({@code http.trustedProxies}), any other 127.x address a client connecting
 * directly. Forwarded headers from an untrusted peer are ignored; from the proxy, each forwarded
 * client is throttled on its own (tokens and console logins) and is what the monitor is told; a
 * header that cannot be read falls back to the proxy's address, never a 500; the proxy's own
 * connections are not held to the per-address cap.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ForwardedClientTest {
  static final int FREE = 3;
  static final String PROXY = "127.0.0.1";
  static final String USER = "admin@harbour.example";
  static final String PASSWORD = "correct horse battery staple";

  @TempDir Path dir;
  Vertx vertx;
  CloudNode node;
  final List<WebClient> clients = new ArrayList<>();
  /** The addresses the token endpoint told the monitor of (the monitor is off: this consumer is the only one). */
  final List<String> toldMonitor = new CopyOnWriteArrayList<>();

  private void start(JsonObject http) {
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("http").put("instances", 2).put("trustedProxies", new JsonArray().add(PROXY)).mergeIn(http);
    JsonObject throttle = json.getJsonObject("throttle").put("holdMs", 0);
    throttle.getJsonObject("token").put("freeFailures", FREE).put("baseDelayMs", 5_000).put("accountMaxDelayMs", 1_000);
    throttle.getJsonObject("console").put("freeFailures", FREE).put("baseDelayMs", 5_000)
        .put("accountMaxDelayMs", 5_000);
    json.getJsonObject("monitor").put("enabled", false);
    node = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.MONITOR_TOKEN_FAILED,
        m -> toldMonitor.add(m.body().getString("address"))).completion().await();
  }

  @AfterEach
  void stop() {
    clients.forEach(WebClient::close);
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /**
   * The monitor hears of a failed token request over the event bus, after the answer went out:
   * waits (up to 5 s) for at least {@code count} such reports and for each of {@code addresses}.
   * The node's instances report from their own event loops, so not necessarily in order.
   */
  private void awaitMonitorTold(int count, String... addresses) {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline
        && (toldMonitor.size() < count || !toldMonitor.containsAll(java.util.List.of(addresses)))) {
      java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
    }
  }

  /** A client whose connections come from {@code address}. */
  private WebClient from(String address) {
    WebClient client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(node.httpPort()).setLocalAddress(address));
    clients.add(client);
    return client;
  }

  private static HttpResponse<Buffer> token(WebClient client, String header, String value, String clientId,
      String secret) {
    HttpRequest<Buffer> request = client.post("/v1/token");
    if (value != null) {
      request.putHeader(header, value);
    }
    return request.sendForm(MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials")
        .add("client_id", clientId).add("client_secret", secret)).await();
  }

  private static HttpResponse<Buffer> xff(WebClient client, String value, String clientId, String secret) {
    return token(client, "X-Forwarded-For", value, clientId, secret);
  }

  private static void assertStatus(HttpResponse<Buffer> r, int status) {
    assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(status);
    assertThat(r.getHeader("Content-Type")).isIn("application/problem+json", "application/json");
  }

  @Test
  void aForgedForwardedForFromAnUntrustedPeerIsIgnored() {
    start(new JsonObject());
    WebClient direct = from("127.0.0.2");
    for (int i = 0; i < FREE; i++) { // a new forged address each time, and a new client id
      assertStatus(xff(direct, "198.51.100." + (i + 1), "cli_guess" + i, "pmss_wrong"), 401);
    }
    HttpResponse<Buffer> throttled = xff(direct, "198.51.100.99", "cli_guess_next", "pmss_wrong");
    assertStatus(throttled, 429);
    assertThat(throttled.bodyAsJsonObject().getString("code")).isEqualTo("rate_limited");
    assertStatus(token(direct, "Forwarded", "for=198.51.100.98", "cli_guess_more", "pmss_wrong"), 429);
    assertStatus(xff(from("127.0.0.3"), null, "cli_other", "pmss_wrong"), 401);
    awaitMonitorTold(FREE + 3);
    assertThat(toldMonitor).as("the monitor is told the peer, not the forged addresses")
        .containsOnly("127.0.0.2", "127.0.0.3").hasSize(FREE + 3);
  }

  @Test
  void behindTheTrustedProxyEachForwardedClientIsThrottledOnItsOwn() throws Exception {
    start(new JsonObject());
    IntegratorStore.Created good = node.integrators().create("Good", null).await();
    WebClient proxy = from(PROXY);
    assertStatus(xff(proxy, "198.51.100.2", good.clientId(), good.clientSecret()), 200);
    for (int i = 0; i < FREE; i++) {
      assertStatus(xff(proxy, "198.51.100.1", "cli_guess" + i, "pmss_wrong"), 401);
    }
    assertStatus(xff(proxy, "198.51.100.1", "cli_guess_next", "pmss_wrong"), 429);
    assertStatus(xff(proxy, "203.0.113.9, 198.51.100.1", "cli_guess_more", "pmss_wrong"), 429);
    // The other client behind the same proxy: its own failures count, the first one's do not.
    assertStatus(xff(proxy, "198.51.100.2", "cli_typo", "pmss_wrong"), 401);
    assertStatus(xff(proxy, "198.51.100.2", good.clientId(), good.clientSecret()), 200);
    assertStatus(xff(proxy, "198.51.100.1, 198.51.100.2", good.clientId(), good.clientSecret()), 200);
    // Nor do they count against the proxy's own address (its requests without the header).
    assertStatus(xff(proxy, null, "cli_proxy_own", "pmss_wrong"), 401);
    awaitMonitorTold(7);
    assertThat(toldMonitor).containsExactlyInAnyOrder("198.51.100.1", "198.51.100.1", "198.51.100.1", "198.51.100.1",
        "198.51.100.1", "198.51.100.2", PROXY);
  }

  @Test
  void headersThatCannotBeReadFallBackToTheProxysAddressNeverA500() {
    start(new JsonObject());
    WebClient proxy = from(PROXY);
    List<String> malformed = List.of("not-an-ip", "198.51.100.5, garbage", "[2001:db8::5", "999.1.1.1", "unknown",
        "198.51.100.5:port", "x".repeat(4000), "198.51.100.5,", "\u00e9\u00e9");
    for (int i = 0; i < malformed.size(); i++) {
      HttpResponse<Buffer> r = xff(proxy, malformed.get(i), "cli_bad" + i, "pmss_wrong");
      assertThat(r.statusCode()).as(malformed.get(i)).isIn(401, 429);
      assertThat(r.getHeader("Content-Type")).isEqualTo("application/problem+json");
    }
    // Keyed by the proxy's address: its failures add up there...
    assertStatus(xff(proxy, "garbage", "cli_bad_next", "pmss_wrong"), 429);
    assertStatus(xff(proxy, null, "cli_bad_none", "pmss_wrong"), 429);
    // ...and a well-formed client behind it is not slowed by them.
    assertStatus(xff(proxy, "198.51.100.6", "cli_fine", "pmss_wrong"), 401);
    awaitMonitorTold(0, "198.51.100.6", PROXY);
    assertThat(toldMonitor).contains(PROXY).contains("198.51.100.6").doesNotContain("198.51.100.5");
  }

  @Test
  void consoleLoginsBehindTheProxyAreThrottledPerForwardedClient() {
    start(new JsonObject());
    String practice = node.practices().create("Harbour").await().practiceId();
    node.consoleUsers().create(USER, practice, PASSWORD).await();
    WebClient proxy = from(PROXY);
    assertThat(login(proxy, "198.51.100.20", PASSWORD).statusCode()).isEqualTo(200);
    for (int i = 0; i < FREE; i++) {
      assertThat(login(proxy, "198.51.100.21", "not-it-" + i).statusCode()).isEqualTo(401);
    }
    HttpResponse<Buffer> attacker = login(proxy, "198.51.100.21", PASSWORD);
    assertThat(attacker.statusCode()).as("the failing client waits, even with the right password").isEqualTo(429);
    assertThat(login(proxy, "198.51.100.20", PASSWORD).statusCode())
        .as("the admin at its usual address, behind the same proxy, is not slowed down").isEqualTo(200);
  }

  private static HttpResponse<Buffer> login(WebClient client, String forwardedFor, String password) {
    return client.post("/console/api/login").putHeader("X-Forwarded-For", forwardedFor)
        .sendJsonObject(new JsonObject().put("username", USER).put("password", password)).await();
  }

  @Test
  void withForwardedConfiguredOnlyItsForParameterCountsAndXForwardedForIsIgnored() {
    start(new JsonObject().put("forwardedHeader", "Forwarded"));
    WebClient proxy = from(PROXY);
    for (int i = 0; i < FREE; i++) {
      assertStatus(token(proxy, "Forwarded", "for=\"[2001:db8:cafe::17]:4711\";proto=https", "cli_v6_" + i,
          "pmss_wrong"), 401);
    }
    assertStatus(token(proxy, "Forwarded", "for=198.51.100.40, for=\"[2001:db8:cafe::17]\"", "cli_v6_next",
        "pmss_wrong"), 429);
    assertStatus(token(proxy, "Forwarded", "for=198.51.100.41", "cli_v4", "pmss_wrong"), 401);
    // X-Forwarded-For is not the header this proxy writes: a client's copy of it passes through, ignored.
    assertStatus(xff(proxy, "198.51.100.42", "cli_xff", "pmss_wrong"), 401);
    awaitMonitorTold(6);
    assertThat(toldMonitor).startsWith("2001:db8:cafe:0:0:0:0:17").contains("198.51.100.41", PROXY)
        .doesNotContain("198.51.100.42");
  }

  @Test
  void theTrustedProxysConnectionsAreNotHeldToThePerAddressCap() throws Exception {
    start(new JsonObject().put("maxConnectionsPerAddress", 2));
    List<RawHttp> held = new ArrayList<>();
    try {
      for (int i = 0; i < 6; i++) {
        RawHttp viaProxy = connect(PROXY);
        held.add(viaProxy);
        assertThat(viaProxy.send(RawHttp.get("/health")).read(5_000).status()).as("proxy connection " + (i + 1))
            .isEqualTo(200);
      }
      for (int i = 0; i < 2; i++) {
        RawHttp direct = connect("127.0.0.2");
        held.add(direct);
        assertThat(direct.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      }
      try (RawHttp over = connect("127.0.0.2")) {
        try {
          over.send(RawHttp.get("/health"));
        } catch (IOException e) {
          // already closed
        }
        assertThat(over.awaitClosed(3_000)).as("a direct client's third connection is closed unanswered").isEqualTo("");
      }
      for (RawHttp client : held) {
        assertThat(client.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      }
    } finally {
      for (RawHttp client : held) {
        client.close();
      }
    }
  }

  private RawHttp connect(String localAddress) throws IOException {
    Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), node.httpPort(), InetAddress.getByName(localAddress), 0);
    socket.setTcpNoDelay(true);
    return new RawHttp(socket);
  }
}
