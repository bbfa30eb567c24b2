package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import java.util.List;

/**
 * A published agent release and its roll-out: offered to the practices whose {@link #bucket} is
 * below {@code rolloutPercent} (100: all) and to those listed, unless withdrawn.
 */
public record Release(String version, long sizeBytes, String sha256, String signature, long publishedAtMs,
    int rolloutPercent, List<String> rolloutPractices, Long withdrawnAtMs) {

  public boolean withdrawn() {
    return withdrawnAtMs != null;
  }

  /** Whether this release is offered to the practice's agent now. */
  public boolean offeredTo(String practiceId) {
    return !withdrawn() && (bucket(practiceId) < rolloutPercent || rolloutPractices.contains(practiceId));
  }

  /**
   * The practice's place in a staged roll-out, 0 to 99: from the SHA-256 of its id, so the same on
   * every node and for every release (a practice in the first 10% of one is in the first 10% of the next).
   */
  public static int bucket(String practiceId) {
    return (int) (Long.parseLong(Secrets.sha256Hex(practiceId).substring(0, 8), 16) % 100);
  }
}
