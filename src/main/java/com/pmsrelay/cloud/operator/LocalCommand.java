package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.bridge.BridgeConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** An operator command that reads the cloud's files only, where the command line runs: no store, no cloud needed. */
public interface LocalCommand {
  /** The cloud's settings such a command reads. */
  record CloudFiles(BridgeConfig bridge, Path dataDir) {}

  /** Runs with the parsed arguments; returns the exit status. Bad input: IllegalArgumentException with one line. */
  int run(CloudFiles files, PrintStream out) throws IOException;
}
