package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;

/**
 * One-time pairing codes: a practice admin makes one for one integrator; that integrator redeems
 * it once, before it expires, and its grant becomes enabled. Codes are short enough to read out
 * over the phone (8 characters from an alphabet without look-alikes, about 40 bits), stored
 * hashed, and guessing is bounded by the rate limit on redemption.
 */
public final class PairingStore {
  /** A code as shown once to the practice admin. */
  public record Code(String code, long expiresAtMs) {}

  /** What a redeemed code opened. */
  public record Redeemed(String practiceId, String clientId) {}

  private static final String ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Database db;
  private final GrantStore grants;

  /** {@code grants}: the store whose cached grant a redemption changes. */
  public PairingStore(Database db, GrantStore grants) {
    this.db = db;
    this.grants = grants;
  }

  public Future<Code> create(String practiceId, String clientId, String createdBy, long ttlMs) {
    String code = newCode();
    long expires = System.currentTimeMillis() + ttlMs;
    return db.update("INSERT INTO pairing_codes (code_hash, practice_id, client_id, created_by, expires_at_ms) "
            + "VALUES (?, ?, ?, ?, ?)", Tuple.of(Secrets.sha256Hex(normalise(code)), practiceId, clientId, createdBy, expires))
        .map(new Code(code, expires));
  }

  /**
   * Uses the code if it is this integrator's, unused and unexpired, and enables the grant, in one
   * transaction; empty otherwise (wrong, used, expired and someone else's look the same).
   */
  public Future<Optional<Redeemed>> redeem(String clientId, String code) {
    String hash = Secrets.sha256Hex(normalise(code));
    return db.transaction(c -> Sql.first(c, "SELECT practice_id FROM pairing_codes WHERE code_hash = ? "
            + "AND client_id = ? AND used_at_ms IS NULL AND expires_at_ms > ? FOR UPDATE",
        Tuple.of(hash, clientId, System.currentTimeMillis()), row -> row.getString(0))
        .compose(practice -> practice.isEmpty() ? Future.succeededFuture(Optional.<Redeemed>empty())
            : redeem(c, hash, practice.get(), clientId)))
        .onSuccess(redeemed -> redeemed.ifPresent(r -> grants.invalidate(r.practiceId(), r.clientId())));
  }

  private static Future<Optional<Redeemed>> redeem(SqlConnection c, String hash, String practiceId, String clientId) {
    return Sql.update(c, "UPDATE pairing_codes SET used_at_ms = ? WHERE code_hash = ?", Tuple.of(System.currentTimeMillis(), hash))
        .compose(used -> GrantStore.find(c, practiceId, clientId))
        .compose(found -> {
          Grant current = found.orElse(Grant.withDefaults(practiceId, clientId, GrantStatus.PENDING));
          return GrantStore.put(c, new Grant(practiceId, clientId, GrantStatus.ENABLED, current.scopes(), current.maxRows(),
              current.maxTimeoutMs(), current.maxQueueTimeoutMs(), current.ratePerMinute(), current.weight()));
        })
        .map(Optional.of(new Redeemed(practiceId, clientId)));
  }

  private static String newCode() {
    StringBuilder code = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == 4) {
        code.append('-');
      }
      code.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return code.toString();
  }

  /** Codes are read out and typed: case, spaces and dashes do not matter. */
  static String normalise(String code) {
    return code == null ? "" : code.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "");
  }
}
