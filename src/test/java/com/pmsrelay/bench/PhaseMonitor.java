package com.pmsrelay.bench;

import com.pmsrelay.agent.exec.QueryExecutor;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Watches one phase from the side: the agent executor's adaptive limit, running and queued counts
 * (sampled every 10 ms from a plain thread; the executor's fields are read racily, which is fine
 * for a gauge), and the CPU used by the load generator's threads, by this whole process, and by
 * the whole machine (other processes too: these machines are shared), each as a share of all the
 * machine's cores; the bytes the process allocated; and the JVM's garbage-collection pauses ({@link GcWatch}).
 */
final class PhaseMonitor {
  private final QueryExecutor executor;
  private final long[] generatorThreads;
  private final long generatorCpuStart;
  private final Thread thread;
  private final ProcessProbe start = ProcessProbe.now();
  private final long[] systemStart = MachineInfo.systemCpuTicks();
  private final GcWatch gc = new GcWatch();
  private volatile boolean running = true;
  private int samples;
  private int limitMin = Integer.MAX_VALUE;
  private long limitSum;
  private int runningMax;
  private int queuedMax;

  private PhaseMonitor(QueryExecutor executor, long[] generatorThreads) {
    this.executor = executor;
    this.generatorThreads = generatorThreads;
    this.generatorCpuStart = cpuNanos(generatorThreads);
    this.thread = new Thread(this::sample, "bench-phase-monitor");
    thread.setDaemon(true);
  }

  /** Starts watching; {@code generatorThreads} are the load generator's threads, for its CPU share. */
  static PhaseMonitor start(QueryExecutor executor, long[] generatorThreads) {
    PhaseMonitor monitor = new PhaseMonitor(executor, generatorThreads);
    monitor.thread.start();
    return monitor;
  }

  private void sample() {
    while (running) {
      QueryExecutor.Load load = executor.load();
      synchronized (this) {
        samples++;
        limitMin = Math.min(limitMin, load.limit());
        limitSum += load.limit();
        runningMax = Math.max(runningMax, load.running());
        queuedMax = Math.max(queuedMax, load.queued());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  private static long cpuNanos(long[] threads) {
    ThreadMXBean bean = ManagementFactory.getThreadMXBean();
    long total = 0;
    for (long id : threads) {
      total += Math.max(0, bean.getThreadCpuTime(id));
    }
    return total;
  }

  /** Stops watching; the phase's gauges. */
  JsonObject stop() throws InterruptedException {
    ProcessProbe spent = start.spentSince();
    long wall = spent.wallNanos();
    long cpu = spent.cpuNanos();
    long allocated = spent.allocatedBytes();
    long generatorCpu = cpuNanos(generatorThreads) - generatorCpuStart;
    int cores = Runtime.getRuntime().availableProcessors();
    long[] systemEnd = MachineInfo.systemCpuTicks();
    Double systemShare = systemStart == null || systemEnd == null || systemEnd[1] == systemStart[1] ? null
        : Spread.round((double) (systemEnd[0] - systemStart[0]) / (systemEnd[1] - systemStart[1]));
    running = false;
    thread.join(1_000);
    gc.close();
    synchronized (this) {
      return new JsonObject()
          .put("agentLimitMin", samples == 0 ? null : limitMin)
          .put("agentLimitMean", samples == 0 ? null : Spread.round((double) limitSum / samples))
          .put("agentRunningMax", runningMax)
          .put("agentQueuedMax", queuedMax)
          .put("processCpuShare", Spread.round((double) cpu / wall / cores))
          .put("loadGeneratorCpuShare", Spread.round((double) generatorCpu / wall / cores))
          .put("machineCpuShare", systemShare)
          .put("allocatedBytes", allocated)
          .put("gc", gc.json());
    }
  }
}
