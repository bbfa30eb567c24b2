package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.KeyedHasher;
import com.pmsrelay.common.crypto.PasswordHasher;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Integrators and their client secrets. A secret is ours, {@value #SECRET_BYTES} random bytes
 * (256 bits), so it is hashed with HMAC-SHA-256 under a key derived from the node's master key
 * ({@link KeyedHasher}): microseconds, no worker. Hashes from before (PBKDF2) are verified the old
 * way once, on a worker, and replaced by a keyed hash when they match; hashes under the previous
 * master key are replaced likewise. No check runs while a store connection is held: the hash is
 * read in its own transaction, compared afterwards.
 */
public final class IntegratorStore {
  /** What {@link #create} hands back once: the secret is never stored nor shown again. */
  public record Created(String clientId, String clientSecret) {}

  /** A client secret's random bytes: 256 bits, what makes a fast keyed hash as safe as a slow KDF. */
  public static final int SECRET_BYTES = 32;
  private static final Logger LOG = LoggerFactory.getLogger(IntegratorStore.class);
  private static final String SELECT = "SELECT client_id, name, status, webhook_url FROM integrators";

  private final Database db;
  /** Only for hashes stored before keyed hashing: each is replaced at its first successful use. */
  private final PasswordHasher legacy;
  private final KeyedHasher secrets;
  private final ReadCache<String, Optional<Integrator>> cache = new ReadCache<>(30_000, 100_000);

  public IntegratorStore(Database db, PasswordHasher legacy, KeyedHasher secrets) {
    this.db = db;
    this.legacy = legacy;
    this.secrets = secrets;
  }

  public Future<Created> create(String name, String webhookUrl) {
    String clientId = Secrets.token("cli_", 12);
    String secret = newSecret();
    return db.update("INSERT INTO integrators (client_id, name, secret_hash, status, webhook_url, created_at) "
            + "VALUES (?, ?, ?, 'active', ?, ?)",
            Tuple.of(clientId, name, secrets.hash(clientId, secret), webhookUrl, PracticeStore.now()))
        .map(new Created(clientId, secret));
  }

  /** Every request checks its integrator: cached, evicted by writes here and by the change feed. */
  public Future<Optional<Integrator>> find(String clientId) {
    return cache.get(clientId, () -> db.first(SELECT + " WHERE client_id = ?", Tuple.of(clientId), IntegratorStore::read));
  }

  /** Forgets the cached integrator (it changed, here or on another node). */
  public void invalidate(String clientId) {
    cache.invalidate(clientId);
  }

  /**
   * The integrator, if {@code secret} is its current client secret. The stored hash is read in a
   * transaction of its own; the comparison runs after its connection is back in the pool. Unknown
   * clients cost one MAC, like wrong secrets.
   */
  public Future<Optional<Integrator>> authenticate(String clientId, String secret) {
    return storedHash(clientId).compose(stored -> {
      if (stored.isPresent() && !KeyedHasher.isKeyedHash(stored.get())) {
        // A PBKDF2 hash from before keyed hashing: slow, so on a worker; replaced once it matches.
        return db.onWorker(() -> legacy.verify(secret, stored.get()))
            .compose(matches -> matches ? rehash(clientId, secret, stored.get(), "PBKDF2") : Future.succeededFuture(false));
      }
      return switch (secrets.verify(clientId, secret, stored.orElse(null))) {
        case MATCH -> Future.succeededFuture(true);
        case MATCH_PREVIOUS_KEY -> rehash(clientId, secret, stored.get(), "the previous master key");
        case UNKNOWN_KEY -> {
          LOG.warn("client {}'s secret is hashed under a master key this node does not have: set the key it was made"
              + " under as keys.previous, or rotate the client's secret (admin integrator rotate-secret)", clientId);
          yield Future.succeededFuture(false);
        }
        case NO_MATCH -> Future.succeededFuture(false);
      };
    }).compose(matches -> matches ? find(clientId) : Future.succeededFuture(Optional.empty()));
  }

  /** The stored hash, read in a transaction of its own (the connection is released before any check). */
  Future<Optional<String>> storedHash(String clientId) {
    return db.first("SELECT secret_hash FROM integrators WHERE client_id = ?", Tuple.of(clientId), row -> row.getString(0));
  }

  /**
   * Replaces a hash that just matched by a keyed hash under the current key; only if it is still
   * the stored one (a rotation meanwhile wins). The secret matched either way: a failed write
   * costs the next use another check, not this one its answer.
   */
  private Future<Boolean> rehash(String clientId, String secret, String old, String from) {
    return db.update("UPDATE integrators SET secret_hash = ? WHERE client_id = ? AND secret_hash = ?",
            Tuple.of(secrets.hash(clientId, secret), clientId, old))
        .map(updated -> {
          if (updated == 1) {
            LOG.info("client {}'s secret re-hashed from {} to HMAC-SHA-256 under key {}", clientId, from,
                secrets.currentKeyId());
          }
          return true;
        })
        .otherwise(e -> {
          LOG.warn("client {}'s secret matched but could not be re-hashed ({}); retried at its next use", clientId,
              e.getClass().getSimpleName());
          return true;
        });
  }

  public Future<Boolean> setBlocked(String clientId, boolean blocked) {
    return db.update("UPDATE integrators SET status = ? WHERE client_id = ?", Tuple.of(blocked ? "blocked" : "active", clientId))
        .map(updated -> updated == 1)
        .onComplete(done -> invalidate(clientId));
  }

  private static Integrator read(Row row) {
    return new Integrator(row.getString(0), row.getString(1), "blocked".equals(row.getString(2)), row.getString(3));
  }

  /** Every integrator, by name. */
  public Future<List<Integrator>> list() {
    return db.list(SELECT + " ORDER BY name, client_id", Tuple.tuple(), IntegratorStore::read);
  }

  /** Replaces the client secret; the old one stops working at once. Returns the new secret. */
  public Future<Optional<String>> rotateSecret(String clientId) {
    String secret = newSecret();
    return db.update("UPDATE integrators SET secret_hash = ? WHERE client_id = ?", Tuple.of(secrets.hash(clientId, secret), clientId))
        .map(updated -> updated == 1 ? Optional.of(secret) : Optional.empty());
  }

  private static String newSecret() {
    return Secrets.token("pmss_", SECRET_BYTES);
  }
}
