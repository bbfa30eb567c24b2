package com.pmsrelay.cloud.auth;

import com.pmsrelay.cloud.store.SigningKeyStore.StoredKey;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/** Makes new ES256 (P-256) signing keys as JWKs (RFC 7517/7518). */
final class EcJwk {
  static final String ALGORITHM = "ES256";

  private EcJwk() {}

  static StoredKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair pair = generator.generateKeyPair();
      ECPublicKey pub = (ECPublicKey) pair.getPublic();
      ECPrivateKey priv = (ECPrivateKey) pair.getPrivate();
      String kid = Secrets.token("k", 9);
      JsonObject publicJwk = new JsonObject()
          .put("kty", "EC").put("crv", "P-256").put("use", "sig").put("alg", ALGORITHM).put("kid", kid)
          .put("x", coordinate(pub.getW().getAffineX()))
          .put("y", coordinate(pub.getW().getAffineY()));
      JsonObject privateJwk = publicJwk.copy().put("d", coordinate(priv.getS()));
      return new StoredKey(kid, ALGORITHM, privateJwk, publicJwk);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot generate an ES256 key", e);
    }
  }

  /** A P-256 field element as exactly 32 big-endian bytes, base64url. */
  private static String coordinate(BigInteger value) {
    byte[] raw = value.toByteArray();
    byte[] fixed = new byte[32];
    int copy = Math.min(raw.length, 32);
    System.arraycopy(raw, raw.length - copy, fixed, 32 - copy, copy);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(fixed);
  }

}
