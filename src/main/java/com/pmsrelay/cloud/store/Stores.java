package com.pmsrelay.cloud.store;

import com.pmsrelay.cloud.keys.AuditHeadKeys;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.common.crypto.KeyedHasher;
import com.pmsrelay.common.crypto.PasswordHasher;

/**
 * The control store's tables over one database, each behind its store: built here for a cloud node
 * and for the operator's commands alike, so both reach the data through the same objects. The
 * master key gives the stores the keys they keep data at rest with (never the store itself).
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
    QuarantineStore quarantines,
    AlertStore alerts,
    BaselineStore baselines,
    SignedHeadStore signedHeads,
    RegisteredQueryStore registered,
    ReleaseStore releases,
    AgentStateStore agentStates) {

  /**
   * For one command: each audit record is committed before the command goes on. {@code keys}: the
   * node's master key, from which the stores' keys at rest are derived.
   */
  public static Stores over(Database db, MasterKey keys) {
    return over(db, keys, new AuditStore(db));
  }

  /**
   * For a node: audit records arriving within {@code auditWindowMs} of an idle log share a
   * transaction, once the node has started its audit store.
   */
  public static Stores over(Database db, MasterKey masterKey, long auditWindowMs) {
    return over(db, masterKey, new AuditStore(db, auditWindowMs));
  }

  private static Stores over(Database db, MasterKey masterKey, AuditStore audit) {
    PasswordHasher hasher = new PasswordHasher();
    GrantStore grants = new GrantStore(db);
    ChangeStore changes = new ChangeStore(db);
    IntegratorStore integrators = new IntegratorStore(db, hasher,
        new KeyedHasher(masterKey.derive(KeyPurposes.CLIENT_SECRETS), masterKey.derivePrevious(KeyPurposes.CLIENT_SECRETS)));
    return new Stores(db, new PracticeStore(db), integrators, grants,
        new ConsoleUserStore(db, hasher), new ConsoleSessionStore(db), audit, changes,
        new PairingStore(db, grants), new QueryRecordStore(db),
        new SigningKeyStore(db, masterKey.sealing(KeyPurposes.SIGNING_KEYS)),
        new QuarantineStore(db, grants, changes, audit),
        new AlertStore(db), new BaselineStore(db),
        new SignedHeadStore(db, audit, AuditHeadKeys.derivedFrom(masterKey)), new RegisteredQueryStore(db),
        new ReleaseStore(db), new AgentStateStore(db));
  }
}
