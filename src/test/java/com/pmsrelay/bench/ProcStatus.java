package com.pmsrelay.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Another process's resident memory and CPU time, read from Linux's /proc as {@code ps} and
 * {@code top} read them: what the operating system charges the process, whatever it runs.
 */
final class ProcStatus {
  /** Linux reports CPU times in /proc in USER_HZ ticks, 100 a second on every architecture it ships. */
  static final int TICKS_PER_SECOND = 100;

  private ProcStatus() {}

  /** Resident set size in kB (VmRSS in /proc/PID/status). */
  static long rssKb(long pid) {
    return field(Path.of("/proc", String.valueOf(pid), "status"), "VmRSS:");
  }

  private static long field(Path file, String name) {
    for (String line : lines(file)) {
      if (line.startsWith(name)) {
        return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
      }
    }
    throw new IllegalStateException("no " + name + " in " + file);
  }

  /** User plus system CPU time so far in ticks (utime + stime in /proc/PID/stat), all threads. */
  static long cpuTicks(long pid) {
    return ticks(lines(Path.of("/proc", String.valueOf(pid), "stat")).get(0));
  }

  /**
   * User plus system CPU ticks so far of the process's threads (/proc/PID/task), by kind: the
   * thread's name (as the kernel keeps it, 15 characters) without its trailing number, so that
   * {@code GC Thread#0} and {@code GC Thread#1} count as {@code GC Thread#}. Threads that ended took
   * their time with them.
   */
  static Map<String, Long> cpuTicksByThreadKind(long pid) {
    Map<String, Long> byKind = new TreeMap<>();
    try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
      for (Path task : (Iterable<Path>) tasks::iterator) {
        try {
          String kind = Files.readString(task.resolve("comm")).strip().replaceFirst("\\d+$", "");
          byKind.merge(kind, ticks(Files.readString(task.resolve("stat"))), Long::sum);
        } catch (IOException e) {
          // the thread ended meanwhile
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the threads of " + pid, e);
    }
    return byKind;
  }

  /** utime + stime of a stat line: the command name (field 2) may hold spaces and parentheses, so fields count after its last ')'. */
  private static long ticks(String stat) {
    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(f[11]) + Long.parseLong(f[12]); // fields 14 and 15 of the whole line
  }

  /** True where /proc can be read (Linux). */
  static boolean available() {
    return Files.isReadable(Path.of("/proc/self/status"));
  }

  private static java.util.List<String> lines(Path file) {
    try {
      return Files.readAllLines(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }
}
