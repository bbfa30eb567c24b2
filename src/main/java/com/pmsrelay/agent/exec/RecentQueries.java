package com.pmsrelay.agent.exec;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The ids of the last {@value #CAPACITY} queries that reached the database, so that a query the
 * cloud sends again after a reconnect never runs twice. Confined to the executor's context.
 */
final class RecentQueries {
  static final int CAPACITY = 100_000;

  private final Map<String, Boolean> ids = new LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
      return size() > CAPACITY;
    }
  };

  void ran(String queryId) {
    ids.put(queryId, Boolean.TRUE);
  }

  boolean hasRun(String queryId) {
    return ids.containsKey(queryId);
  }
}
