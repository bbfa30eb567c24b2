package com.pmsrelay.cli;

import com.pmsrelay.agent.AgentManagement;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import com.pmsrelay.common.metrics.NodeMetrics;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pms-relay agent}: the practice agent. */
@Command(name = "agent", description = "The practice agent: dials out to the cloud and runs its queries on the PMS database.")
final class AgentCommand extends ModeCommand {
  @Option(names = "--config", paramLabel = "FILE", description = "settings over conf/agent.json's defaults") Path configFile;

  @Override
  void start() {
    io.vertx.core.json.JsonObject json = ConfigLoader.load("agent", configFile, System.getenv());
    AgentConfig config = AgentConfig.from(json);
    ModeLogs.apply(json, "agent", null);
    ConfigReader management = new ConfigReader(json).section("management");
    int managementPort = management.integer("port", 0, 65_535);
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = VertxRuntime.create(new io.vertx.core.VertxOptions(), metrics);
    AgentNode node = new AgentNode(vertx, config, metrics);
    long grace = config.exec().shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, node::shutdown, grace);
    node.start().await();
    if (management.bool("enabled")) {
      // The agent runs on without it: metrics are not worth refusing queries for.
      com.pmsrelay.common.metrics.ManagementListener listener = AgentManagement.listener(managementPort, metrics);
      org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AgentCommand.class);
      vertx.deployVerticle(listener)
          .onSuccess(id -> log.info("metrics and log levels at http://{}:{}/ (this machine only)", AgentManagement.HOST,
              listener.actualPort()))
          .onFailure(e -> log.warn("no management listener: cannot listen on {}:{} ({}): set management.port to a free "
              + "port, or 0 for any", AgentManagement.HOST, managementPort, e.getMessage()));
    }
  }
}
