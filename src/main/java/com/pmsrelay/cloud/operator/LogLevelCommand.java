package com.pmsrelay.cloud.operator;

import com.pmsrelay.common.logging.LogLevels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code admin log-level [--logger NAME] [LEVEL]}: the running node's log levels, changed without a restart. */
@Command(name = "log-level", description = {"The running cloud node's log levels: without LEVEL, as they are; with it, "
    + "sets the root's (or --logger's, such as com.pmsrelay.cloud.bridge) until the node stops or it is set again. "
    + "Each node has its own: this is the node that answers for --config."})
final class LogLevelCommand implements NodeCommand {
  @Option(names = "--logger", paramLabel = "NAME", description = "a logger or package (default: the root)") String logger;
  @Parameters(paramLabel = "LEVEL", arity = "0..1", description = "TRACE, DEBUG, INFO, WARN, ERROR or OFF") String level;

  @Override
  public int run(Operations ops) {
    if (level == null) {
      ops.out().println(LogLevels.current().encodePrettily());
      return 0;
    }
    String previous = LogLevels.set(logger, level);
    ops.out().println((logger == null ? "root" : logger) + ": " + level.toUpperCase(java.util.Locale.ROOT)
        + " (was " + previous + ")");
    return 0;
  }
}
