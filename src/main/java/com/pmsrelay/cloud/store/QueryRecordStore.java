package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The queries the cloud keeps (table {@code queries}): async ones and immediate ones with an idempotency key. */
public final class QueryRecordStore {
  private static final String COLUMNS = "query_id, client_id, practice_id, mode, status, idempotency_key, request_hash, "
      + "request_sealed, node_id, accepted_by, created_at_ms, finished_at_ms, expires_at_ms, row_count, truncated, "
      + "result_bytes, queue_ms, exec_ms, error_code, error_detail";

  /** How a query ended, to record. */
  public record Outcome(String status, Long rowCount, Boolean truncated, Long resultBytes, Long queueMs, Long execMs,
      String errorCode, String errorDetail) {}

  private final Database db;

  public QueryRecordStore(Database db) {
    this.db = db;
  }

  /**
   * Records a new query; false if the integrator already used its idempotency key (the caller
   * then finds the first query by that key).
   */
  public Future<Boolean> insert(QueryRecord r) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO queries (query_id, client_id, practice_id, mode, "
          + "status, idempotency_key, request_hash, request_sealed, node_id, created_at_ms) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        ps.setString(1, r.queryId());
        ps.setString(2, r.clientId());
        ps.setString(3, r.practiceId());
        ps.setString(4, r.mode());
        ps.setString(5, r.status());
        ps.setString(6, r.idempotencyKey());
        ps.setString(7, r.requestHash());
        ps.setString(8, r.requestSealed());
        ps.setString(9, r.nodeId());
        ps.setLong(10, r.createdAtMs());
        ps.executeUpdate();
        return true;
      } catch (SQLException e) {
        if (isUniqueViolation(e) && r.idempotencyKey() != null) {
          return false;
        }
        throw e;
      }
    });
  }

  public Future<Optional<QueryRecord>> find(String queryId) {
    return db.call(c -> one(c, "SELECT " + COLUMNS + " FROM queries WHERE query_id = ?", queryId));
  }

  /** The query an integrator sent with {@code key} (within the key's life: keys are released after 24 h). */
  public Future<Optional<QueryRecord>> findByKey(String clientId, String key) {
    return db.call(c -> one(c, "SELECT " + COLUMNS + " FROM queries WHERE client_id = ? AND idempotency_key = ?",
        clientId, key));
  }

  /** The agent run that was sent the query: a resend must go to it or nowhere. */
  public Future<Void> accepted(String queryId, String acceptedBy) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE queries SET accepted_by = ? WHERE query_id = ?")) {
        ps.setString(1, acceptedBy);
        ps.setString(2, queryId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** The query reached the database and its result streams in. */
  public Future<Void> executing(String queryId, String acceptedBy) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE queries SET status = ?, accepted_by = COALESCE(?, accepted_by) WHERE query_id = ? AND status IN (?, ?)")) {
        ps.setString(1, QueryRecord.EXECUTING);
        ps.setString(2, acceptedBy);
        ps.setString(3, queryId);
        ps.setString(4, QueryRecord.QUEUED);
        ps.setString(5, QueryRecord.EXECUTING);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Records the end of a query that has not ended yet (true), forgetting its sealed request; with
   * {@code releaseKey} its idempotency key can be used again (the query never ran). False if it had
   * ended already (cancelled meanwhile, say).
   */
  public Future<Boolean> finish(String queryId, Outcome o, long nowMs, Long expiresAtMs, boolean releaseKey) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE queries SET status = ?, finished_at_ms = ?, expires_at_ms = ?, "
          + "row_count = ?, truncated = ?, result_bytes = ?, queue_ms = ?, exec_ms = ?, error_code = ?, error_detail = ?, "
          + "request_sealed = NULL" + (releaseKey ? ", idempotency_key = NULL" : "")
          + " WHERE query_id = ? AND status IN (?, ?)")) {
        ps.setString(1, o.status());
        ps.setLong(2, nowMs);
        ps.setObject(3, expiresAtMs, Types.BIGINT);
        ps.setObject(4, o.rowCount(), Types.BIGINT);
        ps.setObject(5, o.truncated(), Types.BOOLEAN);
        ps.setObject(6, o.resultBytes(), Types.BIGINT);
        ps.setObject(7, o.queueMs(), Types.BIGINT);
        ps.setObject(8, o.execMs(), Types.BIGINT);
        ps.setString(9, o.errorCode());
        ps.setString(10, o.errorDetail() == null ? null : o.errorDetail().substring(0, Math.min(2000, o.errorDetail().length())));
        ps.setString(11, queryId);
        ps.setString(12, QueryRecord.QUEUED);
        ps.setString(13, QueryRecord.EXECUTING);
        return ps.executeUpdate() == 1;
      }
    });
  }

  /**
   * Takes over the unfinished async queries whose node is not alive since {@code aliveSinceMs}
   * (or never recorded itself): they become {@code nodeId}'s. Returns them.
   */
  public Future<List<QueryRecord>> adoptOrphans(String nodeId, long aliveSinceMs) {
    return db.transaction(c -> {
      List<QueryRecord> orphans = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM queries q WHERE q.mode = ? "
          + "AND q.status IN (?, ?) AND (q.node_id IS NULL OR q.node_id <> ?) AND NOT EXISTS (SELECT 1 FROM cloud_nodes n "
          + "WHERE n.node_id = q.node_id AND n.alive_at >= ?)")) {
        ps.setString(1, QueryRecord.ASYNC);
        ps.setString(2, QueryRecord.QUEUED);
        ps.setString(3, QueryRecord.EXECUTING);
        ps.setString(4, nodeId);
        ps.setObject(5, java.time.OffsetDateTime.ofInstant(java.time.Instant.ofEpochMilli(aliveSinceMs), java.time.ZoneOffset.UTC));
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            orphans.add(read(rs));
          }
        }
      }
      List<QueryRecord> adopted = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE queries SET node_id = ? WHERE query_id = ? AND status IN (?, ?) AND (node_id IS NULL OR node_id = ?)")) {
        for (QueryRecord r : orphans) {
          ps.setString(1, nodeId);
          ps.setString(2, r.queryId());
          ps.setString(3, QueryRecord.QUEUED);
          ps.setString(4, QueryRecord.EXECUTING);
          ps.setString(5, r.nodeId());
          if (ps.executeUpdate() == 1) {
            adopted.add(r);
          }
        }
      }
      return adopted;
    });
  }

  /** Result bytes an integrator holds in results not yet expired (its quota's use). */
  public Future<Long> storedBytes(String clientId) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COALESCE(SUM(result_bytes), 0) FROM queries WHERE client_id = ? AND status = ?")) {
        ps.setString(1, clientId);
        ps.setString(2, QueryRecord.SUCCEEDED);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      }
    });
  }

  /**
   * Retention: results past their expiry turn {@code expired} (their ids returned, so their
   * files can go), idempotency keys older than {@code keysBeforeMs} are released, and records
   * that ended before {@code forgetBeforeMs} are removed.
   */
  public Future<List<String>> expire(long nowMs, long keysBeforeMs, long forgetBeforeMs) {
    return db.transaction(c -> {
      List<String> expired = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT query_id FROM queries WHERE expires_at_ms < ? AND status <> ?")) {
        ps.setLong(1, nowMs);
        ps.setString(2, QueryRecord.EXPIRED);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            expired.add(rs.getString(1));
          }
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE queries SET status = ?, result_bytes = 0 WHERE query_id = ?")) {
        for (String id : expired) {
          ps.setString(1, QueryRecord.EXPIRED);
          ps.setString(2, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE queries SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL AND created_at_ms < ?")) {
        ps.setLong(1, keysBeforeMs);
        ps.executeUpdate();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM queries WHERE finished_at_ms < ? AND status = ?")) {
        ps.setLong(1, forgetBeforeMs);
        ps.setString(2, QueryRecord.EXPIRED);
        ps.executeUpdate();
      }
      return expired;
    });
  }

  private static Optional<QueryRecord> one(Connection c, String sql, String... args) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(read(rs)) : Optional.empty();
      }
    }
  }

  private static QueryRecord read(ResultSet rs) throws SQLException {
    return new QueryRecord(rs.getString("query_id"), rs.getString("client_id"), rs.getString("practice_id"),
        rs.getString("mode"), rs.getString("status"), rs.getString("idempotency_key"), rs.getString("request_hash"),
        rs.getString("request_sealed"), rs.getString("node_id"), rs.getString("accepted_by"), rs.getLong("created_at_ms"),
        nullableLong(rs, "finished_at_ms"), nullableLong(rs, "expires_at_ms"), nullableLong(rs, "row_count"),
        nullableBoolean(rs, "truncated"), nullableLong(rs, "result_bytes"), nullableLong(rs, "queue_ms"),
        nullableLong(rs, "exec_ms"), rs.getString("error_code"), rs.getString("error_detail"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }

  private static Boolean nullableBoolean(ResultSet rs, String column) throws SQLException {
    boolean v = rs.getBoolean(column);
    return rs.wasNull() ? null : v;
  }

  /** SQLState 23505: unique violation, on both H2 and PostgreSQL. */
  private static boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }
}
