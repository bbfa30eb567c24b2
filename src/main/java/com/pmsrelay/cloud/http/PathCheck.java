package com.pmsrelay.cloud.http;

/**
 * Whether a request target (path and query) can be decoded: every {@code %} starts an escape of
 * two hex digits. Checked before routing because Vert.x cannot answer such a target well: the
 * router logs an error and answers a bare 400 for a path, and the form decoder of a bodied request
 * fails without an answer for a query.
 */
final class PathCheck {
  private PathCheck() {}

  static boolean wellEscaped(String target) {
    if (target == null) {
      return false;
    }
    for (int i = target.indexOf('%'); i >= 0; i = target.indexOf('%', i + 3)) {
      if (i + 2 >= target.length() || Character.digit(target.charAt(i + 1), 16) < 0 || Character.digit(target.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
