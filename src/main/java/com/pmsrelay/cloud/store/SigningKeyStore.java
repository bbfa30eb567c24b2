package com.pmsrelay.cloud.store;

import com.pmsrelay.cloud.keys.SealingKeys;
import com.pmsrelay.common.config.ConfigException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * The JWT signing keys, newest first: the first is the current one, the rest verify until retired.
 * Each private JWK is sealed (AES-256-GCM, bound to its kid) with the master key's signing-keys
 * key: the store, or a backup of it, holds no key that can sign a token. Public JWKs stay plain.
 */
public final class SigningKeyStore {
  /** One key as a JWK pair: the private JWK signs, the public JWK is published. */
  public record StoredKey(String kid, String algorithm, JsonObject privateJwk, JsonObject publicJwk) {}

  private final Database db;
  private final SealingKeys sealing;

  public SigningKeyStore(Database db, SealingKeys sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  /** The active keys, their private JWKs opened; fails with the fix named if one was sealed under another master key. */
  public Future<List<StoredKey>> active() {
    return db.list("SELECT kid, algorithm, private_jwk, public_jwk FROM signing_keys WHERE retired_at IS NULL "
            + "ORDER BY created_at DESC, kid", Tuple.tuple(), row -> new String[] {row.getString(0), row.getString(1),
            row.getString(2), row.getString(3)})
        .compose(rows -> {
          List<StoredKey> keys = new ArrayList<>();
          for (String[] row : rows) {
            keys.add(new StoredKey(row[0], row[1], new JsonObject(open(row[0], row[2])), new JsonObject(row[3])));
          }
          return Future.succeededFuture(keys);
        });
  }

  /** Retires every active key but the {@code keep} newest. */
  public Future<Void> retireAllBut(int keep) {
    return db.list("SELECT kid FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, kid", Tuple.tuple(),
        row -> row.getString(0)).compose(active -> {
      List<Tuple> old = active.subList(Math.min(keep, active.size()), active.size()).stream()
          .map(kid -> Tuple.of(PracticeStore.now(), kid))
          .toList();
      return old.isEmpty() ? Future.succeededFuture()
          : db.transaction(c -> c.preparedQuery("UPDATE signing_keys SET retired_at = ? WHERE kid = ?").executeBatch(old))
              .mapEmpty();
    });
  }

  public Future<Void> add(StoredKey key) {
    return db.update("INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)",
        Tuple.of(key.kid(), key.algorithm(), sealing.sealText(context(key.kid()), key.privateJwk().encode()),
            key.publicJwk().encode(), PracticeStore.now()))
        .mapEmpty();
  }

  /**
   * At start: seals every private JWK still stored plain (stores from before keys at rest) and
   * re-seals those sealed under {@code keys.previous} with the current key, retired ones too;
   * answers how many rows it changed. The rows are locked for the transaction, so nodes starting
   * at once do it once: the others then find every row sealed under the current key.
   */
  public Future<Integer> sealAtRest() {
    return db.transaction(c -> Sql.list(c, "SELECT kid, private_jwk FROM signing_keys ORDER BY kid FOR UPDATE",
            Tuple.tuple(), row -> new String[] {row.getString(0), row.getString(1)})
        .compose(rows -> {
          List<Tuple> changed = new ArrayList<>();
          for (String[] row : rows) {
            String kid = row[0];
            String stored = row[1];
            if (isPlain(stored) || !sealing.isCurrent(stored)) {
              changed.add(Tuple.of(sealing.sealText(context(kid), open(kid, stored)), kid));
            }
          }
          return changed.isEmpty() ? Future.succeededFuture(0)
              : c.preparedQuery("UPDATE signing_keys SET private_jwk = ? WHERE kid = ?").executeBatch(changed)
                  .map(changed.size());
        }));
  }

  /** The private JWK's JSON text: a plain one as it is (until {@link #sealAtRest}), a sealed one opened. */
  private String open(String kid, String stored) {
    if (isPlain(stored)) {
      return stored;
    }
    try {
      return sealing.openText(context(kid), stored);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new ConfigException("the JWT signing key " + kid + " in the store was sealed under another master key: "
          + "start with the keys.master (PMSRELAY_KEYS_MASTER) the store was sealed with, and while rotating it the "
          + "old one as keys.previous (PMSRELAY_KEYS_PREVIOUS); see README, Keys at rest");
    }
  }

  /** A JWK is JSON; what {@link SealingKeys#sealText} makes is base64, which never starts with a brace. */
  private static boolean isPlain(String stored) {
    return stored.startsWith("{");
  }

  /** Binds a sealed private JWK to its row: moved to another kid, it does not open. */
  private static String context(String kid) {
    return "signing-key:" + kid;
  }
}
