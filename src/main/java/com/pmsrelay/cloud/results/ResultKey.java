package com.pmsrelay.cloud.results;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AES-256 key that encrypts query results (and the queries kept to run them) at rest, with
 * AES-GCM. From config ({@code results.key}, base64 of 32 bytes, best set through the environment
 * as PMSRELAY_RESULTS_KEY); without one, a key generated once into {@code dataDir/keys/}, which
 * protects the files only as well as that directory is protected.
 */
public final class ResultKey {
  private static final Logger LOG = LoggerFactory.getLogger(ResultKey.class);
  static final int TAG_BITS = 128;
  static final int NONCE_BYTES = 12;

  private final SecretKey key;
  /** Names the key in every file it encrypts, so a file under another key is refused, not misread. */
  private final byte[] id;

  private ResultKey(byte[] raw) {
    if (raw.length != 32) {
      throw new ConfigException("config key 'results.key' must be 32 bytes, base64-encoded");
    }
    this.key = new SecretKeySpec(raw, "AES");
    this.id = Arrays.copyOf(sha256(raw), 8);
  }

  public static ResultKey of(byte[] raw) {
    return new ResultKey(raw);
  }

  /** A new key as {@code results.key} takes it: base64 of 32 random bytes. */
  public static String generate() {
    return Base64.getEncoder().encodeToString(Secrets.randomBytes(32));
  }

  /** The configured key, else the one kept under {@code dataDir/keys/} (made at first start). */
  public static ResultKey load(String configured, Path dataDir) throws IOException {
    if (configured != null) {
      try {
        return new ResultKey(Base64.getDecoder().decode(configured.trim()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("config key 'results.key' must be base64 of 32 bytes");
      }
    }
    Path file = dataDir.resolve("keys").resolve("results.key");
    if (!Files.exists(file)) {
      Files.createDirectories(file.getParent());
      Files.writeString(file, generate() + "\n");
      try {
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException ignored) {
        // Not a POSIX file system: the data directory's own permissions apply.
      }
      LOG.warn("no results.key configured: generated one in {}; in production set PMSRELAY_RESULTS_KEY "
          + "(base64 of 32 random bytes) and keep it apart from the data directory", file);
    }
    return new ResultKey(Base64.getDecoder().decode(Files.readString(file, StandardCharsets.US_ASCII).trim()));
  }

  byte[] id() {
    return id.clone();
  }

  boolean hasId(byte[] other) {
    return MessageDigest.isEqual(id, other);
  }

  byte[] seal(byte[] nonce, byte[] aad, byte[] plain, int offset, int length) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(plain, offset, length);
  }

  byte[] open(byte[] nonce, byte[] aad, byte[] sealed) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(sealed);
  }

  /** A small value sealed as text (a random nonce first), bound to {@code context}: for a store column. */
  public String sealText(String context, String plain) {
    try {
      byte[] nonce = Secrets.randomBytes(NONCE_BYTES);
      byte[] sealed = seal(nonce, context.getBytes(StandardCharsets.UTF_8), plain.getBytes(StandardCharsets.UTF_8), 0,
          plain.getBytes(StandardCharsets.UTF_8).length);
      byte[] out = new byte[id.length + nonce.length + sealed.length];
      System.arraycopy(id, 0, out, 0, id.length);
      System.arraycopy(nonce, 0, out, id.length, nonce.length);
      System.arraycopy(sealed, 0, out, id.length + nonce.length, sealed.length);
      return Base64.getEncoder().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
  }

  /** The text {@link #sealText} sealed; fails if it was sealed under another key or context, or altered. */
  public String openText(String context, String sealed) throws GeneralSecurityException {
    byte[] in = Base64.getDecoder().decode(sealed);
    if (in.length < id.length + NONCE_BYTES || !hasId(Arrays.copyOf(in, id.length))) {
      throw new GeneralSecurityException("sealed under another key");
    }
    byte[] nonce = Arrays.copyOfRange(in, id.length, id.length + NONCE_BYTES);
    byte[] body = Arrays.copyOfRange(in, id.length + NONCE_BYTES, in.length);
    return new String(open(nonce, context.getBytes(StandardCharsets.UTF_8), body), StandardCharsets.UTF_8);
  }

  private static byte[] sha256(byte[] raw) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(raw);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
