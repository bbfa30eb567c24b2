package com.pmsrelay;

import com.pmsrelay.admin.AdminCommands;
import com.pmsrelay.agent.AgentManagement;
import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.cloud.CloudNode;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import com.pmsrelay.common.logging.LogSetup;
import com.pmsrelay.common.logging.LoggingConfig;
import com.pmsrelay.common.metrics.NodeMetrics;
import com.pmsrelay.demo.DemoMode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code java -jar pms-relay.jar cloud|agent|demo|admin …}: one jar, the mode picks the role. */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  static final String USAGE = String.join("\n",
      "usage: java -jar pms-relay.jar <mode> [options]",
      "",
      "modes:",
      "  cloud   the relay cloud: integrator API, console, agent bridge   [--config FILE]",
      "  agent   the practice agent: dials out to the cloud               [--config FILE]",
      "  demo    cloud + two agents on synthetic demo PMS databases       [--port N] [--data-dir DIR] [--nodes N]",
      "  admin   operator commands against the cloud's store               (admin help)",
      "",
      "Configuration: documented defaults in conf/<mode>.json; --config FILE overrides them;",
      "environment variables PMSRELAY_<KEY> override both (e.g. PMSRELAY_HTTP_PORT=8443).");

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Starts the mode; returns 0 when it is running (the JVM stays up), else an exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].equals("admin")) {
      try {
        return AdminCommands.run(java.util.Arrays.asList(args).subList(1, args.length), out, err);
      } catch (ConfigException e) {
        err.println("pms-relay: invalid configuration: " + e.getMessage());
        return 2;
      }
    }
    CommandLine cli;
    try {
      cli = CommandLine.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("pms-relay: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
    if (cli.mode() == null || cli.mode().equals("help") || cli.mode().equals("--help")) {
      out.println(USAGE);
      return cli.mode() == null ? 2 : 0;
    }
    try {
      switch (cli.mode()) {
        case "cloud" -> startCloud(cli);
        case "agent" -> startAgent(cli);
        case "demo" -> {
          JsonObject demo = ConfigLoader.load("demo", cli.configFile(), System.getenv());
          java.nio.file.Path dataDir = cli.dataDir() != null ? cli.dataDir() : java.nio.file.Path.of(demo.getString("dataDir"));
          JsonObject logging = demo.getJsonObject("logging").copy();
          logging.put("dir", dataDir.resolve(logging.getString("dir")).toString());
          logTo(new JsonObject().put("logging", logging), "demo");
          DemoMode.start(cli.configFile(), cli.port(), cli.dataDir(), cli.nodes() == null ? 1 : cli.nodes(), out);
        }
        default -> {
          err.println("pms-relay: unknown mode '" + cli.mode() + "'");
          err.println(USAGE);
          return 2;
        }
      }
      awaitForever();
      return 0;
    } catch (ConfigException e) {
      err.println("pms-relay: invalid configuration: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      LOG.error("start-up failed", e);
      err.println("pms-relay: start-up failed: " + e.getMessage());
      return 1;
    }
  }

  private static void startCloud(CommandLine cli) {
    JsonObject json = ConfigLoader.load("cloud", cli.configFile(), System.getenv());
    CloudConfig config = CloudConfig.from(json);
    logTo(json, "cloud");
    // Integrators' tokens and patients' data cross this API: plain HTTP only where the operator says a proxy encrypts.
    config.http().tls().requireForProduction().checkFiles();
    if (cli.port() != null) {
      config = config.withPorts(cli.port(), config.bridge().port());
    }
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = config.cluster().enabled()
        ? com.pmsrelay.cloud.cluster.Clustering.start(config.cluster(), new io.vertx.core.VertxOptions(), metrics).await()
        : VertxRuntime.create(new io.vertx.core.VertxOptions(), metrics);
    CloudNode node = new CloudNode(vertx, config, metrics);
    long grace = config.shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, () -> node.shutdown(grace), grace);
    node.start().await();
  }

  private static void startAgent(CommandLine cli) {
    JsonObject json = ConfigLoader.load("agent", cli.configFile(), System.getenv());
    AgentConfig config = AgentConfig.from(json);
    logTo(json, "agent");
    ConfigReader management = new ConfigReader(json).section("management");
    int managementPort = management.integer("port", 0, 65_535);
    NodeMetrics metrics = new NodeMetrics();
    Vertx vertx = VertxRuntime.create(new io.vertx.core.VertxOptions(), metrics);
    AgentNode node = new AgentNode(vertx, config, metrics);
    long grace = config.exec().shutdownGraceMs();
    VertxRuntime.closeOnShutdown(vertx, node::shutdown, grace);
    node.start().await();
    if (management.bool("enabled")) {
      AgentManagement listener = new AgentManagement(managementPort, metrics);
      vertx.deployVerticle(listener).onSuccess(id -> LOG.info("metrics at http://{}:{}/metrics (this machine only)",
          AgentManagement.HOST, listener.actualPort())).onFailure(e -> LOG.warn(
          "no metrics listener: cannot listen on {}:{} ({}): set management.port to a free port, or 0",
          AgentManagement.HOST, managementPort, e.getMessage()));
    }
  }

  /** Rolling files and the format the mode's {@code logging} section asks for (README, Logs). */
  private static void logTo(JsonObject json, String mode) {
    java.nio.file.Path file = LogSetup.apply(LoggingConfig.from(new ConfigReader(json).section("logging")), mode);
    if (file != null) {
      LOG.info("logging to {} and standard error", file);
    }
  }

  private static void awaitForever() {
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
