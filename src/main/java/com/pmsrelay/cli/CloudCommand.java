package com.pmsrelay.cli;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pms-relay cloud}: the relay cloud node. */
@Command(name = "cloud", description = "The relay cloud: integrator API, console, agent bridge, management listener.")
final class CloudCommand extends ModeCommand {
  @Option(names = "--config", paramLabel = "FILE", description = "settings over conf/cloud.json's defaults") Path configFile;
  @Option(names = "--port", paramLabel = "N", description = "the API's port (overrides http.port)") Integer port;

  @Override
  void start() {
    io.vertx.core.json.JsonObject json = ConfigLoader.load("cloud", configFile, System.getenv());
    CloudConfig config = CloudConfig.from(json);
    ModeLogs.apply(json, "cloud", null);
    // Integrators' tokens and patients' data cross this API: plain HTTP only where the operator says a proxy encrypts.
    config.http().tls().requireForProduction().checkFiles();
    if (port != null) {
      config = config.withPorts(Ports.check("--port", port), config.bridge().port());
    }
    // Vert.x and the JVM report into the node's registry: one scrape has theirs and the relay's.
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = config.cluster().enabled()
        ? com.pmsrelay.cloud.cluster.Clustering.start(config.cluster(), new io.vertx.core.VertxOptions(), metrics).await()
        : VertxRuntime.create(new io.vertx.core.VertxOptions(), metrics);
    CloudNode node = new CloudNode(vertx, config, metrics);
    long grace = config.shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, () -> node.shutdown(grace), grace);
    node.start().await();
  }
}
