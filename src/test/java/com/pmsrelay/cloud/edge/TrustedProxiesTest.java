package com.pmsrelay.cloud.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code http.trustedProxies}: addresses and CIDR blocks, IPv4 and IPv6, parsed at start; a bad
 * entry stops the node with one line naming the key and the entry; the default trusts no one.
 */
@Timeout(10)
class TrustedProxiesTest {
  private static TrustedProxies parse(String... entries) {
    return TrustedProxies.parse("http.trustedProxies", Arrays.asList((Object[]) entries));
  }

  @Test
  void blocksAndSingleAddressesOfBothFamiliesMatchWhatTheyCoverOnly() {
    TrustedProxies trusted = parse("10.1.0.0/16", "192.0.2.7", "2001:db8:aa::/48", "::1", "198.51.100.128/25");
    assertThat(trusted.trusts("10.1.0.1")).isTrue();
    assertThat(trusted.trusts("10.1.255.254")).isTrue();
    assertThat(trusted.trusts("10.2.0.1")).isFalse();
    assertThat(trusted.trusts("192.0.2.7")).isTrue();
    assertThat(trusted.trusts("192.0.2.8")).isFalse();
    assertThat(trusted.trusts("198.51.100.200")).isTrue();
    assertThat(trusted.trusts("198.51.100.127")).as("a prefix that is not a whole byte").isFalse();
    assertThat(trusted.trusts("2001:db8:aa:ffff::9")).isTrue();
    assertThat(trusted.trusts("2001:db8:ab::9")).isFalse();
    assertThat(trusted.trusts("0:0:0:0:0:0:0:1")).as("as Java writes ::1").isTrue();
    assertThat(trusted.trusts("::ffff:10.1.2.3")).as("an IPv4-mapped IPv6 address is its IPv4 address").isTrue();
    assertThat(trusted.trusts("::ffff:10.9.2.3")).isFalse();
    assertThat(trusted.trusts("localhost")).as("names are never looked up").isFalse();
    assertThat(trusted.trusts((String) null)).isFalse();
    assertThat(trusted.entries()).containsExactly("10.1.0.0/16", "192.0.2.7", "2001:db8:aa::/48", "::1",
        "198.51.100.128/25");
  }

  @Test
  void badEntriesStopTheNodeWithOneLineNamingKeyAndEntry() {
    for (String bad : List.of("proxy.example.com", "10.0.0.300", "10.0.0.0/33", "2001:db8::/129", "10.0.0.0/",
        "10.0.0.0/x", "10.0.0.0/8/8", "0.0.0.0/0", "::/0", "10.0.0.5/8", "2001:db8::1/32", " ", "10.0.0.0/-1")) {
      assertThatThrownBy(() -> parse("192.0.2.1", bad)).as(bad).isInstanceOf(ConfigException.class)
          .hasMessageContaining("http.trustedProxies")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
    assertThatThrownBy(() -> parse("0.0.0.0/0")).hasMessageContaining("every address");
    assertThatThrownBy(() -> parse("10.0.0.5/8")).hasMessageContaining("did you mean 10.0.0.0/8");
    assertThatThrownBy(() -> TrustedProxies.parse("http.trustedProxies", List.of(10))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("entry 1");
  }

  @Test
  void theShippedDefaultTrustsNoOneAndTheEnvironmentSetsAList() {
    CloudConfig shipped = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    assertThat(shipped.http().trustedProxies().isEmpty()).isTrue();
    assertThat(shipped.http().forwardedHeader()).isEqualTo(ClientAddress.Header.X_FORWARDED_FOR);
    assertThat(shipped.http().proxyProtocol()).isFalse();
    assertThat(shipped.bridge().proxyProtocol()).isFalse();
    assertThat(shipped.describeClientAddresses()).contains("no trusted proxies").contains("forwarded headers ignored")
        .contains("PROXY protocol off on the API").contains("off on the agent bridge").doesNotContain("WARNING")
        .doesNotContain("\n");

    CloudConfig proxied = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of(
        "PMSRELAY_HTTP_TRUSTED_PROXIES", "[\"10.0.0.0/24\", \"2001:db8::/64\"]",
        "PMSRELAY_HTTP_FORWARDED_HEADER", "Forwarded", "PMSRELAY_HTTP_TLS_BEHIND_PROXY", "true",
        "PMSRELAY_BRIDGE_PROXY_PROTOCOL", "true")));
    assertThat(proxied.http().trustedProxies().trusts("10.0.0.9")).isTrue();
    assertThat(proxied.http().forwardedHeader()).isEqualTo(ClientAddress.Header.FORWARDED);
    assertThat(proxied.http().capsConnectionsPerAddress()).as("everyone but the trusted proxies").isTrue();
    assertThat(proxied.describeClientAddresses()).contains("Forwarded read from trusted proxies 10.0.0.0/24, 2001:db8::/64")
        .contains("expected on the agent bridge").contains("cap 64").doesNotContain("WARNING");

    CloudConfig blind = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_TLS_BEHIND_PROXY", "true")));
    assertThat(blind.describeClientAddresses()).contains("WARNING").contains("http.trustedProxies")
        .contains("cap off");
    CloudConfig balanced = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_TLS_BEHIND_PROXY",
        "true", "PMSRELAY_HTTP_PROXY_PROTOCOL", "true")));
    assertThat(balanced.http().capsConnectionsPerAddress()).as("the PROXY protocol names each client").isTrue();
    assertThat(balanced.describeClientAddresses()).contains("expected on the API").doesNotContain("WARNING");

    assertThatThrownBy(() -> CloudConfig.from(ConfigLoader.load("cloud", null,
        Map.of("PMSRELAY_HTTP_TRUSTED_PROXIES", "[\"10.0.0.0/24\", \"gateway\"]")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.trustedProxies").hasMessageContaining("gateway");
    assertThatThrownBy(() -> CloudConfig.from(ConfigLoader.load("cloud", null,
        Map.of("PMSRELAY_HTTP_FORWARDED_HEADER", "X-Real-IP")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.forwardedHeader");
  }
}
