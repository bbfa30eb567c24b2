package com.pmsrelay.common.release;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 signatures of agent releases. What is signed is not the jar's bytes (the JDK's EdDSA
 * keeps the whole message in memory) but one line of text naming the release: its version, size
 * and SHA-256 ({@link #signedText}); so the signature binds the version too, and a jar cannot be
 * offered under another release's name. The private key is a PKCS#8 PEM file that stays with the
 * operator; the public key, which agents pin, is written as the base64 of its X.509
 * SubjectPublicKeyInfo (60 characters, starting {@code MCowBQYDK2VwAyEA}).
 */
public final class ReleaseSignature {
  private static final String ALGORITHM = "Ed25519";
  private static final String PEM_BEGIN = "-----BEGIN PRIVATE KEY-----";
  private static final String PEM_END = "-----END PRIVATE KEY-----";

  private ReleaseSignature() {}

  /** The text a release's signature covers. */
  public static byte[] signedText(String version, long sizeBytes, String sha256Hex) {
    return ("pms-relay release " + version + " size " + sizeBytes + " sha256 " + sha256Hex).getBytes(StandardCharsets.UTF_8);
  }

  public static KeyPair generate() {
    try {
      return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no Ed25519", e);
    }
  }

  /** The private key as a PKCS#8 PEM file's text. */
  public static String privatePem(PrivateKey key) {
    return PEM_BEGIN + "\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
        + "\n" + PEM_END + "\n";
  }

  /** Reads a PKCS#8 PEM private key; IllegalArgumentException names what is wrong, never the key. */
  public static PrivateKey readPrivatePem(String pem) {
    String body = pem.replace(PEM_BEGIN, "").replace(PEM_END, "").replaceAll("\\s", "");
    try {
      return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(body)));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("the signing key is not an Ed25519 private key in PKCS#8 PEM form");
    }
  }

  /** The public key as agents pin it: base64 of its X.509 SubjectPublicKeyInfo. */
  public static String publicText(PublicKey key) {
    return Base64.getEncoder().encodeToString(key.getEncoded());
  }

  /** Reads a pinned public key; IllegalArgumentException if it is not an Ed25519 one. */
  public static PublicKey readPublic(String base64) {
    try {
      PublicKey key = KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(base64.trim())));
      return key;
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      throw new IllegalArgumentException("not an Ed25519 public key (base64 of its X.509 SubjectPublicKeyInfo)");
    }
  }

  /** Base64 of the Ed25519 signature of {@link #signedText}. */
  public static String sign(PrivateKey key, String version, long sizeBytes, String sha256Hex) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initSign(key);
      s.update(signedText(version, sizeBytes, sha256Hex));
      return Base64.getEncoder().encodeToString(s.sign());
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot sign with this key: " + e.getMessage());
    }
  }

  /** True only if {@code signatureBase64} is {@code key}'s signature of this release. */
  public static boolean verify(PublicKey key, String version, long sizeBytes, String sha256Hex, String signatureBase64) {
    try {
      Signature s = Signature.getInstance(ALGORITHM);
      s.initVerify(key);
      s.update(signedText(version, sizeBytes, sha256Hex));
      return s.verify(Base64.getDecoder().decode(signatureBase64));
    } catch (IllegalArgumentException | GeneralSecurityException e) {
      return false;
    }
  }
}
