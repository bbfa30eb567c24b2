package com.pmsrelay.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A server of a benchmark in its own JVM (so that its heap, memory and CPU are its own), on this
 * JVM's classpath, its output in a log file. It is killed when closed, when this JVM exits, and,
 * through {@link OrphanGuard}, when this JVM dies without running its shutdown hooks.
 */
final class ChildJvm implements AutoCloseable {
  /** The same for every child, so that their figures compare. */
  private static final List<String> FLAGS = List.of("-Xmx1g", "-XX:+UseG1GC");
  /**
   * More flags for every child, space-separated, from {@code -Dbench.childJvmOpts} (in
   * {@code BENCH_JAVA_OPTS}): a flight recording from the child's start, say, whose JDK
   * instrumentation is then in place before anything is measured.
   */
  static final String EXTRA_FLAGS_PROPERTY = "bench.childJvmOpts";

  /** A server running in a child JVM, and the loopback port it listens on. */
  interface Server extends AutoCloseable {
    ChildJvm jvm();

    int port();

    @Override
    void close() throws InterruptedException;
  }

  /** Live heap after a full collection: total bytes and bytes by class. */
  record HeapHistogram(long totalBytes, Map<String, Long> bytesByClass) {}

  private static final Pattern HISTOGRAM_ROW = Pattern.compile("^\\s*\\d+:\\s+\\d+\\s+(\\d+)\\s+(\\S+)");
  private static final Pattern HISTOGRAM_TOTAL = Pattern.compile("^Total\\s+\\d+\\s+(\\d+)");

  private final String name;
  private final Process process;
  private final Path log;
  private final Thread killer;

  private ChildJvm(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.killer = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killer);
  }

  /** {@link #FLAGS} and those of {@value #EXTRA_FLAGS_PROPERTY}. */
  static List<String> flags() {
    String extra = System.getProperty(EXTRA_FLAGS_PROPERTY, "").trim();
    List<String> flags = new ArrayList<>(FLAGS);
    if (!extra.isEmpty()) {
      flags.addAll(List.of(extra.split("\\s+")));
    }
    return flags;
  }

  /** Starts {@code mainClass args} with {@link #flags()} plus {@code properties} (-D…), output to {@code dir/name.log}. */
  static ChildJvm start(String name, Path dir, List<String> properties, String mainClass, String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(flags());
    command.addAll(properties);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(OrphanGuard.class.getName());
    command.add(mainClass);
    command.addAll(List.of(args));
    Path log = dir.resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("PMSRELAY_")); // only the config file configures it
    return new ChildJvm(name, builder.start(), log);
  }

  /** Waits until a line of the child's output matches {@code pattern}; fails if the child exits first. */
  Matcher awaitLine(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      for (String line : logLines()) {
        Matcher m = pattern.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        throw new IllegalStateException(name + (process.isAlive() ? " did not start within " + timeout : " exited")
            + "; its log ends:\n" + tail(20));
      }
      Thread.sleep(50);
    }
  }

  /** The child's output so far, line by line. */
  List<String> logLines() throws IOException {
    return Files.readAllLines(log, StandardCharsets.UTF_8);
  }

  long pid() {
    return process.pid();
  }

  /** The child's live heap: {@code jcmd GC.class_histogram} collects fully, then counts what is reachable. */
  HeapHistogram heapHistogram() throws IOException, InterruptedException {
    return heapHistogram(pid(), name);
  }

  /** The live heap of the JVM {@code pid} (any child: an agent process, say), as {@link #heapHistogram()}. */
  static HeapHistogram heapHistogram(long pid, String name) throws IOException, InterruptedException {
    String output = jcmd(pid, name, "GC.class_histogram");
    Map<String, Long> byClass = new HashMap<>();
    for (String line : output.split("\n")) {
      Matcher total = HISTOGRAM_TOTAL.matcher(line);
      if (total.find()) {
        return new HeapHistogram(Long.parseLong(total.group(1)), byClass);
      }
      Matcher row = HISTOGRAM_ROW.matcher(line);
      if (row.find()) {
        byClass.merge(row.group(2), Long.parseLong(row.group(1)), Long::sum);
      }
    }
    throw new IllegalStateException("no total in the class histogram of " + name + ": " + output.lines().limit(5).toList());
  }

  /**
   * Time the child's JIT has spent compiling so far, all compiler threads together
   * ({@code java.ci.totalTime} of {@code jcmd PerfCounter.print}, in ticks of
   * {@code sun.os.hrt.frequency}). A server that has just taken new work compiles for seconds
   * afterwards: CPU that is not its idle cost.
   */
  long jitCompileNanos() throws IOException, InterruptedException {
    long ticks = -1;
    long frequency = -1;
    for (String line : jcmd(pid(), name, "PerfCounter.print").split("\n")) {
      if (line.startsWith("java.ci.totalTime=")) {
        ticks = Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
      } else if (line.startsWith("sun.os.hrt.frequency=")) {
        frequency = Long.parseLong(line.substring(line.indexOf('=') + 1).trim());
      }
    }
    if (ticks < 0 || frequency <= 0) {
      throw new IllegalStateException("no JIT compile time in the perf counters of " + name);
    }
    return (long) (ticks * (1e9 / frequency));
  }

  /** Resident memory (VmRSS of /proc/PID/status) in bytes. */
  long rssBytes() {
    return ProcStatus.rssKb(pid()) * 1024;
  }

  /** CPU time (user + system) the child has used so far, in nanoseconds. */
  long cpuNanos() {
    return process.info().totalCpuDuration().orElseThrow(() -> new IllegalStateException("no CPU time for " + name)).toNanos();
  }

  private static String jcmd(long pid, String name, String command) throws IOException, InterruptedException {
    // jcmd is a JVM itself: started lean, it takes a third of the time.
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        "-J-XX:TieredStopAtLevel=1", "-J-XX:+UseSerialGC", Long.toString(pid), command).redirectErrorStream(true).start();
    jcmd.getOutputStream().close();
    byte[] out = jcmd.getInputStream().readAllBytes();
    if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
      jcmd.destroyForcibly();
      throw new IllegalStateException("jcmd " + command + " failed for " + name + ": " + new String(out, StandardCharsets.UTF_8));
    }
    return new String(out, StandardCharsets.UTF_8);
  }

  private String tail(int lines) throws IOException {
    List<String> all = logLines();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  @Override
  public void close() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // this JVM is exiting: the hook runs anyway
    }
  }
}
