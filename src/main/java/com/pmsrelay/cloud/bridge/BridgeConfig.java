package com.pmsrelay.cloud.bridge;

import com.pmsrelay.common.config.ConfigReader;

/**
 * The agents' TLS endpoint: where it listens, its certificate, the limits of the guard, how
 * many instances share its port, and whether a PROXY protocol header (from a TCP load balancer)
 * precedes each connection's TLS.
 */
public record BridgeConfig(
    String host,
    int port,
    String certPath,
    String keyPath,
    int maxFrameBytes,
    int authTimeoutMs,
    int heartbeatTimeoutMs,
    int ackTimeoutMs,
    int instances,
    boolean proxyProtocol) {

  public static BridgeConfig from(ConfigReader bridge) {
    String cert = bridge.optionalString("tls.certPath");
    String key = bridge.optionalString("tls.keyPath");
    if ((cert == null) != (key == null)) {
      throw new com.pmsrelay.common.config.ConfigException(
          "config keys 'bridge.tls.certPath' and 'bridge.tls.keyPath' must be set together");
    }
    return new BridgeConfig(
        bridge.string("host"),
        bridge.integer("port", 0, 65_535),
        cert,
        key,
        bridge.integer("maxFrameBytes", 1024, 64 * 1024 * 1024),
        bridge.integer("authTimeoutMs", 100, 120_000),
        bridge.integer("heartbeatTimeoutMs", 1000, 3_600_000),
        bridge.integer("ackTimeoutMs", 100, 600_000),
        bridge.instances("instances"),
        bridge.bool("proxyProtocol"));
  }

  public BridgeConfig withPort(int newPort) {
    return new BridgeConfig(host, newPort, certPath, keyPath, maxFrameBytes, authTimeoutMs, heartbeatTimeoutMs,
        ackTimeoutMs, instances, proxyProtocol);
  }

  public BridgeConfig withInstances(int count) {
    return new BridgeConfig(host, port, certPath, keyPath, maxFrameBytes, authTimeoutMs, heartbeatTimeoutMs,
        ackTimeoutMs, count, proxyProtocol);
  }
}
