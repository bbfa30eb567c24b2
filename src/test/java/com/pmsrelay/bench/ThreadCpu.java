package com.pmsrelay.bench;

import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This JVM's CPU time by who spent it, to charge a block of work component by component: Java
 * threads by owner (the event loops of a given Vert.x instance, found by running a task on each;
 * other threads by name prefix), the JVM's own threads from {@code /proc/self/task} by name (GC,
 * JIT compilers), and the rest of the process (VM threads, threads not named). User and system
 * time alike, so a thread's socket reads and writes count as its own. A thread that ends within a
 * block takes its time with it.
 */
final class ThreadCpu {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  /** Clock ticks a second in /proc (USER_HZ). */
  private static final long TICK_NANOS = 1_000_000_000L / ProcStatus.TICKS_PER_SECOND;

  private final Map<Long, String> owners = new ConcurrentHashMap<>();
  private final Map<String, String> prefixes = new LinkedHashMap<>();

  /** Counts the event-loop threads of {@code vertx} as {@code owner}'s (starting them all). */
  ThreadCpu eventLoops(Vertx vertx, String owner) throws InterruptedException {
    for (EventExecutor loop : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loop.submit(() -> owners.put(Thread.currentThread().getId(), owner)).sync();
    }
    return this;
  }

  /** Counts threads whose name starts with {@code prefix} as {@code owner}'s. */
  ThreadCpu named(String prefix, String owner) {
    prefixes.put(prefix, owner);
    return this;
  }

  /** CPU nanoseconds so far by owner; "JVM: GC", "JVM: JIT", "other" (the rest of the process). */
  Map<String, Long> now() {
    Map<String, Long> byOwner = new TreeMap<>();
    long java = 0;
    long[] ids = THREADS.getAllThreadIds();
    ThreadInfo[] infos = THREADS.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = THREADS.getThreadCpuTime(ids[i]);
      if (cpu <= 0 || infos[i] == null) {
        continue;
      }
      java += cpu;
      byOwner.merge(owner(ids[i], infos[i].getThreadName()), cpu, Long::sum);
    }
    long gc = 0;
    long jit = 0;
    if (ProcStatus.available()) {
      for (Map.Entry<String, Long> kind : ProcStatus.cpuTicksByThreadKind(ProcessHandle.current().pid()).entrySet()) {
        if (kind.getKey().startsWith("GC Thread") || kind.getKey().startsWith("G1 ")) {
          gc += kind.getValue() * TICK_NANOS;
        } else if (kind.getKey().startsWith("C2 Compiler") || kind.getKey().startsWith("C1 Compiler")) {
          jit += kind.getValue() * TICK_NANOS;
        }
      }
    } // else: the JVM's own threads stay in "other"
    byOwner.put("JVM: GC", gc);
    byOwner.put("JVM: JIT", jit);
    byOwner.put("other", MachineInfo.processCpuNanos() - java - gc - jit);
    return byOwner;
  }

  /** What was spent between two readings, by owner. */
  static Map<String, Long> spent(Map<String, Long> before, Map<String, Long> after) {
    Map<String, Long> spent = new TreeMap<>();
    after.forEach((owner, nanos) -> spent.put(owner, nanos - before.getOrDefault(owner, 0L)));
    return spent;
  }

  private String owner(long id, String name) {
    String owner = owners.get(id);
    if (owner != null) {
      return owner;
    }
    for (Map.Entry<String, String> p : prefixes.entrySet()) {
      if (name.startsWith(p.getKey())) {
        return p.getValue();
      }
    }
    return "other Java threads";
  }

  /** The owners a reading may hold, for reports that list them all. */
  static List<String> jvmOwners() {
    return List.of("JVM: GC", "JVM: JIT", "other");
  }
}
