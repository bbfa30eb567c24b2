package com.pmsrelay.bench;

import java.io.IOException;
import java.util.Arrays;

/**
 * {@code OrphanGuard MAIN_CLASS ARGS…}: runs MAIN_CLASS in a child JVM of the benchmarks and halts
 * the JVM when its standard input closes. The benchmark holds that pipe open, so the child dies
 * with its parent even when the parent is killed outright (shutdown hooks cover the rest).
 */
public final class OrphanGuard {
  private OrphanGuard() {}

  public static void main(String[] args) throws Exception {
    Thread watch = new Thread(() -> {
      try {
        while (System.in.read() >= 0) {
          // the parent writes nothing: wait for end of stream
        }
      } catch (IOException e) {
        // the pipe broke: the parent is gone as well
      }
      Runtime.getRuntime().halt(3);
    }, "orphan-guard");
    watch.setDaemon(true);
    watch.start();
    Class.forName(args[0]).getMethod("main", String[].class).invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
  }
}
