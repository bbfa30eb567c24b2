package com.pmsrelay.common.release;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.jar.JarFile;

/** A release jar on disk: its version (the manifest's Implementation-Version, as Version.current() reads it), size and SHA-256. */
public record ReleaseJar(Path path, String version, long sizeBytes, String sha256) {

  /** Reads the jar; IllegalArgumentException if it is not a jar or has no usable version. */
  public static ReleaseJar read(Path path) throws IOException {
    String version;
    try (JarFile jar = new JarFile(path.toFile())) {
      version = jar.getManifest() == null ? null : jar.getManifest().getMainAttributes().getValue("Implementation-Version");
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(path + " is not a jar");
    }
    return new ReleaseJar(path, version, Files.size(path), sha256(path));
  }

  public static String sha256(Path path) throws IOException {
    MessageDigest digest = digest();
    try (InputStream in = Files.newInputStream(path)) {
      byte[] buffer = new byte[64 * 1024];
      for (int n; (n = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, n);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  public static MessageDigest digest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
