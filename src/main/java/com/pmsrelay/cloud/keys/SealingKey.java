package com.pmsrelay.cloud.keys;

import com.pmsrelay.common.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * An AES-256 key that seals data at rest with AES-GCM (kept results, the queries kept to run them,
 * the JWT signing keys), derived from the {@link MasterKey} for one purpose. Its id (8 bytes of
 * its SHA-256) is written with everything it seals, so that data sealed under another key (or
 * under the previous master key) is told apart, never misread.
 */
public final class SealingKey {
  public static final int TAG_BITS = 128;
  public static final int NONCE_BYTES = 12;

  private final SecretKey key;
  private final byte[] id;

  private SealingKey(byte[] raw) {
    if (raw.length != 32) {
      throw new IllegalArgumentException("an AES-256 key is 32 bytes");
    }
    this.key = new SecretKeySpec(raw, "AES");
    this.id = Arrays.copyOf(sha256(raw), 8);
  }

  public static SealingKey of(byte[] raw) {
    return new SealingKey(raw);
  }

  public byte[] id() {
    return id.clone();
  }

  public boolean hasId(byte[] other) {
    return MessageDigest.isEqual(id, other);
  }

  public byte[] seal(byte[] nonce, byte[] aad, byte[] plain, int offset, int length) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(aad);
    return cipher.doFinal(plain, offset, length);
  }

  public byte[] open(byte[] nonce, byte[] aad, byte[] sealed) throws GeneralSecurityException {
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
