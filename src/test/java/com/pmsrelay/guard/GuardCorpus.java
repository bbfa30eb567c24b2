package com.pmsrelay.guard;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A corpus file under src/test/resources/guard: statements separated by a line holding only
 * {@code -- ----}. An entry's first {@code -- } comment names it; a {@code -- scope: a, b} line
 * gives the grant's tables to check it against (no such line: no restriction).
 */
final class GuardCorpus {
  /** One statement of a corpus, exactly as written (comments and line endings included). */
  record Entry(String name, String sql, List<String> scope) {
    @Override
    public String toString() {
      return name;
    }
  }

  private GuardCorpus() {
  }

  static List<Entry> load(String resource) {
    String text;
    try (InputStream in = GuardCorpus.class.getResourceAsStream("/guard/" + resource)) {
      if (in == null) {
        throw new IllegalStateException("no corpus " + resource);
      }
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<Entry> entries = new ArrayList<>();
    for (String sql : text.split("(?m)^-- ----\r?\n")) {
      String trimmed = sql.strip();
      if (trimmed.isEmpty()) {
        continue;
      }
      entries.add(new Entry(name(trimmed), trimmed, scope(trimmed)));
    }
    return entries;
  }

  private static String name(String sql) {
    String first = sql.lines().findFirst().orElse("");
    return first.startsWith("-- ") ? first.substring(3).strip() : first.length() > 80 ? first.substring(0, 80) + "…" : first;
  }

  private static List<String> scope(String sql) {
    return sql.lines()
        .filter(line -> line.startsWith("-- scope:"))
        .findFirst()
        .map(line -> Arrays.stream(line.substring("-- scope:".length()).split(",")).map(String::strip).toList())
        .orElse(List.of());
  }
}
