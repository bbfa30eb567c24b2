package com.pmsrelay.logs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads log files for secrets. A log line is one in the relay's format ({@code HH:mm:ss.SSS LEVEL
 * [thread] logger - message}, as logback.xml writes it), together with the stack trace that may
 * follow it; what else a file holds (a test's own output, the demo's banner, which shows its
 * credentials on purpose) is not a log line and is not read. A finding names the secret's kind,
 * the logger and the place, never the secret.
 */
final class LogScan {
  /** Secrets known by their form, whichever test made them. */
  static final Map<String, Pattern> PATTERNS = Map.of(
      "client secret", Pattern.compile("pmss_[A-Za-z0-9_-]{20,}"),
      "agent key", Pattern.compile("pmsa_[A-Za-z0-9_-]{20,}"),
      "operator token", Pattern.compile("pmso_[A-Za-z0-9_-]{20,}"),
      "access token", Pattern.compile("eyJ[A-Za-z0-9_-]{10,}\\.eyJ[A-Za-z0-9_-]{10,}\\.[A-Za-z0-9_-]{20,}"),
      // A connection string's password (JDBC URLs, ODBC-style strings); a masked one ("***") is fine.
      "connection string password", Pattern.compile("(?i)\\b(?:password|pwd)=[^;&\\s\"'*]{3,}"));

  private static final Pattern LOG_LINE =
      Pattern.compile("^\\d{2}:\\d{2}:\\d{2}\\.\\d{3} +(?:TRACE|DEBUG|INFO|WARN|ERROR) +\\[[^\\]]*\\] (\\S+) - ");
  /** The lines of a stack trace after its log line: "\tat …", "Caused by: …", "… 3 more", the exception's own line. */
  private static final Pattern TRACE_LINE = Pattern.compile(
      "^(?:\\s+\\S.*|Caused by: .*|Suppressed: .*|[A-Za-z_$][\\w$]*(?:\\.[A-Za-z_$][\\w$]*)+(?:Exception|Error|Throwable)[\\w$]*(?::.*)?)$");
  private static final int KEY = TestSecrets.MIN_LENGTH;

  record Secret(String kind, String value) {}

  record Finding(String kind, String logger, String file, long line) {
    @Override
    public String toString() {
      return (kind.matches("[aeiou].*") ? "an " : "a ") + kind + " in a line of logger " + logger + " (" + file + ":" + line + ")";
    }
  }

  record Result(long files, long logLines, List<Finding> findings) {}

  /** The recorded secrets: one {@code kind<TAB>value} per line in every file of {@code dir}. */
  static Set<Secret> recorded(Path dir) {
    Set<Secret> secrets = new LinkedHashSet<>();
    if (!Files.isDirectory(dir)) {
      return secrets;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.toList()) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int tab = line.indexOf('\t');
          if (tab > 0) {
            secrets.add(new Secret(line.substring(0, tab), unescape(line.substring(tab + 1))));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return secrets;
  }

  /** The run's logs under {@code target}: the test JVMs' output and the kept logs of the processes they started. */
  static List<Path> logFiles(Path target) {
    List<Path> files = new ArrayList<>();
    for (String dir : List.of("surefire-reports", "failsafe-reports", "test-logs")) {
      Path d = target.resolve(dir);
      if (Files.isDirectory(d)) {
        try (Stream<Path> list = Files.list(d)) {
          list.filter(p -> dir.equals("test-logs") || p.getFileName().toString().endsWith("-output.txt"))
              .sorted().forEach(files::add);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    }
    return files;
  }

  static Result scan(List<Path> files, Set<Secret> secrets) {
    Map<String, List<Secret>> byStart = new HashMap<>();
    for (Secret s : secrets) {
      byStart.computeIfAbsent(s.value().substring(0, KEY), k -> new ArrayList<>()).add(s);
    }
    List<Finding> findings = new ArrayList<>();
    long logLines = 0;
    for (Path file : files) {
      try (BufferedReader in = new BufferedReader(new java.io.InputStreamReader(Files.newInputStream(file),
          StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)))) {
        String logger = null;
        String line;
        long number = 0;
        while ((line = in.readLine()) != null) {
          number++;
          Matcher m = LOG_LINE.matcher(line);
          if (m.find()) {
            logger = m.group(1);
          } else if (logger == null || !TRACE_LINE.matcher(line).matches()) {
            logger = null; // not a log line, nor the stack trace of one
            continue;
          }
          logLines++;
          check(line, logger, file.getFileName().toString(), number, byStart, findings);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Result(files.size(), logLines, findings);
  }

  private static void check(String line, String logger, String file, long number, Map<String, List<Secret>> byStart,
      List<Finding> findings) {
    Set<String> kinds = new LinkedHashSet<>();
    PATTERNS.forEach((kind, pattern) -> {
      if (pattern.matcher(line).find()) {
        kinds.add(kind);
      }
    });
    if (!byStart.isEmpty()) {
      for (int i = 0; i + KEY <= line.length(); i++) {
        List<Secret> candidates = byStart.get(line.substring(i, i + KEY));
        if (candidates != null) {
          for (Secret s : candidates) {
            if (line.startsWith(s.value(), i)) {
              kinds.add(s.kind());
            }
          }
        }
      }
    }
    kinds.forEach(kind -> findings.add(new Finding(kind, logger, file, number)));
  }

  private static String unescape(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char next = s.charAt(++i);
        out.append(switch (next) {
          case 'n' -> '\n';
          case 'r' -> '\r';
          case 't' -> '\t';
          default -> next;
        });
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
