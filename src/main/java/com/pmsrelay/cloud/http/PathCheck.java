package com.pmsrelay.cloud.http;

/** Whether a request path can be decoded: every {@code %} starts an escape of two hex digits. */
final class PathCheck {
  private PathCheck() {}

  static boolean wellEscaped(String path) {
    if (path == null) {
      return false;
    }
    for (int i = path.indexOf('%'); i >= 0; i = path.indexOf('%', i + 3)) {
      if (i + 2 >= path.length() || Character.digit(path.charAt(i + 1), 16) < 0 || Character.digit(path.charAt(i + 2), 16) < 0) {
        return false;
      }
    }
    return true;
  }
}
