package com.pmsrelay.cloud.bridge;

import com.pmsrelay.common.OwnerOnlyFile;
import com.pmsrelay.common.crypto.Fingerprints;
import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The bridge's certificate and key (PEM files) and the SHA-256 fingerprint agents pin. Without
 * configured files a self-signed pair is generated once under the data dir and kept.
 */
public record TlsMaterial(String certPath, String keyPath, String fingerprintSha256) {

  public static TlsMaterial configuredOrSelfSigned(BridgeConfig config, Path dataDir) throws IOException {
    if (config.certPath() != null) {
      return of(Path.of(config.certPath()), Path.of(config.keyPath()));
    }
    Path cert = certificatePath(config, dataDir);
    Path dir = cert.getParent();
    Path key = dir.resolve("bridge-key.pem");
    if (!Files.exists(cert) || !Files.exists(key)) {
      Files.createDirectories(dir);
      SelfSignedCertificate generated = SelfSignedCertificate.create("localhost");
      Files.deleteIfExists(key);
      OwnerOnlyFile.create(key, Files.readAllBytes(Path.of(generated.privateKeyPath())));
      Files.copy(Path.of(generated.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
      generated.delete();
    }
    return of(cert, key);
  }

  /** Where the bridge's certificate is: the configured file, or the one generated under the data dir. */
  public static Path certificatePath(BridgeConfig config, Path dataDir) {
    return config.certPath() != null ? Path.of(config.certPath()) : dataDir.resolve("tls").resolve("bridge-cert.pem");
  }

  public static TlsMaterial of(Path cert, Path key) throws IOException {
    return new TlsMaterial(cert.toString(), key.toString(), Fingerprints.sha256OfPem(Files.readAllBytes(cert)));
  }
}
