package com.pmsrelay.cloud.keys;

/**
 * The purposes the master key's derived keys serve, in one place: each names exactly one key, and
 * a name once used is never given to another purpose (the data it sealed would open under it).
 */
public final class KeyPurposes {
  /** Seals kept results and the queries kept to run them (AES-256-GCM). */
  public static final String RESULTS = "results";
  /** Seals the JWT signing keys' private JWKs in the store (AES-256-GCM). */
  public static final String SIGNING_KEYS = "signing-keys";
  /** The seed of the Ed25519 key that signs the audit chains' heads ({@link AuditHeadKeys}). */
  public static final String AUDIT_HEADS = "audit-heads";
  /** Keys the HMAC-SHA-256 of integrators' client secrets (IntegratorStore, KeyedHasher). */
  public static final String CLIENT_SECRETS = "client-secrets";
  /** Seals the integrators' webhook signing secrets (AES-256-GCM), which the relay must read again to sign. */
  public static final String WEBHOOK_SECRETS = "webhook-secrets";

  private KeyPurposes() {}
}
