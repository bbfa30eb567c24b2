package com.pmsrelay.common.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Release signatures bind version, size and SHA-256 to the key; versions order as releases do. */
@Timeout(10)
class ReleaseSignatureTest {
  private static final String SHA = "ab".repeat(32);

  @Test
  void aSignatureHoldsOnlyForItsKeyVersionSizeAndHash() {
    KeyPair key = ReleaseSignature.generate();
    KeyPair other = ReleaseSignature.generate();
    String pinned = ReleaseSignature.publicText(key.getPublic());
    assertThat(pinned).hasSize(60).startsWith("MCowBQYDK2VwAyEA");
    // Through the forms the operator and the agent hold: the PEM file and the printed public key.
    String signature = ReleaseSignature.sign(ReleaseSignature.readPrivatePem(ReleaseSignature.privatePem(key.getPrivate())),
        "1.4.0", 1000, SHA);
    assertThat(ReleaseSignature.verify(ReleaseSignature.readPublic(pinned), "1.4.0", 1000, SHA, signature)).isTrue();
    assertThat(ReleaseSignature.verify(key.getPublic(), "1.4.1", 1000, SHA, signature)).isFalse();
    assertThat(ReleaseSignature.verify(key.getPublic(), "1.4.0", 1001, SHA, signature)).isFalse();
    assertThat(ReleaseSignature.verify(key.getPublic(), "1.4.0", 1000, "cd".repeat(32), signature)).isFalse();
    assertThat(ReleaseSignature.verify(other.getPublic(), "1.4.0", 1000, SHA, signature)).isFalse();
    assertThat(ReleaseSignature.verify(key.getPublic(), "1.4.0", 1000, SHA, "not base64!")).isFalse();
    assertThatThrownBy(() -> ReleaseSignature.readPublic("bm90IGEga2V5")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReleaseSignature.readPrivatePem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"))
        .hasMessageNotContaining("AAAA");
  }

  @Test
  void versionsOrderByNumbersThenReleaseAfterQualifier() {
    assertThat(ReleaseVersion.older("0.1.0-SNAPSHOT", "0.1.0")).isTrue();
    assertThat(ReleaseVersion.older("0.9.9", "0.10.0")).isTrue();
    assertThat(ReleaseVersion.older("1.2", "1.2.0")).isFalse();
    assertThat(ReleaseVersion.compare("1.2.0", "1.2")).isZero();
    assertThat(ReleaseVersion.older("dev", "0.0.1")).isTrue();
    assertThat(ReleaseVersion.older(null, "0.0.1")).isTrue();
    assertThat(ReleaseVersion.older("2.0.0", "10.0.0")).isTrue();
    assertThat(ReleaseVersion.valid("1.0; DROP")).isFalse();
  }
}
