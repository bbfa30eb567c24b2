package com.pmsrelay.agent.link;

import com.pmsrelay.common.crypto.Fingerprints;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.X509TrustManager;

/**
 * Trusts exactly one server certificate, named by its SHA-256 fingerprint: for a cloud with a
 * self-signed certificate (demo, or an operator who prefers pinning to a CA).
 */
final class PinnedTrustManager implements X509TrustManager {
  private final String pinnedSha256;

  PinnedTrustManager(String pinnedSha256) {
    this.pinnedSha256 = pinnedSha256;
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    String presented = chain == null || chain.length == 0 ? "none" : Fingerprints.sha256(chain[0]);
    if (!presented.equals(pinnedSha256)) {
      throw new PinMismatchException(pinnedSha256, presented);
    }
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
    throw new CertificateException("the agent accepts no client connections");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return new X509Certificate[0];
  }
}
