package com.pmsrelay.cloud.webhook;

import com.pmsrelay.common.crypto.Secrets;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * How a delivery is signed: {@code X-Relay-Signature-256: sha256=<hex HMAC-SHA256>} of the
 * timestamp header's text, a dot and the body's bytes, keyed by the webhook secret's UTF-8 bytes
 * (the whole string the integrator was shown, prefix included). docs/webhooks.md verifies it.
 */
public final class WebhookSignature {
  /** Secrets are {@value} then 32 random bytes in base64url: 256 bits. */
  public static final String SECRET_PREFIX = "whsec_";

  private WebhookSignature() {}

  public static String newSecret() {
    return Secrets.token(SECRET_PREFIX, 32);
  }

  /** The header's value: {@code sha256=} and the lower-case hex HMAC. */
  public static String sign(String secret, long timestampSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      mac.update((timestampSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is not available", e);
    }
  }
}
