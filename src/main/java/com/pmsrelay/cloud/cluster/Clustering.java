package com.pmsrelay.cloud.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.FileSystemXmlConfig;
import com.hazelcast.config.InMemoryXmlConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.pmsrelay.common.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Starts a clustered Vert.x for a cloud node: Hazelcast from the jar's {@code conf/cluster.xml}
 * (or the operator's file), its TCP-IP member list and bind address from the node's config, the
 * event bus between nodes on its own port.
 */
public final class Clustering {
  private Clustering() {}

  public static Future<Vertx> start(ClusterConfig cluster, VertxOptions options) {
    return builder(cluster, options).buildClustered();
  }

  /** As {@link #start(ClusterConfig, VertxOptions)}, with Vert.x and the JVM reporting into {@code metrics}. */
  public static Future<Vertx> start(ClusterConfig cluster, VertxOptions options,
      com.pmsrelay.common.metrics.NodeMetrics metrics) {
    return builder(cluster, com.pmsrelay.common.VertxRuntime.withMetrics(options, metrics))
        .withMetrics(metrics.vertxFactory()).buildClustered();
  }

  private static io.vertx.core.VertxBuilder builder(ClusterConfig cluster, VertxOptions options) {
    HazelcastClusterManager manager = new HazelcastClusterManager(hazelcast(cluster));
    options.setPreferNativeTransport(true).setEventBusOptions(new EventBusOptions()
        .setHost(cluster.host()).setPort(cluster.eventBusPort()));
    return Vertx.builder().with(options).withClusterManager(manager);
  }

  /** The Hazelcast configuration: the XML, then this node's address and the members to find. */
  static Config hazelcast(ClusterConfig cluster) {
    Config config = base(cluster);
    NetworkConfig network = config.getNetworkConfig();
    network.setPort(cluster.port()).setPortAutoIncrement(false).setPublicAddress(cluster.host() + ":" + cluster.port());
    network.getInterfaces().setEnabled(false);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    for (String member : cluster.members()) {
      join.getTcpIpConfig().addMember(member);
    }
    // Bind where the node was told to: loopback in tests and the demo, the private address in production.
    config.setProperty("hazelcast.local.localAddress", cluster.host());
    config.addListenerConfig(new com.hazelcast.config.ListenerConfig(new MembershipLog()));
    return config;
  }

  private static Config base(ClusterConfig cluster) {
    try {
      if (cluster.configFile() != null) {
        return new FileSystemXmlConfig(cluster.configFile().toFile());
      }
      try (InputStream in = Clustering.class.getResourceAsStream("/conf/cluster.xml")) {
        if (in == null) {
          throw new ConfigException("the jar carries no conf/cluster.xml");
        }
        return new InMemoryXmlConfig(new String(in.readAllBytes(), StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new ConfigException("cannot read the cluster configuration: " + e.getMessage());
    }
  }
}
