package com.pmsrelay.common.crypto;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Slow, salted hashing for client secrets and console passwords: PBKDF2-HMAC-SHA256 from the JDK.
 * The stored form {@code pbkdf2-sha256$<iterations>$<salt>$<hash>} carries its own cost, so the
 * default can be raised later without breaking stored hashes. Runs on worker threads only.
 */
public final class PasswordHasher {
  public static final int DEFAULT_ITERATIONS = 210_000;
  private static final String SCHEME = "pbkdf2-sha256";
  private static final int SALT_BYTES = 16;
  private static final int HASH_BITS = 256;
  /** Verified against when the account is unknown, so both answers take the same time. */
  private static final String DECOY = new PasswordHasher(DEFAULT_ITERATIONS).hash("decoy-secret");

  private final int iterations;

  public PasswordHasher(int iterations) {
    this.iterations = iterations;
  }

  public PasswordHasher() {
    this(DEFAULT_ITERATIONS);
  }

  public String hash(String secret) {
    byte[] salt = Secrets.randomBytes(SALT_BYTES);
    return SCHEME + "$" + iterations + "$" + b64(salt) + "$" + b64(derive(secret, salt, iterations));
  }

  /** True if {@code secret} matches {@code stored}; a null {@code stored} costs the same and fails. */
  public boolean verify(String secret, String stored) {
    boolean known = stored != null;
    String[] parts = (known ? stored : DECOY).split("\\$");
    if (parts.length != 4 || !parts[0].equals(SCHEME)) {
      return false;
    }
    int cost = Integer.parseInt(parts[1]);
    byte[] salt = Base64.getDecoder().decode(parts[2]);
    byte[] expected = Base64.getDecoder().decode(parts[3]);
    boolean equal = MessageDigest.isEqual(expected, derive(secret == null ? "" : secret, salt, cost));
    return known && equal;
  }

  private static byte[] derive(String secret, byte[] salt, int iterations) {
    try {
      PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, HASH_BITS);
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String b64(byte[] bytes) {
    return Base64.getEncoder().withoutPadding().encodeToString(bytes);
  }
}
