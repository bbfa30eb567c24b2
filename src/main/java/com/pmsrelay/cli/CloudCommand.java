package com.pmsrelay.cli;

import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
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
    CloudConfig config = CloudConfig.from(ConfigLoader.load("cloud", configFile, System.getenv()));
    // Integrators' tokens and patients' data cross this API: plain HTTP only where the operator says a proxy encrypts.
    config.http().tls().requireForProduction().checkFiles();
    if (port != null) {
      config = config.withPorts(Ports.check("--port", port), config.bridge().port());
    }
    Vertx vertx = config.cluster().enabled()
        ? com.pmsrelay.cloud.cluster.Clustering.start(config.cluster(), new io.vertx.core.VertxOptions()).await()
        : VertxRuntime.create();
    CloudNode node = new CloudNode(vertx, config);
    long grace = config.shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, () -> node.shutdown(grace), grace);
    node.start().await();
  }
}
