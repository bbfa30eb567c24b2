package com.pmsrelay.cloud.keys;

import com.pmsrelay.common.OwnerOnlyFile;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one secret a cloud node keeps outside its store and the repository: every key it uses at
 * rest (sealing kept results and JWT signing keys, and whatever else names a {@code purpose}) is
 * derived from it with HKDF-SHA-256 (RFC 5869), one key per purpose, so that whoever can read or
 * write the store alone holds none of them. Every node of a cluster, and {@code admin}, needs the
 * same master key.
 *
 * <p>Rotation: start every node with the new key as {@code keys.master} and the old one as
 * {@code keys.previous}; data sealed under the previous key is still read (and re-sealed where the
 * node keeps it long), new data is sealed under the new one. Once the previous key's data is gone
 * (README, "Keys at rest"), drop {@code keys.previous}.
 */
public final class MasterKey {
  private static final Logger LOG = LoggerFactory.getLogger(MasterKey.class);
  private static final byte[] SALT = "pms-relay master key v1".getBytes(StandardCharsets.US_ASCII);

  private final byte[] current;
  private final byte[] previous;

  private MasterKey(byte[] current, byte[] previous) {
    this.current = requireLength(current, "keys.master");
    this.previous = previous == null ? null : requireLength(previous, "keys.previous");
  }

  /** A master key from raw bytes (32), with the one it replaces or null. */
  public static MasterKey of(byte[] current, byte[] previous) {
    return new MasterKey(current.clone(), previous == null ? null : previous.clone());
  }

  /** A new key as {@code keys.master} takes it: base64 of 32 random bytes. */
  public static String generate() {
    return Base64.getEncoder().encodeToString(Secrets.randomBytes(32));
  }

  /** The configured key, else the one kept under {@code dataDir/keys/} (made at first start). */
  public static MasterKey load(KeysConfig config, Path dataDir) throws IOException {
    byte[] previous = config.previous() == null ? null : decode(config.previous(), "keys.previous");
    if (config.master() != null) {
      return new MasterKey(decode(config.master(), "keys.master"), previous);
    }
    Path file = dataDir.resolve("keys").resolve("master.key");
    if (!Files.exists(file)) {
      OwnerOnlyFile.create(file, (generate() + "\n").getBytes(StandardCharsets.US_ASCII));
      LOG.warn("no keys.master configured: generated one in {}; in production set PMSRELAY_KEYS_MASTER "
          + "(base64 of 32 random bytes) and keep it apart from the data directory and the store", file);
    }
    return new MasterKey(decode(Files.readString(file, StandardCharsets.US_ASCII), "keys.master (" + file + ")"),
        previous);
  }

  /** This purpose's key under the current master key: 32 bytes. */
  public byte[] derive(String purpose) {
    return hkdf(current, purpose);
  }

  /** This purpose's key under the previous master key, or null when none is configured. */
  public byte[] derivePrevious(String purpose) {
    return previous == null ? null : hkdf(previous, purpose);
  }

  /** The sealing keys of a purpose: the current one seals, both open. */
  public SealingKeys sealing(String purpose) {
    List<SealingKey> keys = new ArrayList<>();
    keys.add(SealingKey.of(derive(purpose)));
    if (previous != null) {
      keys.add(SealingKey.of(derivePrevious(purpose)));
    }
    return new SealingKeys(keys);
  }

  private static byte[] hkdf(byte[] ikm, String purpose) {
    return hkdf(SALT, ikm, purpose.getBytes(StandardCharsets.UTF_8));
  }

  /** HKDF-SHA-256's first 32 bytes of output (extract, then one block of expand). */
  static byte[] hkdf(byte[] salt, byte[] ikm, byte[] info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(ikm);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(info);
      mac.update((byte) 1);
      return mac.doFinal(); // one block of output: exactly the 32 bytes asked for
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  private static byte[] decode(String base64, String key) {
    try {
      return requireLength(Base64.getDecoder().decode(base64.trim()), key);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("config key '" + key + "' must be base64 of 32 bytes");
    }
  }

  private static byte[] requireLength(byte[] raw, String key) {
    if (raw.length != 32) {
      throw new ConfigException("config key '" + key + "' must be base64 of 32 bytes");
    }
    return raw;
  }
}
