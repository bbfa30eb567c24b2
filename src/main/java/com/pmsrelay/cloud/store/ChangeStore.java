package com.pmsrelay.cloud.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

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
  /** Releases, their roll-out or the version policy changed (subject "*"): agents are told their offers anew. */
  public static final String RELEASES = "releases";

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
    return db.transaction(c -> publish(c, kind, subject));
  }

  /** Records a change in the caller's transaction: it is seen (and, on PostgreSQL, announced) only if that commits. */
  Future<Void> publish(SqlConnection c, String kind, String subject) {
    Tuple change = Tuple.of(kind, subject, System.currentTimeMillis());
    if (!db.postgres()) { // nothing is announced on H2, so the new id is not needed there
      return Sql.update(c, "INSERT INTO changes (kind, subject, at_ms) VALUES (?, ?, ?)", change).mapEmpty();
    }
    return Sql.first(c, "INSERT INTO changes (kind, subject, at_ms) VALUES (?, ?, ?) RETURNING id", change, row -> row.getLong(0))
        .compose(id -> Sql.first(c, "SELECT pg_notify(?, ?)", Tuple.of(CHANNEL, Long.toString(id.orElseThrow())),
            row -> true))
        .mapEmpty();
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
    return db.first("SELECT COALESCE(MAX(id), 0) FROM changes", Tuple.tuple(), row -> row.getLong(0)).map(Optional::orElseThrow);
  }

  /**
   * Changes after id {@code afterId} or published since {@code sinceMs}, in id order, at most
   * {@link #READ_LIMIT}. Followers read both: ids are handed out before commit, so with several
   * publishers a change can become visible after one with a higher id (the window catches it),
   * and a follower that could not read for longer than the window still gets all it missed.
   */
  public Future<List<Change>> newerThan(long afterId, long sinceMs) {
    return db.list("SELECT id, kind, subject FROM changes WHERE id > ? OR at_ms >= ? ORDER BY id LIMIT ?",
        Tuple.of(afterId, sinceMs, READ_LIMIT), ChangeStore::read);
  }

  public Future<List<Change>> after(long id) {
    return db.list("SELECT id, kind, subject FROM changes WHERE id > ? ORDER BY id LIMIT ?", Tuple.of(id, 1000),
        ChangeStore::read);
  }

  private static Change read(Row row) {
    return new Change(row.getLong(0), row.getString(1), row.getString(2));
  }

  /** Removes changes older than {@code beforeMs}: nodes only ever read the last seconds of the feed. */
  public Future<Integer> purgeOlderThan(long beforeMs) {
    return db.update("DELETE FROM changes WHERE at_ms < ?", Tuple.of(beforeMs));
  }
}
