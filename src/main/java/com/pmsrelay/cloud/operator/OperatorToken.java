package com.pmsrelay.cloud.operator;

import com.pmsrelay.common.OwnerOnlyFile;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.crypto.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;

/**
 * The operator API's credential: a token in a file only the cloud's user can read (generated at
 * the first start, 256 random bits), which {@code admin} reads to call the running cloud. The node
 * keeps only its SHA-256 and compares in constant time; the token itself is never logged.
 */
public final class OperatorToken {
  /** Its form, so a token in a log is recognisable (and the test of the run's logs looks for it). */
  public static final String PREFIX = "pmso_";
  /** A token chosen by the operator (management.operatorTokenFile) is at least this long. */
  static final int MIN_CHARS = 32;

  private final byte[] hash;

  private OperatorToken(String token) {
    this.hash = sha256(token);
  }

  /** Where the token is: the configured file, or dataDir/operator-token. */
  public static Path file(String configured, Path dataDir) {
    return configured != null ? Path.of(configured) : dataDir.resolve("operator-token");
  }

  /** The node's: reads the token file, generating it (owner-only) when it is missing. Blocking. */
  public static OperatorToken loadOrCreate(Path file) throws IOException {
    if (!Files.exists(file)) {
      create(file);
    }
    String token = read(file);
    if (token.length() < MIN_CHARS) {
      throw new ConfigException("the operator token in " + file + " (management.operatorTokenFile) is shorter than "
          + MIN_CHARS + " characters: delete the file and restart to have one generated");
    }
    return new OperatorToken(token);
  }

  private static void create(Path file) throws IOException {
    try {
      OwnerOnlyFile.create(file, (Secrets.token(PREFIX, 32) + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (FileAlreadyExistsException raced) {
      // another start made it first: that one is the token
    }
  }

  /** The token in {@code file}, as the admin command line sends it. */
  public static String read(Path file) throws IOException {
    return Files.readString(file, StandardCharsets.UTF_8).strip();
  }

  /** Whether {@code presented} is the token; null or empty is not. */
  public boolean matches(String presented) {
    return presented != null && !presented.isEmpty() && MessageDigest.isEqual(hash, sha256(presented));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
