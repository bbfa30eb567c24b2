package com.pmsrelay.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.cloud.config.CloudConfig;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void shippedDefaultsAreValid() {
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    assertThat(cloud.http().port()).isEqualTo(8080);
    assertThat(cloud.http().maxBodyBytes()).isEqualTo(256 * 1024);
    assertThat(cloud.store().jdbcUrl()).startsWith("jdbc:h2:file:");
    assertThat(cloud.jwt().ttlSeconds()).isEqualTo(900);
  }

  @Test
  void fileThenEnvironmentOverrideDefaults() throws Exception {
    Path file = dir.resolve("cloud.json");
    Files.writeString(file, "{\"http\": {\"port\": 9000}, \"bridge\": {\"maxFrameBytes\": 4096}}");
    JsonObject json = ConfigLoader.load("cloud", file, Map.of("PMSRELAY_HTTP_PORT", "9100", "PMSRELAY_JWT_TTL_SECONDS", "60"));
    CloudConfig config = CloudConfig.from(json);
    assertThat(config.http().port()).isEqualTo(9100);
    assertThat(config.bridge().maxFrameBytes()).isEqualTo(4096);
    assertThat(config.jwt().ttlSeconds()).isEqualTo(60);
  }

  @Test
  void edgeInstancesDefaultToTheProcessorsAndAreBounded() throws Exception {
    CloudConfig defaults = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    int processors = Math.min(64, Runtime.getRuntime().availableProcessors());
    assertThat(defaults.http().instances()).isEqualTo(processors);
    assertThat(defaults.bridge().instances()).isEqualTo(processors);

    Path file = dir.resolve("instances.json");
    Files.writeString(file, "{\"http\": {\"instances\": 3}}");
    // The default is null, so the environment's value arrives as text.
    CloudConfig set = CloudConfig.from(ConfigLoader.load("cloud", file, Map.of("PMSRELAY_BRIDGE_INSTANCES", "5")));
    assertThat(set.http().instances()).isEqualTo(3);
    assertThat(set.bridge().instances()).isEqualTo(5);

    for (String bad : new String[] {"0", "65", "many"}) {
      JsonObject json = ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_INSTANCES", bad));
      assertThatThrownBy(() -> CloudConfig.from(json)).isInstanceOf(ConfigException.class)
          .hasMessageContaining("http.instances");
    }
  }

  @Test
  void aClusteredNodeNeedsOneMasterKeyAndResultsDirectory() {
    Map<String, String> clustered = Map.of("PMSRELAY_CLUSTER_ENABLED", "true");
    CloudConfig alone = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    assertThat(alone.results().dir()).isEqualTo(alone.dataDir().resolve("results"));
    assertThatThrownBy(() -> CloudConfig.from(ConfigLoader.load("cloud", null, clustered)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("keys.master").hasMessageContaining("results.dir");
    Map<String, String> keyOnly = new java.util.HashMap<>(clustered);
    keyOnly.put("PMSRELAY_KEYS_MASTER", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
    assertThatThrownBy(() -> CloudConfig.from(ConfigLoader.load("cloud", null, keyOnly)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("results.dir");
    Map<String, String> both = new java.util.HashMap<>(keyOnly);
    both.put("PMSRELAY_RESULTS_DIR", "/mnt/relay-results");
    CloudConfig clusteredConfig = CloudConfig.from(ConfigLoader.load("cloud", null, both));
    assertThat(clusteredConfig.results().dir()).isEqualTo(Path.of("/mnt/relay-results"));
    assertThat(clusteredConfig.keys().master()).isEqualTo("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=");
  }

  @Test
  void theApiEdgeDefaultsAndTheirRanges() {
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    assertThat(cloud.http().idleTimeoutMs()).isEqualTo(60_000);
    assertThat(cloud.http().headerTimeoutMs()).isEqualTo(10_000);
    assertThat(cloud.http().maxConnectionsPerAddress()).isEqualTo(64);
    assertThat(cloud.http().capsConnectionsPerAddress()).isTrue();
    assertThat(cloud.http().tls().enabled()).isFalse();
    for (String key : new String[] {"PMSRELAY_HTTP_IDLE_TIMEOUT_MS", "PMSRELAY_HTTP_HEADER_TIMEOUT_MS",
        "PMSRELAY_HTTP_MAX_CONNECTIONS_PER_ADDRESS"}) {
      JsonObject json = ConfigLoader.load("cloud", null, Map.of(key, "0"));
      assertThatThrownBy(() -> CloudConfig.from(json)).isInstanceOf(ConfigException.class).hasMessageContaining("http.");
    }
  }

  @Test
  void theCloudModeNeedsTlsOnTheApiOrTheProxySwitch() {
    CloudConfig plain = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of()));
    assertThatThrownBy(() -> plain.http().tls().requireForProduction()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls.certPath").hasMessageContaining("http.tls.keyPath")
        .hasMessageContaining("http.tls.behindProxy")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));

    CloudConfig tls = CloudConfig.from(ConfigLoader.load("cloud", null,
        Map.of("PMSRELAY_HTTP_TLS_CERT_PATH", "/etc/relay/api.pem", "PMSRELAY_HTTP_TLS_KEY_PATH", "/etc/relay/api-key.pem")));
    assertThat(tls.http().tls().requireForProduction().enabled()).isTrue();
    assertThat(tls.http().tls().hsts()).isTrue();
    assertThat(tls.http().capsConnectionsPerAddress()).isTrue();
    assertThatThrownBy(() -> tls.http().tls().checkFiles()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls.certPath").hasMessageContaining("/etc/relay/api.pem");

    CloudConfig proxied = CloudConfig.from(ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_TLS_BEHIND_PROXY", "true")));
    assertThat(proxied.http().tls().requireForProduction().enabled()).isFalse();
    assertThat(proxied.http().capsConnectionsPerAddress()).as("every connection comes from the proxy").isFalse();
    assertThat(proxied.http().tls().describe()).contains("behind a TLS-terminating proxy");

    assertThatThrownBy(() -> CloudConfig.from(ConfigLoader.load("cloud", null,
        Map.of("PMSRELAY_HTTP_TLS_CERT_PATH", "/etc/relay/api.pem")))).isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.tls.keyPath");
  }

  @Test
  void envNamesFollowTheKeys() {
    assertThat(ConfigLoader.envName("bridge.maxFrameBytes")).isEqualTo("PMSRELAY_BRIDGE_MAX_FRAME_BYTES");
    assertThat(ConfigLoader.envName("agentKey")).isEqualTo("PMSRELAY_AGENT_KEY");
  }

  @Test
  void unknownKeyInFileIsNamed() throws Exception {
    Path file = dir.resolve("typo.json");
    Files.writeString(file, "{\"http\": {\"prot\": 9000}}");
    assertThatThrownBy(() -> ConfigLoader.load("cloud", file, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.prot");
  }

  @Test
  void outOfRangeValueIsNamed() {
    JsonObject json = ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_PORT", "70000"));
    assertThatThrownBy(() -> CloudConfig.from(json)).isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
  }

  @Test
  void nonNumericEnvironmentValueIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load("cloud", null, Map.of("PMSRELAY_HTTP_PORT", "eighty")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("PMSRELAY_HTTP_PORT").hasMessageContaining("http.port");
  }

  @Test
  void invalidJsonFileIsReported() throws Exception {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{\"http\": ");
    assertThatThrownBy(() -> ConfigLoader.load("cloud", file, Map.of()))
        .isInstanceOf(ConfigException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void agentNeedsItsIdentityAndExactlyOneTrustAnchor() {
    assertThatThrownBy(() -> AgentConfig.from(ConfigLoader.load("agent", null, Map.of())))
        .isInstanceOf(ConfigException.class).hasMessageContaining("practiceId");
    Map<String, String> env = Map.of(
        "PMSRELAY_PRACTICE_ID", "2f1c7a58-4a0e-4d1b-9f44-6f1f5b0c2d11",
        "PMSRELAY_AGENT_KEY", "pmsa_x");
    assertThatThrownBy(() -> AgentConfig.from(ConfigLoader.load("agent", null, env)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cloud.tls.pinnedSha256");
    Map<String, String> pinned = new java.util.HashMap<>(env);
    pinned.put("PMSRELAY_CLOUD_TLS_PINNED_SHA256", "ab".repeat(32));
    pinned.put("PMSRELAY_PMS_PASSWORD", "secret");
    AgentConfig config = AgentConfig.from(ConfigLoader.load("agent", null, pinned));
    assertThat(config.pms().password()).isEqualTo("secret");
    assertThat(config.exec().maxConcurrent()).isEqualTo(4);
  }
}
