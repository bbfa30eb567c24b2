package com.pmsrelay.doctor;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code java -jar pms-relay.jar doctor [agent|cloud] --config FILE}: checks a node's set-up and explains each failure with its fix. */
public final class Doctor {
  private Doctor() {}

  /** Runs every check of {@code role} ("agent" or "cloud"); 0 only when all pass. */
  public static int run(String role, Path configFile, PrintStream out, PrintStream err) {
    err.println("pms-relay: doctor is not built yet");
    return 2;
  }
}
