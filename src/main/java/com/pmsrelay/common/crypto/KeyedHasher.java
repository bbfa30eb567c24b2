package com.pmsrelay.common.crypto;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A fast keyed hash for secrets we generate with 256 bits of entropy (client secrets):
 * HMAC-SHA-256 under a server key kept outside the store. Nobody can guess such a secret, so a
 * slow KDF buys nothing; the key makes a stolen store useless for checking guesses offline, and
 * makes a hash written into the store by hand worthless (it cannot be computed without the key).
 *
 * <p>Stored form: {@code hmac-sha256$<key id>$<base64 MAC>}, the key id being 8 bytes of the
 * key's SHA-256 in hex: a hash made under the previous key (while the master key rotates) is
 * recognised, verified with that key and reported {@link Verdict#MATCH_PREVIOUS_KEY} so that the
 * caller re-hashes it under the current one. The MAC covers a {@code context} (the client id)
 * before the secret, so one row's hash is worthless on another row.
 */
public final class KeyedHasher {
  public static final String SCHEME = "hmac-sha256";
  private static final String PREFIX = SCHEME + "$";
  private static final int ID_BYTES = 8;

  /** What a stored hash says of a secret. */
  public enum Verdict {
    MATCH,
    /** The secret is right, hashed under the previous key: hash it again under the current one. */
    MATCH_PREVIOUS_KEY,
    NO_MATCH,
    /** The hash was made under a key this node does not have (keys.previous dropped too soon?). */
    UNKNOWN_KEY
  }

  private record Key(String id, SecretKeySpec spec) {}

  private final Key current;
  private final Key previous;

  /** Hashes under {@code current} (32 bytes), verifies under either; {@code previous} may be null. */
  public KeyedHasher(byte[] current, byte[] previous) {
    this.current = key(current);
    this.previous = previous == null ? null : key(previous);
  }

  /** Whether {@code stored} is a hash of this scheme (else: of another, such as PBKDF2). */
  public static boolean isKeyedHash(String stored) {
    return stored != null && stored.startsWith(PREFIX);
  }

  /** The current key's id, as written in the hashes it makes. */
  public String currentKeyId() {
    return current.id();
  }

  public String hash(String context, String secret) {
    return PREFIX + current.id() + "$" + Base64.getEncoder().withoutPadding().encodeToString(mac(current, context, secret));
  }

  /**
   * Checks {@code secret} against {@code stored} in constant time for a given length. A null
   * {@code stored} (unknown client) costs one MAC too and fails.
   */
  public Verdict verify(String context, String secret, String stored) {
    if (stored == null || !stored.startsWith(PREFIX)) {
      mac(current, context, secret == null ? "" : secret); // the same work as a real check
      return Verdict.NO_MATCH;
    }
    int dollar = stored.indexOf('$', PREFIX.length());
    if (dollar < 0) {
      return Verdict.NO_MATCH;
    }
    String id = stored.substring(PREFIX.length(), dollar);
    Key key = current.id().equals(id) ? current : previous != null && previous.id().equals(id) ? previous : null;
    if (key == null) {
      return Verdict.UNKNOWN_KEY;
    }
    byte[] expected;
    try {
      expected = Base64.getDecoder().decode(stored.substring(dollar + 1));
    } catch (IllegalArgumentException e) {
      return Verdict.NO_MATCH;
    }
    boolean equal = MessageDigest.isEqual(expected, mac(key, context, secret == null ? "" : secret));
    if (!equal) {
      return Verdict.NO_MATCH;
    }
    return key == current ? Verdict.MATCH : Verdict.MATCH_PREVIOUS_KEY;
  }

  private static byte[] mac(Key key, String context, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(key.spec());
      mac.update(context.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) 0); // context and secret apart: ("ab", "c") is not ("a", "bc")
      return mac.doFinal(secret.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static Key key(byte[] raw) {
    if (raw == null || raw.length != 32) {
      throw new IllegalArgumentException("an HMAC-SHA-256 key here is 32 bytes");
    }
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(raw);
      return new Key(HexFormat.of().formatHex(Arrays.copyOf(digest, ID_BYTES)), new SecretKeySpec(raw.clone(), "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
