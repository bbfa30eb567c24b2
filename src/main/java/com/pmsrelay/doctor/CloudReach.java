package com.pmsrelay.doctor;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.PinMismatchException;
import com.pmsrelay.common.crypto.Fingerprints;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The agent's way to the cloud, step by step, so that a failure names the step: the host name
 * resolves, a TCP connection opens, the TLS handshake completes, and the certificate is the pinned
 * one (or one the configured CA signed, for the configured host name).
 */
final class CloudReach {
  private final AgentConfig.CloudLink cloud;
  private final long timeoutMs;
  private final java.time.Clock clock;
  private InetAddress[] resolved;

  CloudReach(AgentConfig.CloudLink cloud, long timeoutMs, java.time.Clock clock) {
    this.cloud = cloud;
    this.timeoutMs = timeoutMs;
    this.clock = clock;
  }

  private String where() {
    return cloud.host() + ":" + cloud.port();
  }

  Check dns() {
    String name = "cloud host name resolves";
    try {
      resolved = Bounded.run(timeoutMs, () -> InetAddress.getAllByName(cloud.host()));
      return Check.pass(name, cloud.host() + " is " + String.join(", ",
          Arrays.stream(resolved).map(InetAddress::getHostAddress).toList()));
    } catch (Exception e) {
      return Check.fail(name, cloud.host() + " does not resolve (" + e.getMessage() + ")",
          "check cloud.host (PMSRELAY_CLOUD_HOST) is the cloud's name as its operator gave it, and this server's DNS"
              + " settings (nslookup " + cloud.host() + ")");
    }
  }

  Check tcp() {
    String name = "cloud port reachable";
    Exception last = null;
    for (InetAddress address : resolved) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress(address, cloud.port()), (int) timeoutMs);
        return Check.pass(name, "TCP connection to " + address.getHostAddress() + ":" + cloud.port() + " opened");
      } catch (Exception e) {
        last = e;
      }
    }
    String reason = last == null ? "no address" : last.getMessage();
    return Check.fail(name, "cannot open a TCP connection to " + where() + " (" + reason + ")",
        "check cloud.port is the cloud's bridge port (bridge.port, 7443 by default), that the cloud is running, and"
            + " that this server's firewall and the network let it connect out to " + where());
  }

  /** The handshake, then the certificate as this agent's configuration judges it. */
  Check tls() {
    String name = "TLS and certificate";
    X509Certificate[] chain;
    try {
      chain = presentedChain();
    } catch (Exception e) {
      return Check.fail(name, "the TLS handshake with " + where() + " failed (" + e.getMessage() + ")",
          "check cloud.port is the cloud's bridge port (bridge.port), not its API port, and that nothing in between"
              + " (a proxy or firewall inspecting TLS) answers instead of the cloud");
    }
    X509Certificate leaf = chain[0];
    String presented = Fingerprints.sha256(leaf);
    Instant expires = leaf.getNotAfter().toInstant();
    if (cloud.pinnedSha256() != null) {
      if (!presented.equals(cloud.pinnedSha256())) {
        return Check.fail(name, PinMismatchException.describe(cloud.pinnedSha256(), presented).replaceFirst(";.*", ""),
            "if the cloud's bridge certificate was replaced, set cloud.tls.pinnedSha256 (PMSRELAY_CLOUD_TLS_PINNED_SHA256)"
                + " to " + presented + " after checking it with the cloud's operator (admin bridge fingerprint);"
                + " otherwise something between this server and the cloud intercepts TLS");
      }
    } else {
      try {
        verifyWithCa();
      } catch (Exception e) {
        return Check.fail(name, "the certificate " + where() + " presented (" + leaf.getSubjectX500Principal().getName()
                + ") is not trusted: " + e.getMessage(),
            "check that cloud.tls.caPath (" + cloud.caPath() + ") holds the CA that signed the cloud's certificate and"
                + " that cloud.host is a name in it; or pin it instead: cloud.tls.pinnedSha256 = " + presented);
      }
    }
    String how = cloud.pinnedSha256() != null ? "matches the pinned fingerprint " + presented
        : "is signed by a CA in " + cloud.caPath() + " for " + cloud.host();
    if (expires.isBefore(clock.instant().plus(Duration.ofDays(30)))) {
      return Check.warn(name, "the cloud's certificate " + how + " but expires on " + expires,
          "tell the cloud's operator; with a pin, the new certificate's fingerprint goes into cloud.tls.pinnedSha256");
    }
    return Check.pass(name, "handshake done; the cloud's certificate " + how + " (valid until " + expires + ")");
  }

  /** Whatever certificate the cloud presents: trusted here only to be looked at, and nothing is sent over it. */
  private X509Certificate[] presentedChain() throws Exception {
    X509Certificate[][] seen = new X509Certificate[1][];
    X509TrustManager recorder = new X509TrustManager() {
      @Override
      public void checkClientTrusted(X509Certificate[] chain, String authType) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void checkServerTrusted(X509Certificate[] chain, String authType) {
        seen[0] = chain;
      }

      @Override
      public X509Certificate[] getAcceptedIssuers() {
        return new X509Certificate[0];
      }
    };
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, new javax.net.ssl.TrustManager[] {recorder}, null);
    handshake(context, null);
    if (seen[0] == null || seen[0].length == 0) {
      throw new javax.net.ssl.SSLException("the cloud presented no certificate");
    }
    return seen[0];
  }

  /** A second handshake as the agent makes it with a CA: the chain checked and the host name matched. */
  private void verifyWithCa() throws Exception {
    KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(Path.of(cloud.caPath()))) {
      int i = 0;
      for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
        trusted.setCertificateEntry("ca" + i++, certificate);
      }
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    handshake(context, "HTTPS");
  }

  private void handshake(SSLContext context, String endpointIdentification) throws Exception {
    Bounded.run(timeoutMs, () -> {
      try (Socket plain = new Socket()) {
        plain.connect(new InetSocketAddress(resolved[0], cloud.port()), (int) timeoutMs);
        plain.setSoTimeout((int) timeoutMs);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(plain, cloud.host(), cloud.port(), true)) {
          SSLParameters parameters = socket.getSSLParameters();
          parameters.setEndpointIdentificationAlgorithm(endpointIdentification);
          socket.setSSLParameters(parameters);
          socket.startHandshake();
        }
      }
      return null;
    });
  }

  List<InetAddress> resolved() {
    return resolved == null ? List.of() : List.of(resolved);
  }
}
