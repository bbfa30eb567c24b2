package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
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
    return db.call(c -> {
      List<StoredKey> keys = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT kid, algorithm, private_jwk, public_jwk FROM signing_keys WHERE retired_at IS NULL "
              + "ORDER BY created_at DESC, kid")) {
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            keys.add(new StoredKey(rs.getString(1), rs.getString(2), new JsonObject(rs.getString(3)), new JsonObject(rs.getString(4))));
          }
        }
      }
      return keys;
    });
  }

  /** Retires every active key but the {@code keep} newest. */
  public Future<Void> retireAllBut(int keep) {
    return active().compose(active -> db.call(c -> {
      for (StoredKey old : active.subList(Math.min(keep, active.size()), active.size())) {
        try (PreparedStatement ps = c.prepareStatement("UPDATE signing_keys SET retired_at = ? WHERE kid = ?")) {
          ps.setObject(1, PracticeStore.now());
          ps.setString(2, old.kid());
          ps.executeUpdate();
        }
      }
      return null;
    }));
  }

  public Future<Void> add(StoredKey key) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, key.kid());
        ps.setString(2, key.algorithm());
        ps.setString(3, key.privateJwk().encode());
        ps.setString(4, key.publicJwk().encode());
        ps.setObject(5, PracticeStore.now());
        ps.executeUpdate();
      }
      return null;
    });
  }
}
