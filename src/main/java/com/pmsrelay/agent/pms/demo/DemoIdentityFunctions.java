package com.pmsrelay.agent.pms.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * CHECKSUM, BINARY_CHECKSUM and HASHBYTES, which H2 lacks; registered in the demo PMS by
 * {@link DemoFunctions}. HASHBYTES gives SQL Server's digests for ASCII text (hashed as UTF-8
 * here; SQL Server hashes varchar in its code page and nvarchar as UTF-16LE). SQL Server's
 * checksum algorithm is not published: the demo's are other ints with the same uses (equal values
 * give equal sums; CHECKSUM ignores case like the collation, BINARY_CHECKSUM does not).
 */
public final class DemoIdentityFunctions {
  private DemoIdentityFunctions() {
  }

  public static Integer checksum(String... values) {
    return sum(values, true);
  }

  public static Integer binaryChecksum(String... values) {
    return sum(values, false);
  }

  private static Integer sum(String[] values, boolean ignoreCase) {
    int h = 0;
    for (String v : values) {
      String text = v == null ? null : ignoreCase ? v.toLowerCase(Locale.ROOT) : v;
      h = 31 * Integer.rotateLeft(h, 4) ^ (text == null ? 0 : text.hashCode());
    }
    return h;
  }

  /** HASHBYTES('SHA2_256', 'abc'); MD2, MD5, SHA, SHA1, SHA2_256, SHA2_512 (MD4 is not in Java). */
  public static byte[] hashbytes(String algorithm, String input) throws NoSuchAlgorithmException {
    if (algorithm == null || input == null) {
      return null;
    }
    String java = switch (algorithm.toUpperCase(Locale.ROOT)) {
      case "MD2" -> "MD2";
      case "MD5" -> "MD5";
      case "SHA", "SHA1" -> "SHA-1";
      case "SHA2_256" -> "SHA-256";
      case "SHA2_512" -> "SHA-512";
      default -> null;
    };
    return java == null ? null : MessageDigest.getInstance(java).digest(input.getBytes(StandardCharsets.UTF_8));
  }
}
