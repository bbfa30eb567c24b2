package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;

/**
 * Practice admins' console logins: passwords people choose, so hashed with a slow KDF, on a
 * worker. Failed attempts are not counted here: the console's login throttle (per address and per
 * account, a delay that grows with failures) answers before this store is asked, so nobody can
 * lock an account by failing on purpose. The columns {@code failed_logins} and
 * {@code locked_until_ms} of the hard lock this replaced are no longer read or written.
 */
public final class ConsoleUserStore {
  /** Who logged in. */
  public record User(String username, String practiceId) {}

  private record Account(String hash, String practiceId) {}

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
   * The user if the password is right. Unknown users and wrong passwords look the same to the
   * caller and cost the same time. The hash is read in a transaction of its own: the KDF runs on a
   * worker after the connection is back in the pool.
   */
  public Future<Optional<User>> authenticate(String username, String password) {
    return db.first("SELECT password_hash, practice_id FROM console_users WHERE username = ?", Tuple.of(username),
            row -> new Account(row.getString(0), row.getString(1)))
        .compose(found -> {
          Account account = found.orElse(null);
          return db.onWorker(() -> hasher.verify(password, account == null ? null : account.hash()))
              .map(matches -> matches && account != null
                  ? Optional.of(new User(username, account.practiceId())) : Optional.<User>empty());
        });
  }
}
