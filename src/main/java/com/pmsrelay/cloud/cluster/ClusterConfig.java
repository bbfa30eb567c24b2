package com.pmsrelay.cloud.cluster;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * How this cloud node joins the others (cloud.json {@code cluster}): off, or a Hazelcast member
 * bound to {@code host:port} that finds {@code members} by TCP-IP, with the event bus between
 * nodes on {@code host:eventBusPort}.
 */
public record ClusterConfig(boolean enabled, String host, int port, int eventBusPort, List<String> members,
    Path configFile) {

  public static final ClusterConfig OFF = new ClusterConfig(false, "127.0.0.1", 5701, 5801, List.of(), null);

  public static ClusterConfig from(ConfigReader c) {
    String members = c.optionalString("members");
    List<String> list = members == null ? List.of()
        : Arrays.stream(members.split(",")).map(String::trim).filter(m -> !m.isEmpty()).toList();
    for (String member : list) {
      if (!member.matches("[A-Za-z0-9.\\-\\[\\]:]+")) {
        throw new ConfigException("config key 'cluster.members' must be host:port entries separated by commas (was '"
            + member + "')");
      }
    }
    String file = c.optionalString("configFile");
    return new ClusterConfig(c.bool("enabled"), c.string("host"), c.integer("port", 0, 65_535),
        c.integer("eventBusPort", 0, 65_535), list, file == null ? null : Path.of(file));
  }

  public ClusterConfig withPorts(int newPort, int newEventBusPort) {
    return new ClusterConfig(enabled, host, newPort, newEventBusPort, members, configFile);
  }

  public ClusterConfig withMembers(List<String> newMembers) {
    return new ClusterConfig(enabled, host, port, eventBusPort, List.copyOf(newMembers), configFile);
  }
}
