package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/** The feed of control-plane changes that every cloud node acts on (see V3 migration). */
public final class ChangeStore {
  /** Kinds of change. */
  public static final String AGENT_KEY = "agent-key";
  public static final String GRANT = "grant";
  public static final String INTEGRATOR = "integrator";
  public static final String SIGNING_KEYS = "signing-keys";

  /** One change: what kind, and whom it concerns (a practice id, "practiceId/clientId", a client id). */
  public record Change(long id, String kind, String subject) {}

  private final Database db;

  public ChangeStore(Database db) {
    this.db = db;
  }

  public Future<Void> publish(String kind, String subject) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (kind, subject, at_ms) VALUES (?, ?, ?)")) {
        ps.setString(1, kind);
        ps.setString(2, subject);
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** The newest change id now: a node starts following the feed from here. */
  public Future<Long> latestId() {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT COALESCE(MAX(id), 0) FROM changes");
           ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  /**
   * Changes published since {@code sinceMs}. Followers read a window rather than "after the last
   * id": identity values are handed out before commit, so with several publishers a change can
   * become visible after one with a higher id.
   */
  public Future<List<Change>> since(long sinceMs) {
    return db.call(c -> {
      List<Change> changes = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, subject FROM changes WHERE at_ms >= ? ORDER BY id")) {
        ps.setLong(1, sinceMs);
        ps.setMaxRows(10_000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            changes.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return changes;
    });
  }

  public Future<List<Change>> after(long id) {
    return db.call(c -> {
      List<Change> changes = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, kind, subject FROM changes WHERE id > ? ORDER BY id")) {
        ps.setLong(1, id);
        ps.setMaxRows(1000);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            changes.add(new Change(rs.getLong(1), rs.getString(2), rs.getString(3)));
          }
        }
      }
      return changes;
    });
  }

  /** Removes changes older than {@code beforeMs}: nodes only ever read the last seconds of the feed. */
  public Future<Integer> purgeOlderThan(long beforeMs) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM changes WHERE at_ms < ?")) {
        ps.setLong(1, beforeMs);
        return ps.executeUpdate();
      }
    });
  }
}
