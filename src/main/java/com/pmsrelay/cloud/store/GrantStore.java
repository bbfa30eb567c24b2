package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Grants: which integrator may read which practice, with what scopes and limits. */
public final class GrantStore {
  /** A grant seen from the integrator's side, with the practice it opens. */
  public record Visible(Grant grant, Practice practice) {}

  private static final String GRANT_COLUMNS =
      "g.practice_id, g.client_id, g.status, g.scopes, g.max_rows, g.max_timeout_ms, "
          + "g.max_queue_timeout_ms, g.rate_per_minute, g.weight";

  private static final Comparator<Visible> BY_NAME =
      Comparator.comparing((Visible v) -> v.practice().name()).thenComparing(v -> v.practice().practiceId());

  private final Database db;
  /** Every query reads its grant: cached, evicted by writes here and by the change feed. */
  private final ReadCache<String, Optional<Grant>> cache = new ReadCache<>(30_000, 100_000);

  public GrantStore(Database db) {
    this.db = db;
  }

  /** Creates or replaces the grant, in one transaction: readers see the old grant or the new one. */
  public Future<Void> put(Grant grant) {
    return db.<Void>transaction(c -> {
      put(c, grant);
      return null;
    }).onComplete(done -> invalidate(grant.practiceId(), grant.clientId()));
  }

  /** Forgets the cached grant (it changed, here or on another node). */
  public void invalidate(String practiceId, String clientId) {
    cache.invalidate(practiceId + "/" + clientId);
  }

  static void put(Connection c, Grant g) throws SQLException {
    try (PreparedStatement delete = c.prepareStatement("DELETE FROM grants WHERE practice_id = ? AND client_id = ?")) {
      delete.setString(1, g.practiceId());
      delete.setString(2, g.clientId());
      delete.executeUpdate();
    }
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO grants (practice_id, client_id, status, scopes, max_rows, max_timeout_ms, "
            + "max_queue_timeout_ms, rate_per_minute, weight, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
      ps.setString(1, g.practiceId());
      ps.setString(2, g.clientId());
      ps.setString(3, g.status().wire());
      ps.setString(4, g.scopes().encode());
      ps.setInt(5, g.maxRows());
      ps.setInt(6, g.maxTimeoutMs());
      ps.setInt(7, g.maxQueueTimeoutMs());
      ps.setInt(8, g.ratePerMinute());
      ps.setInt(9, g.weight());
      ps.setObject(10, PracticeStore.now());
      ps.executeUpdate();
    }
  }

  public Future<Optional<Grant>> find(String practiceId, String clientId) {
    return cache.get(practiceId + "/" + clientId, () -> db.call(c -> find(c, practiceId, clientId)));
  }

  static Optional<Grant> find(Connection c, String practiceId, String clientId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT " + GRANT_COLUMNS + " FROM grants g WHERE g.practice_id = ? AND g.client_id = ?")) {
      ps.setString(1, practiceId);
      ps.setString(2, clientId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  /**
   * The practices an integrator may see: every grant but pending ones, in name order (by code
   * point, ties by practice id). Sorted here rather than by {@code ORDER BY}: the database's
   * collation (H2's code point order, a PostgreSQL server's locale) would make the order differ.
   */
  public Future<List<Visible>> visibleTo(String clientId) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + GRANT_COLUMNS + ", p.name, " + PracticeStore.AGENT_COLUMNS
              + " FROM grants g JOIN practices p ON p.practice_id = g.practice_id " + PracticeStore.NODE_JOIN
              + " WHERE g.client_id = ? AND g.status <> 'pending'")) {
        ps.setString(1, clientId);
        List<Visible> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.add(new Visible(read(rs), PracticeStore.read(rs)));
          }
        }
        result.sort(BY_NAME);
        return result;
      }
    });
  }

  private static Grant read(ResultSet rs) throws SQLException {
    return new Grant(
        rs.getString("practice_id"),
        rs.getString("client_id"),
        GrantStatus.fromWire(rs.getString("status")),
        new JsonArray(rs.getString("scopes")),
        rs.getInt("max_rows"),
        rs.getInt("max_timeout_ms"),
        rs.getInt("max_queue_timeout_ms"),
        rs.getInt("rate_per_minute"),
        rs.getInt("weight"));
  }

  /** Every grant a practice has given, by client id. */
  public Future<List<Grant>> forPractice(String practiceId) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + GRANT_COLUMNS + " FROM grants g WHERE g.practice_id = ? ORDER BY g.client_id")) {
        ps.setString(1, practiceId);
        List<Grant> result = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.add(read(rs));
          }
        }
        return result;
      }
    });
  }
}
