package com.pmsrelay.cloud.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the client behind a trusted proxy is read from the forwarded header: the rightmost entry
 * that is not a trusted proxy's; anything unreadable where an address must be read falls back to
 * the peer. (Over real sockets, with the throttles: {@code ForwardedClientTest}.)
 */
@Timeout(10)
class ClientAddressTest {
  static final String PEER = "10.0.0.2";
  final ClientAddress xff = new ClientAddress(TrustedProxies.parse("k", List.of("10.0.0.0/24", "2001:db8:1::/48")),
      ClientAddress.Header.X_FORWARDED_FOR);
  final ClientAddress forwarded = new ClientAddress(TrustedProxies.parse("k", List.of("10.0.0.0/24")),
      ClientAddress.Header.FORWARDED);

  @Test
  void theRightmostEntryNotATrustedProxysIsTheClient() {
    assertThat(xff.resolve(PEER, List.of("198.51.100.7"))).isEqualTo("198.51.100.7");
    assertThat(xff.resolve(PEER, List.of("203.0.113.66, 198.51.100.7"))).as("the left is the client's to forge")
        .isEqualTo("198.51.100.7");
    assertThat(xff.resolve(PEER, List.of("203.0.113.66, 198.51.100.7, 10.0.0.9"))).as("proxies in a chain are skipped")
        .isEqualTo("198.51.100.7");
    assertThat(xff.resolve(PEER, List.of("203.0.113.66", "198.51.100.7,10.0.0.9"))).as("a header sent twice is one list")
        .isEqualTo("198.51.100.7");
    assertThat(xff.resolve(PEER, List.of("10.0.0.5, 10.0.0.9"))).as("all trusted: the first of them")
        .isEqualTo("10.0.0.5");
    assertThat(xff.resolve(PEER, List.of())).as("no header: the peer").isEqualTo(PEER);
    assertThat(xff.resolve(PEER, List.of("198.51.100.7:51234"))).as("a port some proxies add").isEqualTo("198.51.100.7");
    assertThat(xff.resolve(PEER, List.of("[2001:db8:2::5]:443"))).isEqualTo("2001:db8:2:0:0:0:0:5");
    assertThat(xff.resolve(PEER, List.of("2001:db8:2::5"))).isEqualTo("2001:db8:2:0:0:0:0:5");
    assertThat(xff.resolve(PEER, List.of("2001:db8:2::5, 2001:db8:1::1"))).isEqualTo("2001:db8:2:0:0:0:0:5");
    assertThat(xff.resolve(PEER, List.of("::ffff:198.51.100.7"))).isEqualTo("198.51.100.7");
  }

  @Test
  void whatCannotBeReadWhereAnAddressMustBeFallsBackToThePeer() {
    for (String bad : List.of("", " ", "unknown", "not-an-ip", "198.51.100.7, garbage", "999.1.1.1", "[2001:db8::5",
        "[2001:db8::5]x", "198.51.100.7:port", "198.51.100.7:123456", "localhost", "example.com",
        "198.51.100.7, ", "\"198.51.100.7", "1.2.3.4.5", "x".repeat(5000), "198.51.100.7 10.0.0.1")) {
      assertThat(xff.resolve(PEER, List.of(bad))).as(bad).isEqualTo(PEER);
    }
    assertThat(xff.resolve(PEER, List.of("garbage, 198.51.100.7"))).as("left of the client: never read")
        .isEqualTo("198.51.100.7");
  }

  @Test
  void aLongChainOfTrustedEntriesIsNotWalkedForever() {
    String chain = String.join(",", java.util.Collections.nCopies(1000, "10.0.0.7"));
    assertThat(xff.resolve(PEER, List.of("198.51.100.7," + chain))).isEqualTo(PEER);
  }

  @Test
  void rfc7239ForwardedReadsTheForParameterOfEachElement() {
    assertThat(forwarded.resolve(PEER, List.of("for=198.51.100.7;proto=https"))).isEqualTo("198.51.100.7");
    assertThat(forwarded.resolve(PEER, List.of("for=203.0.113.66, For=\"198.51.100.7\";by=10.0.0.2")))
        .isEqualTo("198.51.100.7");
    assertThat(forwarded.resolve(PEER, List.of("for=\"[2001:db8:cafe::17]:4711\""))).isEqualTo("2001:db8:cafe:0:0:0:0:17");
    assertThat(forwarded.resolve(PEER, List.of("proto=https;for=198.51.100.7, for=10.0.0.3"))).isEqualTo("198.51.100.7");
    for (String bad : List.of("for=unknown", "for=_hidden", "proto=https", "for=", "for=\"[2001:db8::1\"")) {
      assertThat(forwarded.resolve(PEER, List.of(bad))).as(bad).isEqualTo(PEER);
    }
  }
}
