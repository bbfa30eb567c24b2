package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** The JWT signing keys, newest first: the first is the current one, the rest verify until retired. */
public final class SigningKeyStore {
  /** One key as a JWK pair: the private JWK signs, the public JWK is published. */
  public record StoredKey(String kid, String algorithm, JsonObject privateJwk, JsonObject publicJwk) {}

  private final Database db;

  public SigningKeyStore(Database db) {
    this.db = db;
  }

  public Future<List<StoredKey>> active() {
    return db.list("SELECT kid, algorithm, private_jwk, public_jwk FROM signing_keys WHERE retired_at IS NULL "
            + "ORDER BY created_at DESC, kid", Tuple.tuple(),
        row -> new StoredKey(row.getString(0), row.getString(1), new JsonObject(row.getString(2)),
            new JsonObject(row.getString(3))));
  }

  /** Retires every active key but the {@code keep} newest. */
  public Future<Void> retireAllBut(int keep) {
    return active().compose(active -> {
      List<Tuple> old = active.subList(Math.min(keep, active.size()), active.size()).stream()
          .map(key -> Tuple.of(PracticeStore.now(), key.kid()))
          .toList();
      return old.isEmpty() ? Future.succeededFuture()
          : db.transaction(c -> c.preparedQuery("UPDATE signing_keys SET retired_at = ? WHERE kid = ?").executeBatch(old))
              .mapEmpty();
    });
  }

  public Future<Void> add(StoredKey key) {
    return db.update("INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)",
        Tuple.of(key.kid(), key.algorithm(), key.privateJwk().encode(), key.publicJwk().encode(), PracticeStore.now()))
        .mapEmpty();
  }
}
