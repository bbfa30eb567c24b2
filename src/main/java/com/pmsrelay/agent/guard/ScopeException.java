package com.pmsrelay.agent.guard;

/** The statement reads a table or view outside the grant's scopes; the message names it. */
public final class ScopeException extends RuntimeException {
  public ScopeException(String reason) {
    super(reason, null, false, false);
  }
}
