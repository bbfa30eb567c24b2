package com.pmsrelay.cloud.metrics;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;

/**
 * The management listener ({@code management} in conf/cloud.json): {@code GET /metrics} for the
 * node's Prometheus scrape, and the operator API (its own token), on an address of its own,
 * loopback by default. Port 0: any free port. {@code operatorTokenFile} null: dataDir/operator-token.
 * {@code latencyHistograms}: what the relay's latency histograms are kept by ({@link RelayMeters.LatencyBy}).
 */
public record ManagementConfig(String host, int port, String operatorTokenFile, RelayMeters.LatencyBy latencyHistograms) {
  public static ManagementConfig from(ConfigReader m) {
    String host = m.string("host");
    if (!host.equals("127.0.0.1") && !host.equals("::1") && !host.equals("localhost")) {
      // Nothing on it is authenticated: an operator who opens it wider does so knowingly, behind a firewall.
      org.slf4j.LoggerFactory.getLogger(ManagementConfig.class)
          .warn("management.host is {}: /metrics is served unauthenticated beyond this machine", host);
    }
    if (host.isBlank()) {
      throw new ConfigException("'management.host' is required");
    }
    return new ManagementConfig(host, m.integer("port", 0, 65_535), m.optionalString("operatorTokenFile"),
        RelayMeters.LatencyBy.of(m.oneOf("latencyHistograms", RelayMeters.LatencyBy.NAMES)));
  }
}
