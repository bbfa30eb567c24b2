package com.pmsrelay.bench;

import com.sun.management.OperatingSystemMXBean;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;

/** The machine and JVM a run happened on, recorded beside its figures. */
final class MachineInfo {
  private MachineInfo() {}

  static JsonObject describe() {
    OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    Runtime runtime = Runtime.getRuntime();
    return new JsonObject()
        .put("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString())
        .put("processors", runtime.availableProcessors())
        .put("memoryBytes", os.getTotalMemorySize())
        .put("maxHeapBytes", runtime.maxMemory())
        .put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"))
        .put("java", System.getProperty("java.runtime.name") + " " + System.getProperty("java.runtime.version"))
        .put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"))
        .put("jvmArgs", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
  }

  /** The system's one-minute load average (other processes share this machine). */
  static double loadAverage() {
    return Math.round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage() * 100) / 100.0;
  }

  /**
   * The whole machine's CPU counters from /proc/stat: {busy, total} in clock ticks (busy excludes
   * idle and iowait); null where there is no /proc/stat.
   */
  static long[] systemCpuTicks() {
    try {
      String[] f = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < f.length; i++) {
        total += Long.parseLong(f[i]);
      }
      long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
      return new long[] {total - idle, total};
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** CPU time of this process so far, in nanoseconds. */
  static long processCpuNanos() {
    return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }
}
