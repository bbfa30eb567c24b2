package com.pmsrelay;

import com.pmsrelay.cli.Cli;
import java.io.PrintStream;

/** {@code java -jar pms-relay.jar cloud|agent|demo|admin|doctor|completion …}: one jar, the command picks the role. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the command; returns 0 when a mode is running (the JVM stays up), else an exit status. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.run(args, out, err);
  }
}
