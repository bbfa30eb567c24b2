package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Grants: which integrator may read which practice, with what scopes and limits. */
public final class GrantStore {
  /** A grant seen from the integrator's side, with the practice it opens. */
  public record Visible(Grant grant, Practice practice) {}

  /** A grant's columns, read by {@link #read}. */
  private static final String GRANT_COLUMNS =
      "g.practice_id, g.client_id, g.status, g.scopes, g.max_rows, g.max_timeout_ms, "
          + "g.max_queue_timeout_ms, g.rate_per_minute, g.weight";
  private static final int GRANT_COLUMN_COUNT = 9;

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
    return db.transaction(c -> put(c, grant))
        .onComplete(done -> invalidate(grant.practiceId(), grant.clientId()));
  }

  /** Forgets the cached grant (it changed, here or on another node). */
  public void invalidate(String practiceId, String clientId) {
    cache.invalidate(practiceId + "/" + clientId);
  }

  /**
   * Update, else insert (both portable; only the first grant of a pair inserts). Every write moves
   * the grant's revision on: a quarantine resumes only grants whose revision it left them at.
   */
  static Future<Void> put(SqlConnection c, Grant g) {
    return Sql.update(c, "UPDATE grants SET status = ?, scopes = ?, max_rows = ?, max_timeout_ms = ?, "
                + "max_queue_timeout_ms = ?, rate_per_minute = ?, weight = ?, updated_at = ?, revision = revision + 1 "
                + "WHERE practice_id = ? AND client_id = ?",
            Tuple.of(g.status().wire(), g.scopes().encode(), g.maxRows(), g.maxTimeoutMs(), g.maxQueueTimeoutMs(),
                g.ratePerMinute(), g.weight(), PracticeStore.now(), g.practiceId(), g.clientId()))
        .compose(updated -> updated > 0 ? Future.succeededFuture(updated)
            : Sql.update(c, "INSERT INTO grants (practice_id, client_id, status, scopes, max_rows, "
                    + "max_timeout_ms, max_queue_timeout_ms, rate_per_minute, weight, updated_at, revision) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                Tuple.of(g.practiceId(), g.clientId(), g.status().wire(), g.scopes().encode(), g.maxRows(),
                    g.maxTimeoutMs(), g.maxQueueTimeoutMs(), g.ratePerMinute(), g.weight(), PracticeStore.now())))
        .mapEmpty();
  }

  /** Sets one grant's status and revision (the caller holds its row locked and knows its revision). */
  static Future<Void> setStatus(SqlConnection c, String practiceId, String clientId, GrantStatus status, long revision) {
    return Sql.update(c, "UPDATE grants SET status = ?, updated_at = ?, revision = ? WHERE practice_id = ? AND client_id = ?",
        Tuple.of(status.wire(), PracticeStore.now(), revision, practiceId, clientId)).mapEmpty();
  }

  public Future<Optional<Grant>> find(String practiceId, String clientId) {
    return cache.get(practiceId + "/" + clientId, () -> db.transaction(c -> find(c, practiceId, clientId)));
  }

  static Future<Optional<Grant>> find(SqlConnection c, String practiceId, String clientId) {
    return Sql.first(c, "SELECT " + GRANT_COLUMNS + " FROM grants g WHERE g.practice_id = ? AND g.client_id = ?",
        Tuple.of(practiceId, clientId), GrantStore::read);
  }

  /**
   * The practices an integrator may see: every grant but pending ones, in name order (by code
   * point, ties by practice id). Sorted here rather than by {@code ORDER BY}: the database's
   * collation (H2's code point order, a PostgreSQL server's locale) would make the order differ.
   */
  public Future<List<Visible>> visibleTo(String clientId) {
    return db.list("SELECT " + GRANT_COLUMNS + ", " + PracticeStore.COLUMNS
                + " FROM grants g JOIN practices p ON p.practice_id = g.practice_id " + PracticeStore.NODE_JOIN
                + " WHERE g.client_id = ? AND g.status <> 'pending'", Tuple.of(clientId),
            row -> new Visible(read(row), PracticeStore.read(row, GRANT_COLUMN_COUNT)))
        .map(visible -> {
          List<Visible> sorted = new ArrayList<>(visible);
          sorted.sort(BY_NAME);
          return sorted;
        });
  }

  private static Grant read(Row row) {
    return new Grant(
        row.getString(0),
        row.getString(1),
        GrantStatus.fromWire(row.getString(2)),
        new JsonArray(row.getString(3)),
        row.getInteger(4),
        row.getInteger(5),
        row.getInteger(6),
        row.getInteger(7),
        row.getInteger(8));
  }

  /** Every grant a practice has given, by client id. */
  public Future<List<Grant>> forPractice(String practiceId) {
    return db.list("SELECT " + GRANT_COLUMNS + " FROM grants g WHERE g.practice_id = ? ORDER BY g.client_id",
        Tuple.of(practiceId), GrantStore::read);
  }
}
