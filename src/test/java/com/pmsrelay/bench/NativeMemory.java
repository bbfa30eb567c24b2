package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where an agent process's resident memory goes, for the footprint benchmark's {@code limits}: the
 * JVM's own account (Native Memory Tracking summary, through {@code jcmd}; the process must run
 * with {@code -XX:NativeMemoryTracking=summary}) beside what Linux charges it (VmRSS, split into
 * anonymous and file-backed pages). NMT does not count the JVM's own code (libjvm.so) nor memory
 * the C library keeps after frees; it counts committed memory, which need not all be resident.
 */
final class NativeMemory {
  static final String FLAG = "-XX:NativeMemoryTracking=summary";
  private static final Pattern TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");
  private static final Pattern CATEGORY = Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");

  private NativeMemory() {}

  /** The summary of process {@code pid} with its RSS, or {@code error} saying why there is none. */
  static JsonObject summary(long pid) {
    JsonObject result = new JsonObject().put("rss", rssParts(pid));
    String text;
    try {
      text = jcmd(pid, "VM.native_memory", "summary");
    } catch (IOException | RuntimeException e) {
      return result.put("error", "jcmd failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return result.put("error", "interrupted");
    }
    Map<String, Double> committed = new TreeMap<>();
    Double total = null;
    for (String line : text.split("\n")) {
      Matcher t = TOTAL.matcher(line.strip());
      if (t.find()) {
        total = mb(t.group(2));
      }
      Matcher c = CATEGORY.matcher(line.strip());
      if (c.find()) {
        committed.put(c.group(1), mb(c.group(3)));
      }
    }
    if (total == null) {
      return result.put("error", "no NMT summary in jcmd's answer: " + text.substring(0, Math.min(200, text.length())));
    }
    JsonObject categories = new JsonObject();
    committed.entrySet().stream().filter(e -> e.getValue() >= 0.5)
        .sorted((a, b) -> Double.compare(b.getValue(), a.getValue()))
        .forEach(e -> categories.put(e.getKey(), e.getValue()));
    double rss = result.getJsonObject("rss").getDouble("VmRSS", Double.NaN);
    return result.put("nmtCommittedMb", total).put("nmtCommittedMbByCategory", categories)
        .put("rssOutsideNmtMb", Spread.round(rss - total));
  }

  /** VmRSS, RssAnon, RssFile and RssShmem in MB (/proc/PID/status). */
  static JsonObject rssParts(long pid) {
    JsonObject parts = new JsonObject();
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:") || line.startsWith("Rss")) {
          String[] f = line.split(":\\s*|\\s+");
          parts.put(f[0], mb(f[1]));
        }
      }
    } catch (IOException e) {
      parts.put("error", e.getMessage());
    }
    return parts;
  }

  /** The largest NMT categories and what lies outside NMT, as one line for {@code limits}. */
  static String describe(JsonObject summary) {
    if (summary.containsKey("error")) {
      return "no Native Memory Tracking summary (" + summary.getString("error") + ")";
    }
    JsonObject rss = summary.getJsonObject("rss");
    List<String> parts = new ArrayList<>();
    JsonObject categories = summary.getJsonObject("nmtCommittedMbByCategory");
    for (String name : categories.fieldNames()) {
      if (parts.size() == 7) {
        break;
      }
      parts.add(name + " " + Math.round(categories.getDouble(name)) + " MB");
    }
    return String.format("VmRSS %.0f MB (anonymous %.0f, file pages %.0f); NMT committed %.0f MB: %s; "
            + "VmRSS - NMT = %.0f MB that NMT does not count (the JVM's own code, memory the C library "
            + "keeps after frees)",
        rss.getDouble("VmRSS"), rss.getDouble("RssAnon"), rss.getDouble("RssFile"),
        summary.getDouble("nmtCommittedMb"), String.join(", ", parts), summary.getDouble("rssOutsideNmtMb"));
  }

  private static String jcmd(long pid, String... command) throws IOException, InterruptedException {
    List<String> line = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(pid)));
    line.addAll(List.of(command));
    Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
    try {
      String out = new String(process.getInputStream().readAllBytes());
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        throw new IOException("jcmd did not finish");
      }
      return out;
    } finally {
      process.destroyForcibly();
    }
  }

  private static double mb(String kb) {
    return Spread.round(Long.parseLong(kb.trim().split("\\s+")[0]) / 1024.0);
  }
}
