package com.pmsrelay.common.error;

/**
 * A failure that maps to one problem of the contract. The {@code detail} is shown to the caller, so
 * it must never hold a stack trace, a connection string, a secret or another practice's data.
 */
public final class RelayException extends RuntimeException {
  private final ErrorCode code;
  private final Integer retryAfterSeconds;

  public RelayException(ErrorCode code, String detail) {
    this(code, detail, null);
  }

  public RelayException(ErrorCode code, String detail, Integer retryAfterSeconds) {
    super(detail, null, false, false);
    this.code = code;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public ErrorCode code() {
    return code;
  }

  public String detail() {
    return getMessage();
  }

  public Integer retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
