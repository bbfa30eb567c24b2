package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/** Integrators and their client secrets (hashed with a slow KDF, on a worker). */
public final class IntegratorStore {
  /** What {@link #create} hands back once: the secret is never stored nor shown again. */
  public record Created(String clientId, String clientSecret) {}

  private static final String SELECT = "SELECT client_id, name, status, webhook_url FROM integrators";

  private final Database db;
  private final PasswordHasher hasher;
  private final ReadCache<String, Optional<Integrator>> cache = new ReadCache<>(30_000, 100_000);

  public IntegratorStore(Database db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  public Future<Created> create(String name, String webhookUrl) {
    String clientId = Secrets.token("cli_", 12);
    String secret = Secrets.token("pmss_", 32);
    return db.onWorker(() -> hasher.hash(secret))
        .compose(hash -> db.update("INSERT INTO integrators (client_id, name, secret_hash, status, webhook_url, created_at) "
            + "VALUES (?, ?, ?, 'active', ?, ?)", Tuple.of(clientId, name, hash, webhookUrl, PracticeStore.now())))
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
   * The integrator, if {@code secret} is its current client secret. Unknown clients cost as much
   * as wrong secrets, so the answer's timing tells nothing.
   */
  public Future<Optional<Integrator>> authenticate(String clientId, String secret) {
    return db.first("SELECT secret_hash FROM integrators WHERE client_id = ?", Tuple.of(clientId), row -> row.getString(0))
        .compose(stored -> db.onWorker(() -> hasher.verify(secret, stored.orElse(null))))
        .compose(matches -> matches
            ? db.first(SELECT + " WHERE client_id = ?", Tuple.of(clientId), IntegratorStore::read)
            : Future.succeededFuture(Optional.empty()));
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
    String secret = Secrets.token("pmss_", 32);
    return db.onWorker(() -> hasher.hash(secret))
        .compose(hash -> db.update("UPDATE integrators SET secret_hash = ? WHERE client_id = ?", Tuple.of(hash, clientId)))
        .map(updated -> updated == 1 ? Optional.of(secret) : Optional.empty());
  }
}
