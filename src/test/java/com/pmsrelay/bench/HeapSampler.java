package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Live heaps sampled while something runs: on its own thread, each watched process in turn, then a
 * pause, until closed. A reading is the bytes still reachable after a full collection: this JVM's
 * heap in use right after {@code System.gc()} (G1 collects fully and compacts), a child JVM's
 * total of {@code jcmd PID GC.class_histogram} (which collects fully before it counts). Each
 * process's figure: its reading before ({@link #baseline}), the most during, the growth (most
 * during - before), and its reading after ({@link #after}).
 */
final class HeapSampler implements AutoCloseable {
  /** One process's live heap, read on demand. */
  interface Probe {
    long liveBytes() throws Exception;
  }

  /** This JVM. */
  static final Probe SELF = () -> {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  };

  /** A child JVM, through jcmd. */
  static Probe child(long pid, String name) {
    return () -> ChildJvm.heapHistogram(pid, name).totalBytes();
  }

  private static final class Watched {
    final Probe probe;
    final long baseline;
    long max;
    long after = -1;
    final List<Long> samples = new ArrayList<>();

    Watched(Probe probe) throws Exception {
      this.probe = probe;
      this.baseline = probe.liveBytes();
      this.max = baseline;
    }
  }

  private final Map<String, Watched> watched = new LinkedHashMap<>();
  private final long pauseMs;
  private Thread thread;
  private volatile boolean stopped;
  private volatile Exception failure;
  private boolean closed;

  /** Reads each process's baseline now; {@link #start} begins the sampling. */
  HeapSampler(Map<String, Probe> probes, long pauseMs) throws Exception {
    this.pauseMs = pauseMs;
    for (Map.Entry<String, Probe> p : probes.entrySet()) {
      watched.put(p.getKey(), new Watched(p.getValue()));
    }
  }

  HeapSampler start() {
    thread = new Thread(this::sample, "heap-sampler");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  private void sample() {
    while (!stopped) {
      for (Watched w : watched.values()) {
        if (stopped) {
          return;
        }
        try {
          long live = w.probe.liveBytes();
          synchronized (this) {
            w.samples.add(live);
            w.max = Math.max(w.max, live);
          }
        } catch (Exception e) {
          failure = e;
          return;
        }
      }
      try {
        Thread.sleep(pauseMs);
      } catch (InterruptedException e) {
        return;
      }
    }
  }

  /** Stops sampling (waiting for a reading underway), then reads each process once more; once. */
  @Override
  public void close() throws Exception {
    if (closed) {
      return;
    }
    closed = true;
    stopped = true;
    if (thread != null) {
      thread.join();
    }
    for (Watched w : watched.values()) {
      w.after = w.probe.liveBytes();
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** The most the process {@code name} held above its baseline while sampled, in bytes. */
  synchronized long growthBytes(String name) {
    Watched w = watched.get(name);
    return w.max - w.baseline;
  }

  synchronized int samples(String name) {
    return watched.get(name).samples.size();
  }

  /** One process's figures in MiB: baseline, max during, growth, after, and the samples. */
  synchronized JsonObject toJson(String name) {
    Watched w = watched.get(name);
    List<Double> mib = w.samples.stream().map(HeapSampler::mib).toList();
    return new JsonObject().put("baselineMiB", Spread.round(mib(w.baseline))).put("maxDuringMiB", Spread.round(mib(w.max)))
        .put("growthMiB", Spread.round(mib(w.max - w.baseline)))
        .put("afterMiB", w.after < 0 ? null : Spread.round(mib(w.after)))
        .put("samples", w.samples.size()).put("samplesMiB", Spread.rounded(mib));
  }

  static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }
}
