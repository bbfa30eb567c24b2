package com.pmsrelay.agent.link;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import javax.net.ssl.SSLException;

/**
 * Why the agent could not reach or join the cloud, as one log line naming the cause and the fix:
 * "Failed to create SSL connection" alone sends an operator looking in the wrong place.
 */
public final class ConnectFailure {
  /** What the cloud's bridge answers a socket whose key it did not accept. */
  static final String AUTHENTICATION_FAILED = "authentication failed";

  private ConnectFailure() {}

  /** The line for a failed connection attempt to {@code address}. */
  public static String describe(String address, Throwable failure) {
    PinMismatchException pin = find(failure, PinMismatchException.class);
    if (pin != null) {
      return pin.getMessage();
    }
    if (find(failure, UnknownHostException.class) != null) {
      return "cannot reach the cloud at " + address + ": the host name does not resolve; check cloud.host"
          + " (PMSRELAY_CLOUD_HOST) and this server's DNS";
    }
    if (find(failure, ConnectException.class) != null || find(failure, NoRouteToHostException.class) != null) {
      String detail = message(failure);
      boolean timedOut = detail.toLowerCase(java.util.Locale.ROOT).contains("timed out");
      return "cannot reach the cloud at " + address + ": " + (timedOut ? "no answer (connection timed out)"
          : "the connection was refused (" + detail + ")") + "; check cloud.host and cloud.port (the cloud's"
          + " bridge.port, 7443 by default), that the cloud is running, and that a firewall lets this server out to it";
    }
    SSLException tls = find(failure, SSLException.class);
    java.security.cert.CertificateException cert = find(failure, java.security.cert.CertificateException.class);
    if (cert != null) {
      return "the cloud at " + address + " presented a certificate this agent does not trust (" + cert.getMessage()
          + "); check cloud.tls.caPath holds the CA that signed it and cloud.host is a name in it, or pin the"
          + " certificate instead (cloud.tls.pinnedSha256, on the cloud: admin bridge fingerprint)";
    }
    if (tls != null || message(failure).contains("SSL")) {
      return "the TLS handshake with the cloud at " + address + " failed (" + message(tls == null ? failure : tls)
          + "); check cloud.port is the cloud's bridge port (bridge.port), not its API port, and that nothing"
          + " in between intercepts TLS";
    }
    return "cannot reach the cloud at " + address + ": " + message(failure) + "; check cloud.host, cloud.port and"
        + " the network between this server and the cloud";
  }

  /** The line for a cloud that refused the agent key of {@code practiceId}. */
  public static String keyRefused(String practiceId) {
    return "the cloud refused this agent's key for practice " + practiceId + ": the key is wrong, or was rotated"
        + " (a new server, a quarantine); get the current one from the practice's console ('moving to a new server')"
        + " or the operator (admin practice rotate-key " + practiceId + ") and set agentKey (PMSRELAY_AGENT_KEY)";
  }

  static <T extends Throwable> T find(Throwable failure, Class<T> type) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
    }
    return null;
  }

  private static String message(Throwable failure) {
    return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
  }
}
