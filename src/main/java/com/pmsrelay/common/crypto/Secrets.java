package com.pmsrelay.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** Random secrets and the fast hash used for high-entropy keys. */
public final class Secrets {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Secrets() {}

  /** A random token of {@code bytes} bytes, base64url without padding, after a readable prefix. */
  public static String token(String prefix, int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  public static byte[] randomBytes(int bytes) {
    byte[] raw = new byte[bytes];
    RANDOM.nextBytes(raw);
    return raw;
  }

  /**
   * SHA-256 of a secret that carries 256 bits of entropy of its own (agent keys). A slow KDF adds
   * nothing against guessing such a key, and agents authenticate on every reconnect.
   */
  public static String sha256Hex(String secret) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Compares without leaking where the inputs differ. */
  public static boolean constantTimeEquals(String a, String b) {
    if (a == null || b == null) {
      return false;
    }
    return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
