package com.pmsrelay.agent.link;

import java.security.cert.CertificateException;

/**
 * The cloud presented a certificate other than the pinned one: carries both fingerprints, so the
 * agent's log line (and the doctor) can name them.
 */
public final class PinMismatchException extends CertificateException {
  private static final long serialVersionUID = 1L;
  private final String expected;
  private final String presented;

  public PinMismatchException(String expected, String presented) {
    super(describe(expected, presented));
    this.expected = expected;
    this.presented = presented;
  }

  /** The configured pin ({@code cloud.tls.pinnedSha256}). */
  public String expected() {
    return expected;
  }

  /** The fingerprint of the certificate the cloud presented, or "none" when it presented none. */
  public String presented() {
    return presented;
  }

  /** One sentence naming both fingerprints and what to do. */
  public static String describe(String expected, String presented) {
    return "the cloud's certificate does not match the pinned fingerprint: expected " + expected + " (cloud.tls.pinnedSha256),"
        + " presented " + presented + "; if the cloud's bridge certificate was replaced, set cloud.tls.pinnedSha256"
        + " (PMSRELAY_CLOUD_TLS_PINNED_SHA256) to the new one (on the cloud: admin bridge fingerprint), otherwise"
        + " something between this server and the cloud intercepts TLS (a proxy or firewall inspecting it)";
  }
}
