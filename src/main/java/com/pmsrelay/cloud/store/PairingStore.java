package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import java.security.SecureRandom;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
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
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO pairing_codes (code_hash, practice_id, client_id, "
          + "created_by, expires_at_ms) VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, Secrets.sha256Hex(normalise(code)));
        ps.setString(2, practiceId);
        ps.setString(3, clientId);
        ps.setString(4, createdBy);
        ps.setLong(5, expires);
        ps.executeUpdate();
      }
      return new Code(code, expires);
    });
  }

  /**
   * Uses the code if it is this integrator's, unused and unexpired, and enables the grant, in one
   * transaction; empty otherwise (wrong, used, expired and someone else's look the same).
   */
  public Future<Optional<Redeemed>> redeem(String clientId, String code) {
    String hash = Secrets.sha256Hex(normalise(code));
    return db.<Optional<Redeemed>>transaction(c -> {
      String practiceId;
      try (PreparedStatement ps = c.prepareStatement("SELECT practice_id FROM pairing_codes WHERE code_hash = ? "
          + "AND client_id = ? AND used_at_ms IS NULL AND expires_at_ms > ? FOR UPDATE")) {
        ps.setString(1, hash);
        ps.setString(2, clientId);
        ps.setLong(3, System.currentTimeMillis());
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          practiceId = rs.getString(1);
        }
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE pairing_codes SET used_at_ms = ? WHERE code_hash = ?")) {
        ps.setLong(1, System.currentTimeMillis());
        ps.setString(2, hash);
        ps.executeUpdate();
      }
      Grant current = GrantStore.find(c, practiceId, clientId).orElse(Grant.withDefaults(practiceId, clientId, GrantStatus.PENDING));
      GrantStore.put(c, new Grant(practiceId, clientId, GrantStatus.ENABLED, current.scopes(), current.maxRows(),
          current.maxTimeoutMs(), current.maxQueueTimeoutMs(), current.ratePerMinute(), current.weight()));
      return Optional.of(new Redeemed(practiceId, clientId));
    }).onSuccess(redeemed -> redeemed.ifPresent((Redeemed r) -> grants.invalidate(r.practiceId(), r.clientId())));
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
