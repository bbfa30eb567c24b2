package com.pmsrelay.cloud.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * The feed of control-plane changes that every cloud node acts on (see V3 migration). On
 * PostgreSQL each change is also announced with {@code NOTIFY} on {@link #CHANNEL}, so nodes read
 * the feed when told instead of polling it; on embedded H2 (one node) they poll.
 */
public final class ChangeStore {
  /** Kinds of change. */
  public static final String AGENT_KEY = "agent-key";
  public static final String GRANT = "grant";
  public static final String INTEGRATOR = "integrator";
  public static final String SIGNING_KEYS = "signing-keys";

  /** The PostgreSQL notification channel; a notification's payload is the change's id, never data. */
  public static final String CHANNEL = "pms_relay_changes";
  /** Most changes one read returns; a follower that gets this many reads again. */
  public static final int READ_LIMIT = 10_000;

  /** One change: what kind, and whom it concerns (a practice id, "practiceId/clientId", a client id). */
  public record Change(long id, String kind, String subject) {}

  private final Database db;

  public ChangeStore(Database db) {
    this.db = db;
  }

  /**
   * Records a change. On PostgreSQL it is announced in the same transaction, so listeners hear
   * of it only once it is committed (a NOTIFY is delivered at commit, and dropped on rollback).
   */
  public Future<Void> publish(String kind, String subject) {
    return db.transaction(c -> {
      long id;
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO changes (kind, subject, at_ms) VALUES (?, ?, ?)",
          Statement.RETURN_GENERATED_KEYS)) {
        ps.setString(1, kind);
        ps.setString(2, subject);
        ps.setLong(3, System.currentTimeMillis());
        ps.executeUpdate();
        try (ResultSet keys = ps.getGeneratedKeys()) {
          keys.next();
          id = keys.getLong("id");
        }
      }
      if (db.postgres()) {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
          ps.setString(1, CHANNEL);
          ps.setString(2, Long.toString(id));
          ps.execute();
        }
      }
      return null;
    });
  }

  /** True where changes are announced (PostgreSQL): followers listen, and poll only as a safety net. */
  public boolean pushed() {
    return db.postgres();
  }

  /**
   * A listener (PostgreSQL only) that runs {@code wake} on {@code context} whenever a change is
   * announced, and whenever its connection is (re)established. Start it; stop it.
   */
  public ChangeListener listen(Context context, Runnable wake) {
    if (!pushed()) {
      throw new IllegalStateException("changes are announced on PostgreSQL only");
    }
    return new ChangeListener(db, context, wake);
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
   * Changes after id {@code afterId} or published since {@code sinceMs}, in id order, at most
   * {@link #READ_LIMIT}. Followers read both: ids are handed out before commit, so with several
   * publishers a change can become visible after one with a higher id (the window catches it),
   * and a follower that could not read for longer than the window still gets all it missed.
   */
  public Future<List<Change>> newerThan(long afterId, long sinceMs) {
    return db.call(c -> {
      List<Change> changes = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT id, kind, subject FROM changes WHERE id > ? OR at_ms >= ? ORDER BY id")) {
        ps.setLong(1, afterId);
        ps.setLong(2, sinceMs);
        ps.setMaxRows(READ_LIMIT);
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
