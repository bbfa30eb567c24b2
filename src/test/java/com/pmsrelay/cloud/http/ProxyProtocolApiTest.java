package com.pmsrelay.cloud.http;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.LoopbackCloud;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.edge.ProxyHeaderRefusals;
import com.pmsrelay.cloud.edge.ProxyHeaders;
import com.pmsrelay.common.protocol.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * {@code http.proxyProtocol} behind a TCP load balancer, over real sockets that write the PROXY
 * header as HAProxy or an AWS NLB does: the header's source address is the client's for the
 * throttle, the monitor and the per-address cap; a connection without a valid header is closed
 * unanswered, and logged once at INFO without a stack.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ProxyProtocolApiTest {
  static final int FREE = 3;

  @TempDir Path dir;
  Vertx vertx;
  CloudNode node;
  final List<String> toldMonitor = new CopyOnWriteArrayList<>();
  final ListAppender<ILoggingEvent> logged = new ListAppender<>();
  final ch.qos.logback.classic.Logger refusalLog =
      (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(ProxyHeaderRefusals.class);

  @BeforeEach
  void start() {
    logged.start();
    refusalLog.addAppender(logged);
    refusalLog.setLevel(Level.DEBUG);
    vertx = Vertx.vertx();
    JsonObject json = LoopbackCloud.json(dir);
    json.getJsonObject("http").put("instances", 2).put("proxyProtocol", true).put("maxConnectionsPerAddress", 2);
    json.getJsonObject("throttle").put("holdMs", 0).getJsonObject("token").put("freeFailures", FREE)
        .put("baseDelayMs", 5_000).put("accountMaxDelayMs", 1_000);
    json.getJsonObject("monitor").put("enabled", false);
    node = new CloudNode(vertx, CloudConfig.from(json)).start().await();
    vertx.eventBus().<JsonObject>localConsumer(Addresses.MONITOR_TOKEN_FAILED,
        m -> toldMonitor.add(m.body().getString("address"))).completion().await();
  }

  @AfterEach
  void stop() {
    refusalLog.detachAppender(logged);
    refusalLog.setLevel(null);
    vertx.close().await();
  }

  private RawHttp behind(byte[] header) throws IOException {
    return RawHttp.connect(node.httpPort()).send(header);
  }

  private static String wrongToken(String clientId) {
    String body = "grant_type=client_credentials&client_id=" + clientId + "&client_secret=pmss_wrong";
    return "POST /v1/token HTTP/1.1\r\nHost: relay.example.com\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: " + body.length() + "\r\n\r\n" + body;
  }

  @Test
  void theHeadersSourceIsTheClientForTheThrottleAndTheMonitor() throws Exception {
    int port = node.httpPort();
    for (int i = 0; i < FREE; i++) {
      byte[] header = i % 2 == 0 ? ProxyHeaders.v1("198.51.100.7", 40_000 + i, "127.0.0.1", port)
          : ProxyHeaders.v2("198.51.100.7", 40_000 + i, "127.0.0.1", port);
      try (RawHttp client = behind(header)) {
        assertThat(client.send(wrongToken("cli_guess" + i)).read(5_000).status()).isEqualTo(401);
      }
    }
    try (RawHttp client = behind(ProxyHeaders.v2("198.51.100.7", 41_000, "127.0.0.1", port))) {
      RawHttp.Answer throttled = client.send(wrongToken("cli_guess_next")).read(5_000);
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(throttled.header("Retry-After")).isNotNull();
    }
    // Another client through the same load balancer (every TCP peer here is 127.0.0.1) is not slowed down.
    try (RawHttp other = behind(ProxyHeaders.v1("198.51.100.8", 42_000, "127.0.0.1", port))) {
      assertThat(other.send(wrongToken("cli_other")).read(5_000).status()).isEqualTo(401);
    }
    try (RawHttp v6 = behind(ProxyHeaders.v2("2001:db8::8", 42_001, "::1", port))) {
      assertThat(v6.send(wrongToken("cli_v6")).read(5_000).status()).isEqualTo(401);
    }
    // The load balancer's own health check (LOCAL): no client named, answered as from the balancer.
    try (RawHttp check = behind(ProxyHeaders.v2Local())) {
      assertThat(check.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
    }
    assertThat(toldMonitor).containsExactly("198.51.100.7", "198.51.100.7", "198.51.100.7", "198.51.100.7",
        "198.51.100.8", "2001:db8:0:0:0:0:0:8");
  }

  @Test
  void thePerAddressCapCountsTheClientsTheHeadersName() throws Exception {
    int port = node.httpPort();
    RawHttp a1 = behind(ProxyHeaders.v1("198.51.100.9", 40_001, "127.0.0.1", port));
    RawHttp a2 = behind(ProxyHeaders.v1("198.51.100.9", 40_002, "127.0.0.1", port));
    RawHttp b1 = behind(ProxyHeaders.v1("198.51.100.10", 40_003, "127.0.0.1", port));
    try {
      for (RawHttp held : List.of(a1, a2, b1)) {
        assertThat(held.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
      }
      try (RawHttp a3 = behind(ProxyHeaders.v1("198.51.100.9", 40_004, "127.0.0.1", port))) {
        try {
          a3.send(RawHttp.get("/health"));
        } catch (IOException e) {
          // already closed
        }
        assertThat(a3.awaitClosed(3_000)).as("the client's third connection, over its cap of 2").isEqualTo("");
      }
    } finally {
      a1.close();
      a2.close();
      b1.close();
    }
  }

  @Test
  void aConnectionWithoutTheHeaderIsClosedUnansweredAndLoggedOnce() throws Exception {
    for (String bytes : List.of(RawHttp.get("/health"), "PROXY TCP4 not an address at all\r\n" + RawHttp.get("/health"),
        "PROXY TCP4 198.51.100.7 127.0.0.1 40000 8080\r" + "x".repeat(200))) {
      try (RawHttp direct = RawHttp.connect(node.httpPort())) {
        try {
          direct.send(bytes.getBytes(StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
          // already closed
        }
        assertThat(direct.awaitClosed(5_000)).as(bytes.substring(0, 20)).isEqualTo("");
      }
    }
    // The node still serves a proper connection.
    try (RawHttp fine = behind(ProxyHeaders.v1("198.51.100.11", 40_000, "127.0.0.1", node.httpPort()))) {
      assertThat(fine.send(RawHttp.get("/health")).read(5_000).status()).isEqualTo(200);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (logged.list.size() < 3 && System.nanoTime() < deadline) { // told on the event loop, after the close
      Thread.sleep(20);
    }
    List<ILoggingEvent> info = logged.list.stream().filter(e -> e.getLevel() == Level.INFO).toList();
    assertThat(info).as("three refusals, one INFO line").hasSize(1);
    assertThat(info.get(0).getFormattedMessage()).contains("http.proxyProtocol").contains("PROXY protocol")
        .doesNotContain("GET").doesNotContain("/health").doesNotContain("Exception");
    assertThat(logged.list).as("the others at DEBUG").hasSize(3).filteredOn(e -> e.getLevel() == Level.DEBUG).hasSize(2);
    assertThat(logged.list).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
  }
}
