package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.PasswordHasher;

/**
 * The control store's tables over one database, each behind its store: built here for a cloud node
 * and for the operator's commands alike, so both reach the data through the same objects.
 */
public record Stores(
    Database database,
    PracticeStore practices,
    IntegratorStore integrators,
    GrantStore grants,
    ConsoleUserStore consoleUsers,
    ConsoleSessionStore consoleSessions,
    AuditStore audit,
    ChangeStore changes,
    PairingStore pairings,
    QueryRecordStore queryRecords,
    SigningKeyStore signingKeys,
    QuarantineStore quarantines) {

  /** For one command: each audit record is committed before the command goes on. */
  public static Stores over(Database db) {
    return over(db, new AuditStore(db));
  }

  /**
   * For a node: audit records arriving within {@code auditWindowMs} of an idle log share a
   * transaction, once the node has started its audit store.
   */
  public static Stores over(Database db, long auditWindowMs) {
    return over(db, new AuditStore(db, auditWindowMs));
  }

  private static Stores over(Database db, AuditStore audit) {
    PasswordHasher hasher = new PasswordHasher();
    GrantStore grants = new GrantStore(db);
    ChangeStore changes = new ChangeStore(db);
    return new Stores(db, new PracticeStore(db), new IntegratorStore(db, hasher), grants,
        new ConsoleUserStore(db, hasher), new ConsoleSessionStore(db), audit, changes,
        new PairingStore(db, grants), new QueryRecordStore(db), new SigningKeyStore(db),
        new QuarantineStore(db, grants, changes, audit));
  }
}
