package com.pmsrelay.cli;

import com.pmsrelay.common.config.ConfigException;
import java.util.concurrent.Callable;
import picocli.CommandLine.ParentCommand;

/**
 * A mode that starts and keeps running (cloud, agent, demo): a bad configuration is exit 2 with one
 * line naming the key; any other failure to start is exit 1; once started the JVM stays up.
 */
abstract class ModeCommand implements Callable<Integer> {
  @ParentCommand PmsRelayCommand top;
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  /** Starts the mode; returns once it runs. */
  abstract void start() throws Exception;

  @Override
  public Integer call() {
    try {
      start();
    } catch (picocli.CommandLine.ParameterException e) {
      throw e; // the usage, exit 2
    } catch (ConfigException e) {
      top.err.println("pms-relay: invalid configuration: " + e.getMessage());
      return 2;
    } catch (Exception e) {
      // Not before: a logger made at class loading would set up logging for --help too.
      org.slf4j.LoggerFactory.getLogger(getClass()).error("start-up failed", e);
      top.err.println("pms-relay: start-up failed: " + e.getMessage());
      return 1;
    }
    try {
      Thread.currentThread().join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
