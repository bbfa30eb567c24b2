package com.pmsrelay.cloud.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * The audit-head signing keys while the master key may be rotating: the current one signs, the
 * previous one (under {@code keys.previous}) still verifies what it signed, picked by key id.
 */
public final class AuditHeadKeys {
  private final List<AuditHeadKey> keys;

  private AuditHeadKeys(List<AuditHeadKey> keys) {
    this.keys = List.copyOf(keys);
  }

  /** The keys derived from the master key (and from the previous one, if configured). */
  public static AuditHeadKeys derivedFrom(MasterKey master) {
    List<AuditHeadKey> keys = new ArrayList<>();
    keys.add(AuditHeadKey.fromSeed(master.derive(KeyPurposes.AUDIT_HEADS)));
    byte[] previous = master.derivePrevious(KeyPurposes.AUDIT_HEADS);
    if (previous != null) {
      keys.add(AuditHeadKey.fromSeed(previous));
    }
    return new AuditHeadKeys(keys);
  }

  /** One key alone (tests, tools). */
  public static AuditHeadKeys of(AuditHeadKey key) {
    return new AuditHeadKeys(List.of(key));
  }

  public AuditHeadKey current() {
    return keys.get(0);
  }

  /** The key with this id, or null: signed under a key this node does not have. */
  public AuditHeadKey withId(String id) {
    for (AuditHeadKey key : keys) {
      if (key.id().equals(id)) {
        return key;
      }
    }
    return null;
  }
}
