package com.pmsrelay.cloud.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.EdECPoint;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.EdECPublicKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The Ed25519 key that signs the audit chains' heads, made from a 32-byte seed derived from the
 * master key (purpose {@link KeyPurposes#AUDIT_HEADS}): neither half is kept in the store, so
 * whoever can write the store cannot sign. Its id (16 hex digits: the first 8 bytes of SHA-256 of
 * the encoded public key) is stored with each signature and is the short fingerprint the console
 * and {@code admin audit-verify} show.
 */
public final class AuditHeadKey {
  private static final String ALGORITHM = "Ed25519";

  private final PrivateKey privateKey;
  private final PublicKey publicKey;
  private final byte[] encodedPublic;
  private final String id;

  private AuditHeadKey(byte[] seed) {
    try {
      KeyFactory factory = KeyFactory.getInstance(ALGORITHM);
      this.privateKey = factory.generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed));
      this.encodedPublic = Ed25519Points.publicKey(seed);
      byte[] y = encodedPublic.clone();
      boolean xOdd = (y[31] & 0x80) != 0;
      y[31] &= 0x7f;
      this.publicKey = factory.generatePublic(new EdECPublicKeySpec(NamedParameterSpec.ED25519,
          new EdECPoint(xOdd, Ed25519Points.littleEndian(y))));
      this.id = HexFormat.of().formatHex(Arrays.copyOf(MessageDigest.getInstance("SHA-256").digest(encodedPublic), 8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 is not available", e);
    }
    // The derived public key must be the private key's: a signature the JDK made must verify with it.
    String probe = "pms-relay audit head key check " + id;
    if (!verify(probe, sign(probe))) {
      throw new IllegalStateException("the Ed25519 public key derived for the audit heads does not match its private key");
    }
  }

  /** The key of a 32-byte seed. */
  public static AuditHeadKey fromSeed(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    return new AuditHeadKey(seed.clone());
  }

  /** 16 hex digits identifying the key pair (from its public key). */
  public String id() {
    return id;
  }

  /** The public key as RFC 8032 encodes it (32 bytes), base64. */
  public String publicKeyBase64() {
    return Base64.getEncoder().encodeToString(encodedPublic);
  }

  byte[] encodedPublicKey() {
    return encodedPublic.clone();
  }

  /** The signature of a statement's UTF-8 bytes, base64 (64 bytes; Ed25519 signs deterministically). */
  public String sign(String statement) {
    try {
      Signature signer = Signature.getInstance(ALGORITHM);
      signer.initSign(privateKey);
      signer.update(statement.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(signer.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Ed25519 signing failed", e);
    }
  }

  /** Whether {@code signature} (base64) is this key's signature of the statement. */
  public boolean verify(String statement, String signature) {
    try {
      byte[] raw = Base64.getDecoder().decode(signature);
      Signature verifier = Signature.getInstance(ALGORITHM);
      verifier.initVerify(publicKey);
      verifier.update(statement.getBytes(StandardCharsets.UTF_8));
      return verifier.verify(raw);
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false; // not base64, or not a signature at all
    }
  }
}
