package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** Integrators and their client secrets (hashed with a slow KDF). */
public final class IntegratorStore {
  /** What {@link #create} hands back once: the secret is never stored nor shown again. */
  public record Created(String clientId, String clientSecret) {}

  private final Database db;
  private final PasswordHasher hasher;
  private final ReadCache<String, Optional<Integrator>> cache = new ReadCache<>(30_000, 100_000);

  public IntegratorStore(Database db, PasswordHasher hasher) {
    this.db = db;
    this.hasher = hasher;
  }

  public Future<Created> create(String name, String webhookUrl) {
    return db.call(c -> create(c, hasher, name, webhookUrl));
  }

  static Created create(Connection c, PasswordHasher hasher, String name, String webhookUrl) throws SQLException {
    String clientId = Secrets.token("cli_", 12);
    String secret = Secrets.token("pmss_", 32);
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO integrators (client_id, name, secret_hash, status, webhook_url, created_at) VALUES (?, ?, ?, 'active', ?, ?)")) {
      ps.setString(1, clientId);
      ps.setString(2, name);
      ps.setString(3, hasher.hash(secret));
      ps.setString(4, webhookUrl);
      ps.setObject(5, PracticeStore.now());
      ps.executeUpdate();
    }
    return new Created(clientId, secret);
  }

  /** Every request checks its integrator: cached, evicted by writes here and by the change feed. */
  public Future<Optional<Integrator>> find(String clientId) {
    return cache.get(clientId, () -> db.call(c -> find(c, clientId)));
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
    return db.call(c -> {
      String stored = null;
      try (PreparedStatement ps = c.prepareStatement("SELECT secret_hash FROM integrators WHERE client_id = ?")) {
        ps.setString(1, clientId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            stored = rs.getString(1);
          }
        }
      }
      return hasher.verify(secret, stored) ? find(c, clientId) : Optional.empty();
    });
  }

  public Future<Boolean> setBlocked(String clientId, boolean blocked) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE integrators SET status = ? WHERE client_id = ?")) {
        ps.setString(1, blocked ? "blocked" : "active");
        ps.setString(2, clientId);
        return ps.executeUpdate() == 1;
      }
    }).onComplete(done -> invalidate(clientId));
  }

  private static Optional<Integrator> find(Connection c, String clientId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT client_id, name, status, webhook_url FROM integrators WHERE client_id = ?")) {
      ps.setString(1, clientId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new Integrator(rs.getString(1), rs.getString(2), "blocked".equals(rs.getString(3)), rs.getString(4)));
      }
    }
  }

  /** Every integrator, by name. */
  public Future<java.util.List<Integrator>> list() {
    return db.call(c -> {
      java.util.List<Integrator> integrators = new java.util.ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT client_id, name, status, webhook_url FROM integrators ORDER BY name, client_id");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          integrators.add(new Integrator(rs.getString(1), rs.getString(2), "blocked".equals(rs.getString(3)), rs.getString(4)));
        }
      }
      return integrators;
    });
  }

  /** Replaces the client secret; the old one stops working at once. Returns the new secret. */
  public Future<Optional<String>> rotateSecret(String clientId) {
    return db.call(c -> {
      String secret = Secrets.token("pmss_", 32);
      try (PreparedStatement ps = c.prepareStatement("UPDATE integrators SET secret_hash = ? WHERE client_id = ?")) {
        ps.setString(1, hasher.hash(secret));
        ps.setString(2, clientId);
        return ps.executeUpdate() == 1 ? Optional.of(secret) : Optional.empty();
      }
    });
  }
}
