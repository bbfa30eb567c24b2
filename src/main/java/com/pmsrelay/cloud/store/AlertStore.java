package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The monitor's alerts (V9): stored as they fire, listed newest first, acknowledged once. */
public final class AlertStore {
  private static final String COLUMNS = "alert_id, practice_id, client_id, rule, at_ms, node_id, figures, paused, "
      + "acknowledged_by, acknowledged_at_ms";

  private final Database db;

  public AlertStore(Database db) {
    this.db = db;
  }

  public Future<Void> add(Alert a) {
    return db.update("INSERT INTO alerts (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        Tuple.of(a.alertId(), a.practiceId(), a.clientId(), a.rule(), a.atMs(), a.nodeId(), a.figures().encode(),
            a.paused(), a.acknowledgedBy(), a.acknowledgedAtMs())).mapEmpty();
  }

  /** Records that the alert's rule paused its integrator (after the alert was stored). */
  public Future<Void> markPaused(String alertId) {
    return db.update("UPDATE alerts SET paused = TRUE WHERE alert_id = ?", Tuple.of(alertId)).mapEmpty();
  }

  /**
   * Alerts newest first: of one practice, or of all when {@code practiceId} is null; only those not
   * yet acknowledged if asked; at most {@code limit}.
   */
  public Future<List<Alert>> list(String practiceId, boolean unacknowledgedOnly, int limit) {
    StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM alerts WHERE 1 = 1");
    List<Object> args = new ArrayList<>();
    if (practiceId != null) {
      sql.append(" AND practice_id = ?");
      args.add(practiceId);
    }
    if (unacknowledgedOnly) {
      sql.append(" AND acknowledged_at_ms IS NULL");
    }
    sql.append(" ORDER BY at_ms DESC, alert_id LIMIT ?");
    args.add(limit);
    return db.list(sql.toString(), Tuple.from(args), AlertStore::read);
  }

  /** How many of a practice's alerts nobody has acknowledged yet: the console's badge. */
  public Future<Long> countUnacknowledged(String practiceId) {
    return db.first("SELECT COUNT(*) FROM alerts WHERE practice_id = ? AND acknowledged_at_ms IS NULL",
        Tuple.of(practiceId), row -> row.getLong(0)).map(Optional::orElseThrow);
  }

  public Future<Optional<Alert>> find(String practiceId, String alertId) {
    return db.first("SELECT " + COLUMNS + " FROM alerts WHERE practice_id = ? AND alert_id = ?",
        Tuple.of(practiceId, alertId), AlertStore::read);
  }

  /**
   * Acknowledges one of the practice's alerts; an alert acknowledged before keeps its first
   * acknowledgement. Empty if the practice has no such alert.
   */
  public Future<Optional<Alert>> acknowledge(String practiceId, String alertId, String by, long atMs) {
    return db.transaction(c -> Sql.update(c, "UPDATE alerts SET acknowledged_by = ?, acknowledged_at_ms = ? "
                + "WHERE practice_id = ? AND alert_id = ? AND acknowledged_at_ms IS NULL",
            Tuple.of(by, atMs, practiceId, alertId))
        .compose(n -> Sql.first(c, "SELECT " + COLUMNS + " FROM alerts WHERE practice_id = ? AND alert_id = ?",
            Tuple.of(practiceId, alertId), AlertStore::read)));
  }

  private static Alert read(Row row) {
    return new Alert(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getLong(4),
        row.getString(5), new JsonObject(row.getString(6)), row.getBoolean(7), row.getString(8),
        row.getLong(9));
  }
}
