package com.pmsrelay.common.release;

import java.util.regex.Pattern;

/**
 * Agent versions as the build writes them ({@code 1.4.2}, {@code 0.1.0-SNAPSHOT}): compared by
 * their dotted numbers, and for equal numbers a plain release is newer than one with a qualifier
 * ({@code 1.2.0} after {@code 1.2.0-rc1}); qualifiers compare as text. "dev" (run from classes) is
 * older than every version.
 */
public final class ReleaseVersion {
  /** What a version may look like: it is stored, logged and shown. */
  public static final Pattern FORM = Pattern.compile("[0-9]+(\\.[0-9]+){0,3}(-[0-9A-Za-z.]{1,32})?");

  private ReleaseVersion() {}

  public static boolean valid(String version) {
    return version != null && version.length() <= 64 && FORM.matcher(version).matches();
  }

  /** Negative, zero or positive as {@code a} is older than, the same as, or newer than {@code b}. */
  public static int compare(String a, String b) {
    boolean av = valid(a);
    boolean bv = valid(b);
    if (!av || !bv) {
      return Boolean.compare(av, bv); // an unreadable version ("dev", none) is the oldest
    }
    String[] an = numbers(a);
    String[] bn = numbers(b);
    for (int i = 0; i < Math.max(an.length, bn.length); i++) {
      long x = i < an.length ? Long.parseLong(an[i]) : 0;
      long y = i < bn.length ? Long.parseLong(bn[i]) : 0;
      if (x != y) {
        return Long.compare(x, y);
      }
    }
    String aq = qualifier(a);
    String bq = qualifier(b);
    if (aq == null || bq == null) {
      return aq == null ? (bq == null ? 0 : 1) : -1;
    }
    return aq.compareTo(bq);
  }

  public static boolean older(String a, String b) {
    return compare(a, b) < 0;
  }

  private static String[] numbers(String v) {
    int dash = v.indexOf('-');
    return (dash < 0 ? v : v.substring(0, dash)).split("\\.");
  }

  private static String qualifier(String v) {
    int dash = v.indexOf('-');
    return dash < 0 ? null : v.substring(dash + 1);
  }
}
