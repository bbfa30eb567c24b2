package com.pmsrelay.cloud.keys;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;

/**
 * The public key of an Ed25519 private key (RFC 8032, 5.1.5): {@code A = [s]B} on edwards25519,
 * where {@code s} is the clamped first half of SHA-512(seed). JDK 17 signs with a seed
 * ({@code EdECPrivateKeySpec}) but offers no public way to the matching public key; this computes
 * it by the RFC's own arithmetic (its reference code, in extended coordinates) so that a key
 * derived from the master key needs nothing stored beside it. Not constant-time: it runs once per
 * key at start, on a seed that never leaves the process. {@link AuditHeadKey} checks every result
 * by verifying a signature the JDK made with the private key.
 */
final class Ed25519Points {
  private static final BigInteger P = BigInteger.TWO.pow(255).subtract(BigInteger.valueOf(19));
  private static final BigInteger D = BigInteger.valueOf(-121665).multiply(inverse(BigInteger.valueOf(121666))).mod(P);
  private static final BigInteger SQRT_M1 = BigInteger.TWO.modPow(P.subtract(BigInteger.ONE).shiftRight(2), P);
  /** The base point B: y = 4/5, x even. */
  private static final BigInteger[] BASE;

  static {
    BigInteger y = BigInteger.valueOf(4).multiply(inverse(BigInteger.valueOf(5))).mod(P);
    BigInteger x = recoverX(y);
    BASE = new BigInteger[] {x, y, BigInteger.ONE, x.multiply(y).mod(P)};
  }

  private Ed25519Points() {}

  /** The 32-byte encoded public key of a 32-byte seed. */
  static byte[] publicKey(byte[] seed) {
    if (seed.length != 32) {
      throw new IllegalArgumentException("an Ed25519 seed is 32 bytes");
    }
    byte[] h = sha512(seed);
    byte[] s = Arrays.copyOf(h, 32);
    s[0] &= (byte) 248;
    s[31] &= (byte) 127;
    s[31] |= (byte) 64;
    return encode(multiply(littleEndian(s), BASE));
  }

  private static BigInteger[] add(BigInteger[] p, BigInteger[] q) {
    BigInteger a = p[1].subtract(p[0]).multiply(q[1].subtract(q[0])).mod(P);
    BigInteger b = p[1].add(p[0]).multiply(q[1].add(q[0])).mod(P);
    BigInteger c = BigInteger.TWO.multiply(p[3]).multiply(q[3]).multiply(D).mod(P);
    BigInteger d = BigInteger.TWO.multiply(p[2]).multiply(q[2]).mod(P);
    BigInteger e = b.subtract(a);
    BigInteger f = d.subtract(c);
    BigInteger g = d.add(c);
    BigInteger h = b.add(a);
    return new BigInteger[] {e.multiply(f).mod(P), g.multiply(h).mod(P), f.multiply(g).mod(P), e.multiply(h).mod(P)};
  }

  private static BigInteger[] multiply(BigInteger scalar, BigInteger[] point) {
    BigInteger[] result = {BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE, BigInteger.ZERO}; // the neutral element
    BigInteger[] addend = point;
    for (int i = 0; i < scalar.bitLength(); i++) {
      if (scalar.testBit(i)) {
        result = add(result, addend);
      }
      addend = add(addend, addend);
    }
    return result;
  }

  private static byte[] encode(BigInteger[] point) {
    BigInteger zInverse = inverse(point[2]);
    BigInteger x = point[0].multiply(zInverse).mod(P);
    BigInteger y = point[1].multiply(zInverse).mod(P);
    byte[] out = new byte[32];
    byte[] big = y.toByteArray(); // big-endian, maybe with a sign byte
    for (int i = 0; i < 32 && i < big.length; i++) {
      out[i] = big[big.length - 1 - i];
    }
    if (x.testBit(0)) {
      out[31] |= (byte) 0x80;
    }
    return out;
  }

  /** The even x of the curve point with this y (the base point's). */
  private static BigInteger recoverX(BigInteger y) {
    BigInteger y2 = y.multiply(y);
    BigInteger x2 = y2.subtract(BigInteger.ONE).multiply(inverse(D.multiply(y2).add(BigInteger.ONE))).mod(P);
    BigInteger x = x2.modPow(P.add(BigInteger.valueOf(3)).shiftRight(3), P);
    if (!x.multiply(x).subtract(x2).mod(P).equals(BigInteger.ZERO)) {
      x = x.multiply(SQRT_M1).mod(P);
    }
    return x.testBit(0) ? P.subtract(x) : x;
  }

  private static BigInteger inverse(BigInteger value) {
    return value.modPow(P.subtract(BigInteger.TWO), P);
  }

  static BigInteger littleEndian(byte[] bytes) {
    byte[] big = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      big[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, big);
  }

  private static byte[] sha512(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-512").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
