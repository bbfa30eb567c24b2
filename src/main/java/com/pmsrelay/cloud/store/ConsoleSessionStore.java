package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Console sessions, server-side so that logging out (or a lock-out) ends them at once on every
 * node. The cookie holds a random id; the store holds only its hash.
 */
public final class ConsoleSessionStore {
  /** A logged-in practice admin. */
  public record Session(String username, String practiceId, String csrfToken) {}

  /** A new session: the cookie value (shown once) and the session. */
  public record Created(String cookieValue, Session session) {}

  private final Database db;

  public ConsoleSessionStore(Database db) {
    this.db = db;
  }

  public Future<Created> create(String username, String practiceId, long ttlMs) {
    String id = Secrets.token("", 32);
    String csrf = Secrets.token("", 24);
    return db.update("INSERT INTO console_sessions (session_hash, username, practice_id, csrf_token, expires_at_ms) "
            + "VALUES (?, ?, ?, ?, ?)",
        Tuple.of(Secrets.sha256Hex(id), username, practiceId, csrf, System.currentTimeMillis() + ttlMs))
        .map(new Created(id, new Session(username, practiceId, csrf)));
  }

  public Future<Optional<Session>> find(String cookieValue) {
    return db.first("SELECT username, practice_id, csrf_token FROM console_sessions "
            + "WHERE session_hash = ? AND expires_at_ms > ?",
        Tuple.of(Secrets.sha256Hex(cookieValue), System.currentTimeMillis()),
        row -> new Session(row.getString(0), row.getString(1), row.getString(2)));
  }

  public Future<Void> delete(String cookieValue) {
    return db.update("DELETE FROM console_sessions WHERE session_hash = ? OR expires_at_ms < ?",
        Tuple.of(Secrets.sha256Hex(cookieValue), System.currentTimeMillis())).mapEmpty();
  }
}
