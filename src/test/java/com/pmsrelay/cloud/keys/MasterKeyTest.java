package com.pmsrelay.cloud.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.crypto.Secrets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MasterKeyTest {
  @TempDir Path dir;

  @Test
  void derivationIsHkdfSha256() {
    // RFC 5869, appendix A.1: the first 32 bytes of its OKM are the one block we take.
    HexFormat hex = HexFormat.of();
    byte[] okm = MasterKey.hkdf(hex.parseHex("000102030405060708090a0b0c"),
        hex.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b"), hex.parseHex("f0f1f2f3f4f5f6f7f8f9"));
    assertThat(hex.formatHex(okm)).isEqualTo("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf");
  }

  @Test
  void eachPurposeHasItsOwnKeyTheSameOnEveryNodeWithTheSameMaster() {
    byte[] raw = Secrets.randomBytes(32);
    MasterKey one = MasterKey.of(raw, null);
    MasterKey other = MasterKey.of(raw, null);
    assertThat(one.derive("results")).isEqualTo(other.derive("results")).hasSize(32);
    assertThat(one.derive("results")).isNotEqualTo(one.derive("signing-keys"));
    assertThat(one.derive("results")).isNotEqualTo(MasterKey.of(Secrets.randomBytes(32), null).derive("results"));
    assertThat(one.derivePrevious("results")).isNull();
  }

  @Test
  void whileRotatingWhatThePreviousKeySealedStillOpensAndNewDataIsSealedUnderTheNewKey() throws Exception {
    byte[] old = Secrets.randomBytes(32);
    byte[] fresh = Secrets.randomBytes(32);
    String sealedBefore = MasterKey.of(old, null).sealing("results").sealText("q1", "kept query");
    SealingKeys rotating = MasterKey.of(fresh, old).sealing("results");
    assertThat(rotating.openText("q1", sealedBefore)).isEqualTo("kept query");
    assertThat(rotating.isCurrent(sealedBefore)).isFalse();
    String sealedAfter = rotating.sealText("q1", "kept query");
    assertThat(rotating.isCurrent(sealedAfter)).isTrue();
    assertThat(MasterKey.of(fresh, null).sealing("results").openText("q1", sealedAfter)).isEqualTo("kept query");
    // Once the previous key is dropped, what only it sealed is unreadable, and says so.
    assertThatThrownBy(() -> MasterKey.of(fresh, null).sealing("results").openText("q1", sealedBefore))
        .isInstanceOf(GeneralSecurityException.class).hasMessageContaining("key this node does not have");
  }

  @Test
  void withoutConfigOneIsGeneratedOnceUnderTheDataDirectoryAndKept() throws Exception {
    MasterKey first = MasterKey.load(new KeysConfig(null, null), dir);
    Path file = dir.resolve("keys").resolve("master.key");
    assertThat(file).exists();
    assertThat(Files.getPosixFilePermissions(file).toString()).isEqualTo("[OWNER_READ, OWNER_WRITE]");
    assertThat(MasterKey.load(new KeysConfig(null, null), dir).derive("results")).isEqualTo(first.derive("results"));
    String configured = MasterKey.generate();
    assertThat(MasterKey.load(new KeysConfig(configured, null), dir).derive("results"))
        .as("a configured key wins over the file").isNotEqualTo(first.derive("results"));
  }

  @Test
  void aBadKeyIsRefusedNamingItsConfigKeyNeverShowingIt() {
    assertThatThrownBy(() -> MasterKey.load(new KeysConfig("c2hvcnQ=", null), dir))
        .isInstanceOf(ConfigException.class).hasMessage("config key 'keys.master' must be base64 of 32 bytes");
    assertThatThrownBy(() -> MasterKey.load(new KeysConfig(MasterKey.generate(), "not base64!"), dir))
        .isInstanceOf(ConfigException.class).hasMessage("config key 'keys.previous' must be base64 of 32 bytes");
  }
}
