package com.pmsrelay.guard;

/** The SQL is not an allowed read-only statement; the message says why (shown to the caller). */
public final class GuardException extends RuntimeException {
  public GuardException(String reason) {
    super(reason, null, false, false);
  }
}
