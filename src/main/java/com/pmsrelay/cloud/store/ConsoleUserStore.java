package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import io.vertx.core.Future;
import java.sql.PreparedStatement;

/** Practice admins' console logins (passwords hashed with a slow KDF). */
public final class ConsoleUserStore {
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
}
