package com.pmsrelay.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.bridge.BridgeConfig;
import com.pmsrelay.cloud.bridge.TlsMaterial;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secret files are created owner-only before anything is written to them, in new folders too, and
 * are never overwritten; the bridge's generated private key is one of them.
 */
class OwnerOnlyFileTest {
  @TempDir Path dir;

  private static String mode(Path file) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file));
  }

  @Test
  void aNewFileIsOwnerOnlyWithItsContentAndAnExistingOneIsNeverOverwritten() throws Exception {
    Path file = dir.resolve("keys").resolve("secret.key");
    assertThat(OwnerOnlyFile.create(file, "s3cret\n".getBytes(StandardCharsets.US_ASCII))).as("POSIX here").isTrue();
    assertThat(mode(file)).isEqualTo("rw-------");
    assertThat(Files.readString(file)).isEqualTo("s3cret\n");
    assertThatThrownBy(() -> OwnerOnlyFile.create(file, "other".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(file)).isEqualTo("s3cret\n");
  }

  @Test
  void theBridgesGeneratedPrivateKeyIsOwnerOnly() throws Exception {
    BridgeConfig config = BridgeConfig.from(new ConfigReader(ConfigLoader.defaults("cloud")).section("bridge"));
    TlsMaterial tls = TlsMaterial.configuredOrSelfSigned(config, dir);
    assertThat(mode(Path.of(tls.keyPath()))).isEqualTo("rw-------");
    assertThat(Files.readString(Path.of(tls.keyPath()))).contains("PRIVATE KEY");
    assertThat(TlsMaterial.configuredOrSelfSigned(config, dir).fingerprintSha256()).as("kept, not made again")
        .isEqualTo(tls.fingerprintSha256());
  }
}
