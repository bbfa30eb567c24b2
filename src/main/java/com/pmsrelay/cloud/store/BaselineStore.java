package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What the monitor has learnt, per practice and subject (an integrator's client id, or
 * {@link #AGENT} for the practice's agent), as a compact text the monitor reads and writes. Writers
 * merge rather than overwrite ({@link #merge}): each cloud node adds what it saw to what the others
 * stored, under the row's lock.
 */
public final class BaselineStore {
  /** The subject of a practice's own baseline (its agent), beside its integrators' client ids. */
  public static final String AGENT = "";

  private final Database db;

  public BaselineStore(Database db) {
    this.db = db;
  }

  public Future<Optional<String>> load(String practiceId, String subject) {
    return db.first("SELECT state FROM monitor_baselines WHERE practice_id = ? AND subject = ?",
        Tuple.of(practiceId, subject), row -> row.getString(0));
  }

  /**
   * Replaces the stored state by {@code merge} of it (null when there is none) in one transaction,
   * the row locked; answers what was written.
   */
  public Future<String> merge(String practiceId, String subject, UnaryOperator<String> merge) {
    Tuple key = Tuple.of(practiceId, subject);
    return db.transaction(c -> Sql.first(c,
            "SELECT state FROM monitor_baselines WHERE practice_id = ? AND subject = ? FOR UPDATE", key,
            row -> row.getString(0))
        .compose(stored -> {
          String merged = merge.apply(stored.orElse(null));
          long now = System.currentTimeMillis();
          return (stored.isPresent()
              ? Sql.update(c, "UPDATE monitor_baselines SET state = ?, updated_ms = ? WHERE practice_id = ? AND subject = ?",
                  Tuple.of(merged, now, practiceId, subject))
              : Sql.update(c, "INSERT INTO monitor_baselines (practice_id, subject, state, updated_ms) VALUES (?, ?, ?, ?)",
                  Tuple.of(practiceId, subject, merged, now)))
              .map(merged);
        }))
        // two nodes' first writes of one row race to insert it: the loser merges into the winner's
        .recover(e -> e instanceof java.sql.SQLException sql && sql.getSQLState() != null
            && sql.getSQLState().startsWith("23") ? merge(practiceId, subject, merge) : Future.failedFuture(e));
  }
}
