package com.pmsrelay.cli;

import com.pmsrelay.demo.DemoMode;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pms-relay demo}: cloud and two agents on synthetic demo PMS databases, in one process. */
@Command(name = "demo", description = "Cloud + two agents on synthetic demo PMS databases, seeded; prints how to try it.")
final class DemoCommand extends ModeCommand {
  @Option(names = "--config", paramLabel = "FILE", description = "settings over conf/demo.json's defaults") Path configFile;
  @Option(names = "--port", paramLabel = "N", description = "the API's port, 0 for any free one (default: demo.json's)")
  Integer port;
  @Option(names = "--data-dir", paramLabel = "DIR", description = "where the demo keeps its data (default: demo.json's)")
  Path dataDir;
  @Option(names = "--nodes", paramLabel = "N", defaultValue = "1", description = "cloud nodes in a cluster, 1 to 9 (default: 1)")
  int nodes;

  @Override
  void start() throws Exception {
    if (nodes < 1 || nodes > 9) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--nodes must be a number from 1 to 9");
    }
    io.vertx.core.json.JsonObject demo = com.pmsrelay.common.config.ConfigLoader.load("demo", configFile, System.getenv());
    ModeLogs.apply(demo, "demo", dataDir != null ? dataDir : Path.of(demo.getString("dataDir")));
    DemoMode.start(configFile, port == null ? null : Ports.check("--port", port), dataDir, nodes, top.out);
  }
}
