package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions (session_hash, username, practice_id, "
          + "csrf_token, expires_at_ms) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, Secrets.sha256Hex(id));
        ps.setString(2, username);
        ps.setString(3, practiceId);
        ps.setString(4, csrf);
        ps.setLong(5, System.currentTimeMillis() + ttlMs);
        ps.executeUpdate();
      }
      return new Created(id, new Session(username, practiceId, csrf));
    });
  }

  public Future<Optional<Session>> find(String cookieValue) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT username, practice_id, csrf_token FROM console_sessions "
          + "WHERE session_hash = ? AND expires_at_ms > ?")) {
        ps.setString(1, Secrets.sha256Hex(cookieValue));
        ps.setLong(2, System.currentTimeMillis());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(new Session(rs.getString(1), rs.getString(2), rs.getString(3))) : Optional.empty();
        }
      }
    });
  }

  public Future<Void> delete(String cookieValue) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE session_hash = ? OR expires_at_ms < ?")) {
        ps.setString(1, Secrets.sha256Hex(cookieValue));
        ps.setLong(2, System.currentTimeMillis());
        ps.executeUpdate();
      }
      return null;
    });
  }
}
