package com.pmsrelay.cloud.keys;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.crypto.Secrets;
import java.security.KeyFactory;
import java.security.Signature;
import java.security.spec.EdECPrivateKeySpec;
import java.security.spec.NamedParameterSpec;
import java.util.Base64;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The audit heads' Ed25519 key: the public key derived from the seed is the JDK private key's own. */
class AuditHeadKeyTest {
  private static final HexFormat HEX = HexFormat.of();

  /** RFC 8032, 7.1, tests 1 to 3: seed, public key, message, signature. */
  @Test
  void derivesThePublicKeysOfRfc8032sVectors() {
    String[][] vectors = {
        {"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
            "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"},
        {"4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
            "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"},
        {"c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
            "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025"},
    };
    for (String[] v : vectors) {
      assertThat(HEX.formatHex(Ed25519Points.publicKey(HEX.parseHex(v[0])))).isEqualTo(v[1]);
      assertThat(AuditHeadKey.fromSeed(HEX.parseHex(v[0])).encodedPublicKey()).isEqualTo(HEX.parseHex(v[1]));
    }
  }

  @Test
  void aSignatureOfTheJdksPrivateKeyVerifiesWithTheDerivedPublicKeyAndNothingElseDoes() throws Exception {
    for (int i = 0; i < 20; i++) { // random seeds: both parities of x, every shape of scalar
      byte[] seed = Secrets.randomBytes(32);
      AuditHeadKey key = AuditHeadKey.fromSeed(seed);
      Signature jdk = Signature.getInstance("Ed25519");
      jdk.initSign(KeyFactory.getInstance("Ed25519").generatePrivate(new EdECPrivateKeySpec(NamedParameterSpec.ED25519, seed)));
      jdk.update("chain|42|abc".getBytes(java.nio.charset.StandardCharsets.UTF_8));
      String signature = Base64.getEncoder().encodeToString(jdk.sign());

      assertThat(key.verify("chain|42|abc", signature)).isTrue();
      assertThat(key.sign("chain|42|abc")).isEqualTo(signature); // deterministic
      assertThat(key.verify("chain|43|abc", signature)).isFalse();
      assertThat(AuditHeadKey.fromSeed(Secrets.randomBytes(32)).verify("chain|42|abc", signature)).isFalse();
      assertThat(key.verify("chain|42|abc", "not a signature")).isFalse();
    }
  }

  @Test
  void theKeysFollowTheMasterKeyAndItsPredecessor() {
    byte[] old = Secrets.randomBytes(32);
    byte[] fresh = Secrets.randomBytes(32);
    AuditHeadKeys before = AuditHeadKeys.derivedFrom(MasterKey.of(old, null));
    AuditHeadKeys rotating = AuditHeadKeys.derivedFrom(MasterKey.of(fresh, old));

    assertThat(AuditHeadKeys.derivedFrom(MasterKey.of(old, null)).current().id()).isEqualTo(before.current().id());
    assertThat(rotating.current().id()).isNotEqualTo(before.current().id()).matches("[0-9a-f]{16}");
    String signedBefore = before.current().sign("head");
    assertThat(rotating.withId(before.current().id()).verify("head", signedBefore)).isTrue();
    assertThat(AuditHeadKeys.derivedFrom(MasterKey.of(fresh, null)).withId(before.current().id())).isNull();
    // another purpose's key is another key
    assertThat(AuditHeadKey.fromSeed(MasterKey.of(old, null).derive(KeyPurposes.RESULTS)).id()).isNotEqualTo(before.current().id());
  }
}
