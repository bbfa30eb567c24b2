package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/** Registered queries (table {@code registered_queries}): who registered what, where, and their last run and change. */
public final class RegisteredQueryStore {
  private static final String COLUMNS = "registration_id, client_id, practice_id, sql_text, params_sealed, params_count, "
      + "catalogue, every_seconds, expires_at_ms, created_at_ms, last_run_at_ms, last_change_at_ms, last_result_id, "
      + "last_hash, runs, changes, expired_at_ms";

  private final Database db;

  public RegisteredQueryStore(Database db) {
    this.db = db;
  }

  /**
   * Records a new registration unless the integrator already holds {@code cap} unexpired ones at
   * the practice (false then); checked and inserted in one transaction, under a lock on the grant's
   * row so that two requests at once cannot both pass the cap.
   */
  public Future<Boolean> insert(RegisteredQuery r, int cap, long nowMs) {
    return db.transaction(c -> Sql.list(c, "SELECT status FROM grants WHERE practice_id = ? AND client_id = ? FOR UPDATE",
            Tuple.of(r.practiceId(), r.clientId()), row -> row.getString(0))
        .compose(locked -> Sql.first(c, "SELECT COUNT(*) FROM registered_queries WHERE practice_id = ? AND client_id = ? "
            + "AND expires_at_ms > ?", Tuple.of(r.practiceId(), r.clientId(), nowMs), row -> row.getLong(0)))
        .compose(count -> count.orElse(0L) >= cap ? Future.succeededFuture(false)
            : Sql.update(c, "INSERT INTO registered_queries (registration_id, client_id, practice_id, sql_text, "
                    + "params_sealed, params_count, catalogue, every_seconds, expires_at_ms, created_at_ms) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                Tuple.from(new Object[] {r.registrationId(), r.clientId(), r.practiceId(), r.sql(), r.paramsSealed(),
                    r.paramsCount(), r.catalogue(), r.everySeconds(), r.expiresAtMs(), r.createdAtMs()}))
                .map(true)));
  }

  public Future<Optional<RegisteredQuery>> find(String registrationId) {
    return db.first("SELECT " + COLUMNS + " FROM registered_queries WHERE registration_id = ?", Tuple.of(registrationId),
        RegisteredQueryStore::read);
  }

  /** The integrator's registrations, newest first. */
  public Future<List<RegisteredQuery>> ofClient(String clientId) {
    return db.list("SELECT " + COLUMNS + " FROM registered_queries WHERE client_id = ? ORDER BY created_at_ms DESC, "
        + "registration_id", Tuple.of(clientId), RegisteredQueryStore::read);
  }

  /** Every registration at a practice (the console's list, and what its agent is sent), oldest first. */
  public Future<List<RegisteredQuery>> ofPractice(String practiceId) {
    return db.list("SELECT " + COLUMNS + " FROM registered_queries WHERE practice_id = ? ORDER BY created_at_ms, "
        + "registration_id", Tuple.of(practiceId), RegisteredQueryStore::read);
  }

  /** Removes the integrator's registration; false if it has none of that id. */
  public Future<Boolean> delete(String registrationId, String clientId) {
    return db.update("DELETE FROM registered_queries WHERE registration_id = ? AND client_id = ?",
        Tuple.of(registrationId, clientId)).map(n -> n == 1);
  }

  /** A run that did not change the result (or failed): its time is the registration's last run. */
  public Future<Void> ran(String registrationId, long ranAtMs) {
    return db.update("UPDATE registered_queries SET runs = runs + 1, last_run_at_ms = ? WHERE registration_id = ?",
        Tuple.of(ranAtMs, registrationId)).mapEmpty();
  }

  /**
   * A run whose result changed and was stored as {@code resultId}: recorded only if the stored hash
   * is still {@code previousHash} (true); false if another change got there first, or the same
   * hash is stored already (then nothing is announced twice).
   */
  public Future<Boolean> changed(String registrationId, String previousHash, String hash, String resultId, long ranAtMs) {
    return db.update("UPDATE registered_queries SET runs = runs + 1, changes = changes + 1, last_run_at_ms = ?, "
            + "last_change_at_ms = ?, last_result_id = ?, last_hash = ? WHERE registration_id = ? AND "
            + (previousHash == null ? "last_hash IS NULL" : "last_hash = ?"),
        previousHash == null ? Tuple.of(ranAtMs, ranAtMs, resultId, hash, registrationId)
            : Tuple.of(ranAtMs, ranAtMs, resultId, hash, registrationId, previousHash)).map(n -> n == 1);
  }

  /**
   * Marks up to {@code limit} registrations whose expiry has passed and that no sweep marked yet;
   * answers those this call marked. Each row is claimed by a conditional update, so when several
   * nodes sweep at once each registration is answered to exactly one of them.
   */
  public Future<List<RegisteredQuery>> expireDue(long nowMs, int limit) {
    return db.list("SELECT " + COLUMNS + " FROM registered_queries WHERE expires_at_ms <= ? AND expired_at_ms IS NULL "
            + "ORDER BY expires_at_ms LIMIT " + Math.max(1, limit), Tuple.of(nowMs), RegisteredQueryStore::read)
        .compose(due -> Future.all(due.stream().map(r -> db.update("UPDATE registered_queries SET expired_at_ms = ? "
                + "WHERE registration_id = ? AND expired_at_ms IS NULL", Tuple.of(nowMs, r.registrationId())))
            .toList())
            .map(marked -> {
              List<RegisteredQuery> mine = new java.util.ArrayList<>();
              for (int i = 0; i < due.size(); i++) {
                if (marked.<Integer>resultAt(i) == 1) {
                  mine.add(due.get(i));
                }
              }
              return mine;
            }));
  }

  /**
   * Removes the registrations marked expired before {@code beforeMs} (kept until then so that their
   * integrators still see them, status expired, beside their last result); answers how many.
   */
  public Future<Integer> purgeExpired(long beforeMs) {
    return db.update("DELETE FROM registered_queries WHERE expired_at_ms IS NOT NULL AND expired_at_ms < ?",
        Tuple.of(beforeMs));
  }

  private static RegisteredQuery read(Row row) {
    return new RegisteredQuery(row.getString(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        row.getInteger(5), row.getString(6), row.getInteger(7), row.getLong(8), row.getLong(9), row.getLong(10),
        row.getLong(11), row.getString(12), row.getString(13), row.getLong(14), row.getLong(15), row.getLong(16));
  }
}
