package com.pmsrelay.faults;

import com.pmsrelay.bench.OrphanGuard;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A JVM of the relay that the fault tests start, signal and kill. Its output goes to a log file
 * and is kept with the time each line arrived, so that "the cloud is up" is timed when the cloud
 * said it, not when the test looked. It never outlives this JVM: closed, it is killed; a shutdown
 * hook kills it; and if this JVM is killed outright, {@link OrphanGuard} (its real main's wrapper)
 * halts it when its standard input, a pipe from this JVM, closes.
 */
final class ChildProcess implements AutoCloseable {
  /** Fast start on two shared cores: the quick compiler only (a cloud starts in 4 s instead of 10), a small heap. */
  static final List<String> JVM_FLAGS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx384m");

  /** One line of output and when it arrived ({@link System#nanoTime}). */
  private record Line(long nanos, String text) {}

  final String name;
  private final Process process;
  private final List<Line> lines = new ArrayList<>();
  private final Thread killer;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.killer = new Thread(process::destroyForcibly, "kill-" + name);
    Runtime.getRuntime().addShutdownHook(killer);
    Thread pump = new Thread(() -> copyOutput(log), "output-" + name);
    pump.setDaemon(true);
    pump.start();
  }

  /**
   * The class path of a child: {@code jar} and a small jar, written to {@code dir}, of
   * {@link OrphanGuard} and {@code mains} (the test's own main classes). Jars only: the JVM
   * archives classes for a faster start (class-data sharing) from jars, never from a directory.
   */
  static String classPath(Path jar, Path dir, Class<?>... mains) throws IOException {
    Path launcher = dir.resolve("launcher.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(launcher))) {
      for (Class<?> type : Stream.concat(Stream.of(OrphanGuard.class), Stream.of(mains)).toList()) {
        String entry = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(entry)) {
          out.putNextEntry(new JarEntry(entry));
          in.transferTo(out);
        }
      }
    }
    return jar.toAbsolutePath() + File.pathSeparator + launcher.toAbsolutePath();
  }

  /**
   * Starts {@code mainClass args} on {@code classPath} with {@link #JVM_FLAGS} and {@code moreFlags};
   * its output goes to {@code dir/name.log}.
   */
  static ChildProcess start(String name, Path dir, String classPath, List<String> moreFlags, String mainClass,
      String... args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_FLAGS);
    command.addAll(moreFlags);
    command.addAll(List.of("-cp", classPath, OrphanGuard.class.getName(), mainClass));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("PMSRELAY_")); // only its config file configures it
    return new ChildProcess(name, builder.start(), dir.resolve(name + ".log"));
  }

  private void copyOutput(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
         PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8), true)) {
      String line;
      while ((line = in.readLine()) != null) {
        long now = System.nanoTime();
        out.println(line);
        synchronized (lines) {
          lines.add(new Line(now, line));
          lines.notifyAll();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The first line matching {@code pattern}; fails if the process ends or the time runs out first. */
  Matched awaitLine(Pattern pattern, Duration timeout) throws InterruptedException {
    return awaitLine(pattern, Long.MIN_VALUE, timeout);
  }

  /** The first line matching {@code pattern} that arrived at or after {@code sinceNanos} ({@link System#nanoTime}). */
  Matched awaitLine(Pattern pattern, long sinceNanos, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    int seen = 0;
    synchronized (lines) {
      while (true) {
        for (; seen < lines.size(); seen++) {
          Matcher m = pattern.matcher(lines.get(seen).text());
          if ((sinceNanos == Long.MIN_VALUE || lines.get(seen).nanos() - sinceNanos >= 0) && m.find()) {
            return new Matched(lines.get(seen).nanos(), m);
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0 || !process.isAlive()) {
          throw new IllegalStateException(name + (process.isAlive() ? " did not log " + pattern + " within " + timeout
              : " exited (" + process.exitValue() + ")") + "; its log ends:\n" + tail(20));
        }
        lines.wait(Math.min(TimeUnit.NANOSECONDS.toMillis(left) + 1, 100));
      }
    }
  }

  /** The last line matching {@code pattern} so far, or null. */
  Matched lastLine(Pattern pattern) {
    synchronized (lines) {
      for (int i = lines.size() - 1; i >= 0; i--) {
        Matcher m = pattern.matcher(lines.get(i).text());
        if (m.find()) {
          return new Matched(lines.get(i).nanos(), m);
        }
      }
      return null;
    }
  }

  /** A matched line and when it arrived. */
  record Matched(long nanos, Matcher match) {}

  String tail(int n) {
    synchronized (lines) {
      return String.join("\n", lines.subList(Math.max(0, lines.size() - n), lines.size()).stream().map(Line::text).toList());
    }
  }

  long pid() {
    return process.pid();
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends a signal (STOP, CONT, TERM) with the shell's own kill, which every system with bash has. */
  void signal(String signal) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("bash", "-c", "kill -" + signal + " " + process.pid()).inheritIO().start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IllegalStateException("kill -" + signal + " " + name + " failed");
    }
  }

  /** SIGKILL, then waits until it is gone (its sockets closed by the kernel). */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      throw new IllegalStateException(name + " survived SIGKILL for 10 s");
    }
  }

  /** Waits for the process to end by itself; its exit status, or null if still running. */
  Integer awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : null;
  }

  @Override
  public void close() throws InterruptedException {
    kill();
    synchronized (lines) {
      StringBuilder all = new StringBuilder();
      lines.forEach(l -> all.append(l.text()).append('\n'));
      com.pmsrelay.logs.TestLogs.keep(name, all.toString());
    }
    try {
      Runtime.getRuntime().removeShutdownHook(killer);
    } catch (IllegalStateException e) {
      // this JVM is exiting: the hook runs anyway
    }
  }
}
