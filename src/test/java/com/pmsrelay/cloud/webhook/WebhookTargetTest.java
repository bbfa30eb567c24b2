package com.pmsrelay.cloud.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The SSRF guard: every refused form outside demo (with a resolver that maps names where the test
 * says, since no DNS is reachable here, and once with the system resolver on {@code localhost}),
 * what demo mode adds, and that the lookup happens off the event loop.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WebhookTargetTest {
  /** Names resolved without DNS: the test decides where each points. */
  private static final Map<String, List<String>> NAMES = Map.of(
      "hooks.example.com", List.of("93.184.216.34"),
      "internal.example.com", List.of("10.1.2.3"),
      "split.example.com", List.of("93.184.216.34", "192.168.1.20"),
      "metadata.example.com", List.of("169.254.169.254"),
      "v6.example.com", List.of("2606:2800:220:1:248:1893:25c8:1946"),
      "v6private.example.com", List.of("fd00::1"),
      "mapped.example.com", List.of("::ffff:10.0.0.1"),
      "cgnat.example.com", List.of("100.64.0.9"));

  private static Vertx vertx;
  private static final List<String> lookedUp = new ArrayList<>();
  private static final AtomicReference<Boolean> lookupOnEventLoop = new AtomicReference<>();

  private static final WebhookTarget.Resolver FIXED = host -> {
    synchronized (lookedUp) {
      lookedUp.add(host);
    }
    lookupOnEventLoop.set(io.vertx.core.Context.isOnEventLoopThread());
    List<String> literals = NAMES.get(host);
    if (literals == null) {
      throw new UnknownHostException(host);
    }
    List<InetAddress> out = new ArrayList<>();
    for (String l : literals) {
      out.add(InetAddress.getByName(l));
    }
    return out;
  };

  private static final WebhookTarget PRODUCTION = new WebhookTarget(FIXED, false);
  private static final WebhookTarget DEMO = new WebhookTarget(FIXED, true);

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void aPublicHttpsUrlPassesAndNamesTheAddressToConnectTo() {
    WebhookTarget.Checked checked = check(PRODUCTION, "https://hooks.example.com:8443/relay/in?source=pms").await();
    assertThat(checked.ssl()).isTrue();
    assertThat(checked.host()).isEqualTo("hooks.example.com");
    assertThat(checked.port()).isEqualTo(8443);
    assertThat(checked.requestUri()).isEqualTo("/relay/in?source=pms");
    assertThat(checked.address().getHostAddress()).isEqualTo("93.184.216.34");
    assertThat(check(PRODUCTION, "https://v6.example.com").await().port()).isEqualTo(443);
    assertThat(check(PRODUCTION, "https://93.184.216.34/x").await().address().getHostAddress()).isEqualTo("93.184.216.34");
  }

  @Test
  void theIssuesSsrfAttemptsAreRefusedOutsideDemo() {
    refused(PRODUCTION, "http://169.254.169.254/latest/meta-data/", "scheme must be https");
    refused(PRODUCTION, "https://169.254.169.254/latest/meta-data/", "link-local");
    refused(PRODUCTION, "https://metadata.example.com/", "169.254.169.254");
    refused(PRODUCTION, "https://10.0.0.1/hook", "private");
    refused(PRODUCTION, "https://internal.example.com/hook", "10.1.2.3");
    refused(PRODUCTION, "https://[::ffff:127.0.0.1]/hook", "loopback");
    refused(PRODUCTION, "https://2130706433/hook", "unusual form");
  }

  @Test
  void everyNonPublicRangeIsRefused() {
    for (String address : List.of("127.0.0.1", "127.255.0.9", "0.0.0.0", "0.1.2.3", "10.200.1.1", "172.16.0.1",
        "172.31.255.254", "192.168.0.1", "169.254.1.1", "100.64.0.1", "100.127.255.255", "224.0.0.1", "239.1.1.1",
        "255.255.255.255", "240.0.0.1", "192.0.2.5", "198.18.0.1", "203.0.113.7")) {
      refused(PRODUCTION, "https://" + address + "/", "resolves to");
    }
    for (String address : List.of("::1", "::", "fc00::1", "fd12:3456::1", "fe80::1", "ff02::1", "::ffff:10.0.0.1",
        "::ffff:169.254.169.254", "::127.0.0.1", "64:ff9b::a00:1", "2002:a00:1::1", "2001:db8::1", "fec0::1")) {
      refused(PRODUCTION, "https://[" + address + "]/", "resolves to");
    }
    refused(PRODUCTION, "https://v6private.example.com/", "private");
    refused(PRODUCTION, "https://mapped.example.com/", "private");
    refused(PRODUCTION, "https://cgnat.example.com/", "CGNAT");
    // Public neighbours of the refused ranges pass: the checks are not wider than they say.
    for (String address : List.of("172.32.0.1", "100.128.0.1", "11.0.0.1", "169.253.1.1", "192.169.0.1", "[2606:4700::1]",
        "[64:ff9b::5db8:d822]")) {
      assertThat(check(PRODUCTION, "https://" + address + "/").await().host()).isNotEmpty();
    }
  }

  @Test
  void everyAddressOfTheHostMustBePublic() {
    refused(PRODUCTION, "https://split.example.com/", "192.168.1.20");
  }

  @Test
  void ipAddressesInOddFormsAreRefusedBeforeAnyLookup() {
    synchronized (lookedUp) {
      lookedUp.clear();
    }
    for (String host : List.of("2130706433", "0177.0.0.1", "0x7f000001", "0x7f.0.0.1", "127.1", "127.0.1", "017700000001",
        "1.2.3.4.5", "010.0.0.1", "hooks.example.com.0x10")) {
      refused(PRODUCTION, "https://" + host + "/", "unusual form");
    }
    synchronized (lookedUp) {
      assertThat(lookedUp).isEmpty();
    }
  }

  @Test
  void urlsOfTheWrongShapeAreRefused() {
    refused(PRODUCTION, "https://user:pw@hooks.example.com/", "user info");
    refused(PRODUCTION, "https://hooks.example.com@10.0.0.1/", "user info");
    refused(PRODUCTION, "https://hooks.example.com/#frag", "fragment");
    refused(PRODUCTION, "https://hooks.example.com/" + "a".repeat(WebhookTarget.MAX_URL_CHARS), "longer than 2048");
    refused(PRODUCTION, "ftp://hooks.example.com/", "scheme must be https");
    refused(PRODUCTION, "hooks.example.com/path", "scheme must be https");
    refused(PRODUCTION, "https:///path", "names no host");
    refused(PRODUCTION, "https://hooks.example.com:0/", "port");
    refused(PRODUCTION, "https://hooks.example.com:70000/", "port");
    refused(PRODUCTION, "https://ho%6Fks.example.com/", "not a plain host name");
    refused(PRODUCTION, "https://[fe80::1%25eth0]/", "zone");
    refused(PRODUCTION, "https://unknown.example.com/", "does not resolve");
    refused(PRODUCTION, "https://hooks.example.com/a b", "not a valid URL");
  }

  @Test
  void theSystemResolverOnLocalhostIsRefusedOutsideDemo() {
    WebhookTarget real = new WebhookTarget(WebhookTarget.SYSTEM, false);
    refused(real, "https://localhost/hook", "loopback");
    refused(real, "https://localhost:8443/hook", "loopback");
  }

  @Test
  void demoAllowsLoopbackOverHttpAndNothingElseMore() {
    WebhookTarget real = new WebhookTarget(WebhookTarget.SYSTEM, true);
    WebhookTarget.Checked ip = check(DEMO, "http://127.0.0.1:9090/hook").await();
    assertThat(ip.ssl()).isFalse();
    assertThat(ip.address().isLoopbackAddress()).isTrue();
    assertThat(ip.port()).isEqualTo(9090);
    assertThat(check(real, "http://localhost:9090/hook").await().address().isLoopbackAddress()).isTrue();
    assertThat(check(DEMO, "http://[::1]:9090/").await().address().isLoopbackAddress()).isTrue();
    // Everything else is as outside demo.
    refused(DEMO, "http://10.0.0.1:9090/", "scheme must be https");
    refused(DEMO, "https://10.0.0.1/", "private");
    refused(DEMO, "http://169.254.169.254/", "scheme must be https");
    refused(DEMO, "https://internal.example.com/", "10.1.2.3");
    refused(DEMO, "http://2130706433/", "unusual form");
    refused(DEMO, "http://127.0.0.2:9090/", "scheme must be https");
  }

  @Test
  void theLookupRunsOffTheEventLoop() {
    lookupOnEventLoop.set(null);
    vertx.getOrCreateContext().runOnContext(v -> PRODUCTION.check(vertx, "https://hooks.example.com/"));
    long deadline = System.currentTimeMillis() + 5_000;
    while (lookupOnEventLoop.get() == null && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(lookupOnEventLoop.get()).as("looked up on an event loop").isFalse();
  }

  private static Future<WebhookTarget.Checked> check(WebhookTarget target, String url) {
    return target.check(vertx, url);
  }

  private static void refused(WebhookTarget target, String url, String why) {
    Throwable failure = check(target, url).transform(r -> Future.succeededFuture(r.failed() ? r.cause() : null)).await();
    assertThat(failure).as("%s refused", url).isInstanceOf(RelayException.class);
    RelayException problem = (RelayException) failure;
    assertThat(problem.code()).isEqualTo(ErrorCode.WEBHOOK_URL_REFUSED);
    assertThat(problem.detail()).as(url).contains(why);
  }
}
