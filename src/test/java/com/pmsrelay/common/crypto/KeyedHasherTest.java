package com.pmsrelay.common.crypto;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.crypto.KeyedHasher.Verdict;
import org.junit.jupiter.api.Test;

/** HMAC-SHA-256 of client secrets: the right secret under the right key, and nothing else. */
class KeyedHasherTest {
  private final byte[] key = Secrets.randomBytes(32);
  private final byte[] previousKey = Secrets.randomBytes(32);
  private final String secret = Secrets.token("pmss_", 32);

  @Test
  void theRightSecretMatchesAndNothingElseDoes() {
    KeyedHasher hasher = new KeyedHasher(key, null);
    String stored = hasher.hash("cli_a", secret);

    assertThat(stored).startsWith("hmac-sha256$" + hasher.currentKeyId() + "$").doesNotContain(secret);
    assertThat(hasher.verify("cli_a", secret, stored)).isEqualTo(Verdict.MATCH);
    assertThat(hasher.verify("cli_a", secret + "x", stored)).isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_a", "", stored)).isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_a", null, stored)).isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_b", secret, stored)).as("another client's row").isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_a", secret, null)).as("unknown client").isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_a", secret, "hmac-sha256$" + hasher.currentKeyId() + "$not base64!"))
        .isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.verify("cli_a", secret, "hmac-sha256$nodollar")).isEqualTo(Verdict.NO_MATCH);
    assertThat(hasher.hash("cli_a", secret)).as("deterministic: the secret is random already").isEqualTo(stored);
  }

  @Test
  void anotherKeyVerifiesNothingAndThePreviousKeyAsksForARehash() {
    String underPrevious = new KeyedHasher(previousKey, null).hash("cli_a", secret);
    KeyedHasher other = new KeyedHasher(Secrets.randomBytes(32), null);
    KeyedHasher rotating = new KeyedHasher(key, previousKey);

    assertThat(other.verify("cli_a", secret, underPrevious)).isEqualTo(Verdict.UNKNOWN_KEY);
    assertThat(rotating.verify("cli_a", secret, underPrevious)).isEqualTo(Verdict.MATCH_PREVIOUS_KEY);
    assertThat(rotating.verify("cli_a", "pmss_wrong", underPrevious)).isEqualTo(Verdict.NO_MATCH);
    String rehashed = rotating.hash("cli_a", secret);
    assertThat(rehashed).isNotEqualTo(underPrevious);
    assertThat(new KeyedHasher(key, null).verify("cli_a", secret, rehashed)).isEqualTo(Verdict.MATCH);
    // a hash naming the current key's id but made with another key is still refused
    String forged = "hmac-sha256$" + rotating.currentKeyId() + underPrevious.substring(underPrevious.lastIndexOf('$'));
    assertThat(rotating.verify("cli_a", secret, forged)).isEqualTo(Verdict.NO_MATCH);
    assertThat(KeyedHasher.isKeyedHash(rehashed)).isTrue();
    assertThat(KeyedHasher.isKeyedHash(new PasswordHasher(1_000).hash(secret))).isFalse();
  }

  @Test
  void checkingASecretTakesMicrosecondsNotAKdfsMilliseconds() {
    KeyedHasher hasher = new KeyedHasher(key, null);
    String stored = hasher.hash("cli_a", secret);
    for (int i = 0; i < 20_000; i++) {
      hasher.verify("cli_a", secret, stored); // warm-up
    }
    int n = 20_000;
    long started = System.nanoTime();
    for (int i = 0; i < n; i++) {
      hasher.verify("cli_a", i % 2 == 0 ? secret : "pmss_wrong", stored);
    }
    double micros = (System.nanoTime() - started) / 1_000.0 / n;
    assertThat(micros).as("µs per check (PBKDF2 at 210,000 iterations: ~60,000)").isLessThan(200);
  }
}
