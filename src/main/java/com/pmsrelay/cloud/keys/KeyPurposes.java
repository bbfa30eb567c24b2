package com.pmsrelay.cloud.keys;

/**
 * The purposes the master key's derived keys serve, in one place: each names exactly one key, and
 * a name once used is never given to another purpose (the data it sealed would open under it).
 */
public final class KeyPurposes {
  /** Seals kept results and the queries kept to run them (AES-256-GCM). */
  public static final String RESULTS = "results";

  private KeyPurposes() {}
}
