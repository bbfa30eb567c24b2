package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import io.vertx.core.Future;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Optional;

/**
 * Practice admins' console logins (passwords hashed with a slow KDF), locked for a while after
 * {@value #MAX_FAILURES} failures in a row.
 */
public final class ConsoleUserStore {
  public static final int MAX_FAILURES = 5;
  public static final long LOCK_MS = 15 * 60 * 1000;

  /** Who logged in. */
  public record User(String username, String practiceId) {}

  private final Database db;
  private final PasswordHasher hasher;

  public ConsoleUserStore(Database db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  public Future<Void> create(String username, String practiceId, String password) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO console_users (username, practice_id, password_hash, created_at) VALUES (?, ?, ?, ?)")) {
        ps.setString(1, username);
        ps.setString(2, practiceId);
        ps.setString(3, hasher.hash(password));
        ps.setObject(4, PracticeStore.now());
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * The user if the password is right and the account is not locked. Unknown users, wrong
   * passwords and locked accounts look the same to the caller, and cost the same time.
   */
  public Future<Optional<User>> authenticate(String username, String password) {
    return db.transaction(c -> {
      String hash = null;
      String practiceId = null;
      int failures = 0;
      long lockedUntil = 0;
      try (PreparedStatement ps = c.prepareStatement("SELECT password_hash, practice_id, failed_logins, locked_until_ms "
          + "FROM console_users WHERE username = ? FOR UPDATE")) {
        ps.setString(1, username);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            hash = rs.getString(1);
            practiceId = rs.getString(2);
            failures = rs.getInt(3);
            lockedUntil = rs.getLong(4);
          }
        }
      }
      boolean matches = hasher.verify(password, hash);
      long now = System.currentTimeMillis();
      if (hash == null) {
        return Optional.empty();
      }
      if (lockedUntil > now) {
        return Optional.empty();
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE console_users SET failed_logins = ?, locked_until_ms = ? WHERE username = ?")) {
        int nextFailures = matches ? 0 : failures + 1;
        ps.setInt(1, nextFailures >= MAX_FAILURES ? 0 : nextFailures);
        ps.setLong(2, nextFailures >= MAX_FAILURES ? now + LOCK_MS : 0);
        ps.setString(3, username);
        ps.executeUpdate();
      }
      return matches ? Optional.of(new User(username, practiceId)) : Optional.empty();
    });
  }
}
