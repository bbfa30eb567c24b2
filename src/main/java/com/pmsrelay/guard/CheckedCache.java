package com.pmsrelay.guard;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Statements the guard has already allowed, by their exact text. Integrators send the same
 * parameterised SQL again and again (the values travel as ? parameters), and the verdict depends
 * on the text alone, so a repeat skips both readings. Bounded twice: in entries (least recently
 * used go first) and in the length of the texts it keeps, so it holds at most a few megabytes.
 * Refusals are not kept: they are cheap to repeat, and a time-out need not be final.
 */
final class CheckedCache {
  static final int MAX_ENTRIES = 512;
  static final int MAX_TEXT = 4_096;

  private final Map<String, SqlGuard.Checked> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, SqlGuard.Checked> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  synchronized SqlGuard.Checked get(String sql) {
    return entries.get(sql);
  }

  synchronized void put(SqlGuard.Checked checked) {
    if (checked.sql().length() <= MAX_TEXT) {
      entries.put(checked.sql(), checked);
    }
  }
}
