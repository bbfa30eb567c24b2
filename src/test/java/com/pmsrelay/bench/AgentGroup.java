package com.pmsrelay.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One way of serving the integrators at a practice: its agent processes, and each integrator's
 * queries through the relay to them. Reads the processes' summed resident memory and CPU time.
 */
record AgentGroup(String name, List<AgentProcess> agents, List<QueryTarget> integrators) {

  long rssKb() {
    long sum = 0;
    for (AgentProcess a : agents) {
      sum += a.rssKb();
    }
    return sum;
  }

  long cpuTicks() {
    long sum = 0;
    for (AgentProcess a : agents) {
      sum += a.cpuTicks();
    }
    return sum;
  }

  /** Every integrator's open-loop load for {@code durationMs}, until all were answered. */
  Outcomes load(Vertx vertx, double perIntegratorPerSecond, long durationMs) {
    List<Future<Outcomes>> runs = new ArrayList<>();
    for (QueryTarget integrator : integrators) {
      runs.add(OpenLoopLoad.run(vertx, integrator, perIntegratorPerSecond, durationMs));
    }
    Future.join(runs).await();
    Outcomes all = new Outcomes();
    runs.forEach(run -> all.addAll(run.result()));
    return all;
  }

  /** What a group used over one window: summed RSS at its end, CPU over it. */
  record Usage(long rssKb, List<Long> rssKbPerAgent, long cpuTicks, long wallNanos) {
    double rssMb() {
      return rssKb / 1024.0;
    }

    /** CPU as a percentage of one core over the window (summed over the group's processes). */
    double cpuPercentOfCore() {
      return cpuTicks * 100.0 / ProcStatus.TICKS_PER_SECOND / (wallNanos / 1e9);
    }
  }

  /** Starts measuring a window; {@link Window#end} reads the usage. */
  Window window() {
    return new Window(this, cpuTicks(), System.nanoTime());
  }

  record Window(AgentGroup group, long ticksAtStart, long startNanos) {
    Usage end() {
      long ticks = group.cpuTicks() - ticksAtStart;
      long wall = System.nanoTime() - startNanos;
      List<Long> perAgent = new ArrayList<>();
      for (AgentProcess a : group.agents()) {
        perAgent.add(a.rssKb());
      }
      return new Usage(perAgent.stream().mapToLong(Long::longValue).sum(), perAgent, ticks, wall);
    }
  }
}
