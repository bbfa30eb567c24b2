package com.pmsrelay.cli;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
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
    AgentConfig config = AgentConfig.from(ConfigLoader.load("agent", configFile, System.getenv()));
    Vertx vertx = VertxRuntime.create();
    AgentNode node = new AgentNode(vertx, config);
    long grace = config.exec().shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, node::shutdown, grace);
    node.start().await();
  }
}
