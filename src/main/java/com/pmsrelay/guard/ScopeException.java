package com.pmsrelay.guard;

/**
 * The statement is an allowed read-only SELECT, but it reads a table or view outside the grant's
 * scopes; the message names the first such table (shown to the caller, as 403 scope_denied).
 */
public final class ScopeException extends RuntimeException {
  private final String table;

  public ScopeException(String table) {
    super("the grant does not allow reading '" + table + "'", null, false, false);
    this.table = table;
  }

  /** The first table outside the scopes, in the guard's normal form (e.g. "dbo.invoices"). */
  public String table() {
    return table;
  }
}
