package com.pmsrelay.cloud.operator;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a running cloud's operator API listens, in dataDir/operator-endpoint while it runs (written
 * once its management listener listens, deleted at a clean stop): how {@code admin} with the same
 * --config finds it, whatever port it took. A file left by a cloud that died answers no connection.
 */
public final class OperatorEndpoint {
  private OperatorEndpoint() {}

  public static Path file(Path dataDir) {
    return dataDir.resolve("operator-endpoint");
  }

  /** The base URI (http://host:port) a client reaches the listener at, for the host it binds. */
  public static URI uri(String boundHost, int port) {
    String host = switch (boundHost) {
      case "0.0.0.0", "localhost" -> "127.0.0.1";
      case "::", "[::]" -> "[::1]";
      default -> boundHost.contains(":") && !boundHost.startsWith("[") ? "[" + boundHost + "]" : boundHost;
    };
    return URI.create("http://" + host + ":" + port);
  }

  static void write(Path dataDir, URI uri) throws IOException {
    Files.createDirectories(dataDir);
    Path file = file(dataDir);
    Path next = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(next, uri + "\n", StandardCharsets.UTF_8);
    Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static void delete(Path dataDir, URI uri) {
    try {
      Path file = file(dataDir);
      // Only our own: another node started since on the same data dir wrote its own address.
      if (read(dataDir).filter(uri::equals).isPresent()) {
        Files.deleteIfExists(file);
      }
    } catch (IOException ignored) {
      // a stale file answers no connection; admin then uses the store
    }
  }

  /** The address a cloud running on {@code dataDir} wrote, if any. */
  public static Optional<URI> read(Path dataDir) throws IOException {
    Path file = file(dataDir);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(URI.create(Files.readString(file, StandardCharsets.UTF_8).strip()));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
