package com.pmsrelay.doctor;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManager;
import javax.net.ssl.X509KeyManager;

/**
 * A PEM certificate and key pair as a listener loads it: both readable, the certificate current
 * (a WARN within 30 days of its end), the key the certificate's own (loaded by Vert.x as the
 * listener does, then a signature made with it checked with the certificate), its host names, and
 * the key file closed to other users.
 */
final class CertificateFiles {
  private CertificateFiles() {}

  static Check check(Vertx vertx, String name, String certPath, String keyPath, Clock clock, String namesNote) {
    for (String path : List.of(certPath, keyPath)) {
      if (!Files.isReadable(Path.of(path))) {
        return Check.fail(name, "cannot read " + path, "check the path in the config and that the service's user may read it");
      }
    }
    X509Certificate cert;
    try (InputStream in = Files.newInputStream(Path.of(certPath))) {
      cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    } catch (Exception e) {
      return Check.fail(name, certPath + " is not a PEM certificate (" + e.getMessage() + ")",
          "point the config at the PEM certificate file (-----BEGIN CERTIFICATE-----)");
    }
    try {
      if (!keyMatches(vertx, certPath, keyPath)) {
        return Check.fail(name, "the key " + keyPath + " is not the key of the certificate " + certPath,
            "use the key the certificate was issued for (they are made together), or issue a new certificate for this key");
      }
    } catch (Exception e) {
      return Check.fail(name, "cannot load " + keyPath + " with " + certPath + " (" + Check.oneLine(String.valueOf(e.getMessage())) + ")",
          "use a PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----) without a passphrase");
    }
    Instant end = cert.getNotAfter().toInstant();
    Instant now = clock.instant();
    String names = names(cert);
    String what = "certificate " + certPath + " for " + names + ", valid until " + end + "; its key " + keyPath + " matches";
    if (end.isBefore(now)) {
      return Check.fail(name, "the certificate " + certPath + " expired on " + end, "install a renewed certificate and key; "
          + namesNote);
    }
    if (openToOthers(Path.of(keyPath))) {
      return Check.warn(name, what + ", but other users may read the key", "chmod 600 " + keyPath
          + " (and chown it to the service's user)");
    }
    if (end.isBefore(now.plus(Duration.ofDays(30)))) {
      return Check.warn(name, what + ", but it expires within 30 days", "renew it before " + end + "; " + namesNote);
    }
    return Check.pass(name, what);
  }

  private static boolean keyMatches(Vertx vertx, String certPath, String keyPath) throws Exception {
    PemKeyCertOptions options = new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
    for (KeyManager manager : options.getKeyManagerFactory(vertx).getKeyManagers()) {
      if (manager instanceof X509KeyManager x509) {
        for (String type : List.of("RSA", "EC", "EdDSA", "Ed25519")) {
          String[] aliases = x509.getServerAliases(type, null);
          if (aliases != null && aliases.length > 0) {
            PrivateKey key = x509.getPrivateKey(aliases[0]);
            X509Certificate cert = x509.getCertificateChain(aliases[0])[0];
            String algorithm = switch (key.getAlgorithm()) {
              case "RSA" -> "SHA256withRSA";
              case "EC" -> "SHA256withECDSA";
              default -> key.getAlgorithm();
            };
            byte[] data = "pms-relay doctor".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(data);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(cert.getPublicKey());
            verifier.update(data);
            try {
              return verifier.verify(signature);
            } catch (java.security.SignatureException e) {
              return false;
            }
          }
        }
      }
    }
    throw new IllegalStateException("no private key found in " + keyPath);
  }

  /** The certificate's DNS and IP names (what clients that check host names compare), else its subject. */
  static String names(X509Certificate cert) {
    List<String> names = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> entry : cert.getSubjectAlternativeNames()) {
          if (entry.size() > 1 && (Integer.valueOf(2).equals(entry.get(0)) || Integer.valueOf(7).equals(entry.get(0)))) {
            names.add(String.valueOf(entry.get(1)));
          }
        }
      }
    } catch (java.security.cert.CertificateParsingException ignored) {
      // no names beyond the subject
    }
    return names.isEmpty() ? cert.getSubjectX500Principal().getName() + " (no subject alternative names)" : String.join(", ", names);
  }

  /** True when group or others may read the file (POSIX); false where permissions are not POSIX (Windows ACLs). */
  static boolean openToOthers(Path file) {
    try {
      Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
      return permissions.contains(PosixFilePermission.OTHERS_READ) || permissions.contains(PosixFilePermission.GROUP_READ);
    } catch (UnsupportedOperationException | java.io.IOException e) {
      return false;
    }
  }
}
