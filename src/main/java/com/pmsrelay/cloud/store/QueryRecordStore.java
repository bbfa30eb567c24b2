package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The queries the cloud keeps (table {@code queries}): async ones and immediate ones with an idempotency key. */
public final class QueryRecordStore {
  /** A record's columns, read by {@link #read}. */
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
    return db.update("INSERT INTO queries (query_id, client_id, practice_id, mode, status, idempotency_key, "
                + "request_hash, request_sealed, node_id, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            Tuple.of(r.queryId(), r.clientId(), r.practiceId(), r.mode(), r.status(), r.idempotencyKey(),
                r.requestHash(), r.requestSealed(), r.nodeId(), r.createdAtMs()))
        .map(true)
        .recover(e -> isUniqueViolation(e) && r.idempotencyKey() != null ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  public Future<Optional<QueryRecord>> find(String queryId) {
    return db.first("SELECT " + COLUMNS + " FROM queries WHERE query_id = ?", Tuple.of(queryId), QueryRecordStore::read);
  }

  /** The query an integrator sent with {@code key} (within the key's life: keys are released after 24 h). */
  public Future<Optional<QueryRecord>> findByKey(String clientId, String key) {
    return db.first("SELECT " + COLUMNS + " FROM queries WHERE client_id = ? AND idempotency_key = ?",
        Tuple.of(clientId, key), QueryRecordStore::read);
  }

  /** The agent run that was sent the query: a resend must go to it or nowhere. */
  public Future<Void> accepted(String queryId, String acceptedBy) {
    return db.update("UPDATE queries SET accepted_by = ? WHERE query_id = ?", Tuple.of(acceptedBy, queryId)).mapEmpty();
  }

  /** The query reached the database and its result streams in. */
  public Future<Void> executing(String queryId, String acceptedBy) {
    return db.update("UPDATE queries SET status = ?, accepted_by = COALESCE(?, accepted_by) WHERE query_id = ? "
            + "AND status IN (?, ?)",
        Tuple.of(QueryRecord.EXECUTING, acceptedBy, queryId, QueryRecord.QUEUED, QueryRecord.EXECUTING)).mapEmpty();
  }

  /**
   * Records the end of a query that has not ended yet (true), forgetting its sealed request; with
   * {@code releaseKey} its idempotency key can be used again (the query never ran). False if it had
   * ended already (cancelled meanwhile, say).
   */
  public Future<Boolean> finish(String queryId, Outcome o, long nowMs, Long expiresAtMs, boolean releaseKey) {
    String detail = o.errorDetail() == null ? null : o.errorDetail().substring(0, Math.min(2000, o.errorDetail().length()));
    return db.update("UPDATE queries SET status = ?, finished_at_ms = ?, expires_at_ms = ?, row_count = ?, truncated = ?, "
                + "result_bytes = ?, queue_ms = ?, exec_ms = ?, error_code = ?, error_detail = ?, request_sealed = NULL"
                + (releaseKey ? ", idempotency_key = NULL" : "") + " WHERE query_id = ? AND status IN (?, ?)",
            Tuple.of(o.status(), nowMs, expiresAtMs, o.rowCount(), o.truncated(), o.resultBytes(), o.queueMs(),
                o.execMs(), o.errorCode(), detail, queryId, QueryRecord.QUEUED, QueryRecord.EXECUTING))
        .map(updated -> updated == 1);
  }

  /**
   * Takes over the unfinished async queries whose node is not alive since {@code aliveSinceMs}
   * (or never recorded itself): they become {@code nodeId}'s. Returns them.
   */
  public Future<List<QueryRecord>> adoptOrphans(String nodeId, long aliveSinceMs) {
    OffsetDateTime aliveSince = OffsetDateTime.ofInstant(Instant.ofEpochMilli(aliveSinceMs), ZoneOffset.UTC);
    return db.transaction(c -> Sql.list(c, "SELECT " + COLUMNS + " FROM queries q WHERE q.mode = ? "
            + "AND q.status IN (?, ?) AND (q.node_id IS NULL OR q.node_id <> ?) AND NOT EXISTS (SELECT 1 FROM cloud_nodes n "
            + "WHERE n.node_id = q.node_id AND n.alive_at >= ?)",
        Tuple.of(QueryRecord.ASYNC, QueryRecord.QUEUED, QueryRecord.EXECUTING, nodeId, aliveSince), QueryRecordStore::read)
        .compose(orphans -> {
          Future<List<QueryRecord>> adopted = Future.succeededFuture(new ArrayList<>());
          for (QueryRecord r : orphans) { // one by one: another node may adopt some first
            adopted = adopted.compose(taken -> Sql.update(c, "UPDATE queries SET node_id = ? WHERE query_id = ? "
                    + "AND status IN (?, ?) AND (node_id IS NULL OR node_id = ?)",
                Tuple.of(nodeId, r.queryId(), QueryRecord.QUEUED, QueryRecord.EXECUTING, r.nodeId()))
                .map(updated -> {
                  if (updated == 1) {
                    taken.add(r);
                  }
                  return taken;
                }));
          }
          return adopted;
        }));
  }

  /** Result bytes an integrator holds in results not yet expired (its quota's use). */
  public Future<Long> storedBytes(String clientId) {
    return db.first("SELECT COALESCE(SUM(result_bytes), 0) FROM queries WHERE client_id = ? AND status = ?",
        Tuple.of(clientId, QueryRecord.SUCCEEDED), row -> row.getLong(0)).map(Optional::orElseThrow);
  }

  /**
   * Retention: results past their expiry turn {@code expired} (their ids returned, so their
   * files can go), idempotency keys older than {@code keysBeforeMs} are released, and records
   * that ended before {@code forgetBeforeMs} are removed.
   */
  public Future<List<String>> expire(long nowMs, long keysBeforeMs, long forgetBeforeMs) {
    return db.transaction(c -> Sql.list(c, "SELECT query_id FROM queries WHERE expires_at_ms < ? AND status <> ?",
            Tuple.of(nowMs, QueryRecord.EXPIRED), row -> row.getString(0))
        .compose(expired -> (expired.isEmpty() ? Future.succeededFuture()
            : c.preparedQuery("UPDATE queries SET status = ?, result_bytes = 0 WHERE query_id = ?")
                .executeBatch(expired.stream().map(id -> Tuple.of(QueryRecord.EXPIRED, id)).toList()))
            .compose(v -> Sql.update(c, "UPDATE queries SET idempotency_key = NULL WHERE idempotency_key IS NOT NULL "
                + "AND created_at_ms < ?", Tuple.of(keysBeforeMs)))
            .compose(v -> Sql.update(c, "DELETE FROM queries WHERE finished_at_ms < ? AND status = ?",
                Tuple.of(forgetBeforeMs, QueryRecord.EXPIRED)))
            .map(expired)));
  }

  private static QueryRecord read(Row row) {
    return new QueryRecord(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        row.getString(5), row.getString(6), row.getString(7), row.getString(8), row.getString(9), row.getLong(10),
        row.getLong(11), row.getLong(12), row.getLong(13), row.getBoolean(14), row.getLong(15), row.getLong(16),
        row.getLong(17), row.getString(18), row.getString(19));
  }

  /** SQLState 23505: unique violation, on both H2 and PostgreSQL. */
  private static boolean isUniqueViolation(Throwable e) {
    return e instanceof SQLException sql && "23505".equals(sql.getSQLState());
  }
}
