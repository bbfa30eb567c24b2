package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Practice admins' console logins (passwords hashed with a slow KDF, on a worker), locked for a
 * while after {@value #MAX_FAILURES} failures in a row.
 */
public final class ConsoleUserStore {
  public static final int MAX_FAILURES = 5;
  public static final long LOCK_MS = 15 * 60 * 1000;

  /** Who logged in. */
  public record User(String username, String practiceId) {}

  /** A login's stored state, read (and locked) before its password is checked. */
  private record Account(String hash, String practiceId, int failures, long lockedUntilMs) {}

  private final Database db;
  private final PasswordHasher hasher;

  public ConsoleUserStore(Database db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  public Future<Void> create(String username, String practiceId, String password) {
    return db.onWorker(() -> hasher.hash(password))
        .compose(hash -> db.update("INSERT INTO console_users (username, practice_id, password_hash, created_at) "
            + "VALUES (?, ?, ?, ?)", Tuple.of(username, practiceId, hash, PracticeStore.now())))
        .mapEmpty();
  }

  /**
   * The user if the password is right and the account is not locked. Unknown users, wrong
   * passwords and locked accounts look the same to the caller, and cost the same time.
   */
  public Future<Optional<User>> authenticate(String username, String password) {
    return db.transaction(c -> Sql.first(c, "SELECT password_hash, practice_id, failed_logins, locked_until_ms "
            + "FROM console_users WHERE username = ? FOR UPDATE", Tuple.of(username),
        row -> new Account(row.getString(0), row.getString(1), row.getInteger(2), row.getLong(3)))
        .compose(found -> {
          Account account = found.orElse(null);
          return db.onWorker(() -> hasher.verify(password, account == null ? null : account.hash()))
              .compose(matches -> {
                long now = System.currentTimeMillis();
                if (account == null || account.lockedUntilMs() > now) {
                  return Future.succeededFuture(Optional.<User>empty());
                }
                int failures = matches ? 0 : account.failures() + 1;
                boolean lock = failures >= MAX_FAILURES;
                return Sql.update(c, "UPDATE console_users SET failed_logins = ?, locked_until_ms = ? WHERE username = ?",
                        Tuple.of(lock ? 0 : failures, lock ? now + LOCK_MS : 0L, username))
                    .map(matches ? Optional.of(new User(username, account.practiceId())) : Optional.<User>empty());
              });
        }));
  }
}
