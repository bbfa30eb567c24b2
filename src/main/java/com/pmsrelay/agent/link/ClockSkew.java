package com.pmsrelay.agent.link;

/**
 * How far this server's clock is from the cloud's, learnt from the cloud's time in its reply to
 * the agent's credentials ({@code nowMs}), sent over the pinned TLS connection the agent already
 * needs: the round trip bounds the error, and nothing in between can forge it.
 */
public record ClockSkew(long offsetMs, long uncertaintyMs) {
  /** Beyond this the operator is told (tokens and certificates are checked against clocks). */
  public static final long LIMIT_MS = 60_000;

  /** From the cloud's time and this server's clock before sending and after the reply. */
  public static ClockSkew of(long cloudNowMs, long sentAtMs, long repliedAtMs) {
    long midpoint = sentAtMs + (repliedAtMs - sentAtMs) / 2;
    return new ClockSkew(midpoint - cloudNowMs, Math.max(0, (repliedAtMs - sentAtMs) / 2));
  }

  /** True when the clocks are surely further apart than {@link #LIMIT_MS}. */
  public boolean tooLarge() {
    return Math.abs(offsetMs) - uncertaintyMs > LIMIT_MS;
  }

  /** "this server's clock is 93 s ahead of the cloud's". */
  public String describe() {
    if (Math.abs(offsetMs) < 1000) {
      return "this server's clock is within a second of the cloud's";
    }
    return "this server's clock is " + Math.abs(offsetMs) / 1000 + " s " + (offsetMs >= 0 ? "ahead of" : "behind")
        + " the cloud's";
  }

  /** What to do about it. */
  public static String fix() {
    return "turn on time synchronisation on this server (Windows: w32tm /resync, and the Windows Time service on;"
        + " Linux: timedatectl set-ntp true)";
  }
}
