// Verifies a pms-relay webhook delivery, with the Java standard library only.
//
//   WEBHOOK_SECRET=whsec_... java Verify.java <X-Relay-Timestamp> <X-Relay-Signature-256> [body-file] < body
//
// Exits 0 when the signature is right and the timestamp within 5 minutes of now, 1 otherwise.
// The body must be the request's bytes exactly as received (not JSON parsed and written again).

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

public class Verify {
  /** Deliveries older (or newer) than this are refused: a captured one cannot be replayed later. */
  static final long TOLERANCE_SECONDS = 300;

  public static void main(String[] args) throws Exception {
    String secret = System.getenv("WEBHOOK_SECRET");
    if (args.length < 2 || secret == null || secret.isEmpty()) {
      System.err.println("usage: WEBHOOK_SECRET=... java Verify.java <timestamp> <signature> [body-file] (body on stdin)");
      System.exit(2);
    }
    byte[] body = args.length > 2 ? Files.readAllBytes(Path.of(args[2])) : System.in.readAllBytes();
    boolean valid = verify(secret, args[0], args[1], body, Instant.now().getEpochSecond());
    System.out.println(valid ? "valid" : "INVALID");
    System.exit(valid ? 0 : 1);
  }

  static boolean verify(String secret, String timestamp, String signature, byte[] body, long nowSeconds)
      throws Exception {
    long sent;
    try {
      sent = Long.parseLong(timestamp);
    } catch (NumberFormatException e) {
      return false;
    }
    if (Math.abs(nowSeconds - sent) > TOLERANCE_SECONDS) {
      return false;
    }
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    mac.update((timestamp + ".").getBytes(StandardCharsets.UTF_8));
    String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body));
    // Constant-time: how much of a guess matches must not show in the time taken.
    return MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), signature.getBytes(StandardCharsets.UTF_8));
  }
}
