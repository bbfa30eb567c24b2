package com.pmsrelay.cloud.store;

/** A practice's consent for one integrator (API.md, "Grant"). */
public enum GrantStatus {
  PENDING, ENABLED, DISABLED, BLOCKED;

  public String wire() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }

  public static GrantStatus fromWire(String value) {
    return valueOf(value.toUpperCase(java.util.Locale.ROOT));
  }

  /** Whether the integrator may see that the practice exists (never for pending). */
  public boolean visibleToIntegrator() {
    return this != PENDING;
  }
}
