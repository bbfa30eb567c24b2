package com.pmsrelay.agent.registered;

import com.pmsrelay.common.protocol.Registration;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The agent's registered queries on disk ({@code registered.dir/registrations.sealed}), so that a
 * restarted agent has them, and their last stored hashes, before the cloud sends them again. Their
 * SQL and parameters may hold patient data, so the file is sealed (AES-256-GCM) with a key derived
 * from the agent key (HMAC-SHA-256 of a fixed label): it opens only for the agent that wrote it, and
 * a rotated agent key just makes the agent wait for the cloud's copy. Written whole to a temporary
 * file and moved into place, so a crash leaves the old file or the new one. Blocking: call on a worker.
 */
final class RegistrationFile {
  static final String NAME = "registrations.sealed";
  private static final byte[] MAGIC = "PRR1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path file;
  private final SecretKeySpec key;

  RegistrationFile(Path dir, String agentKey) {
    this.file = dir.resolve(NAME);
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(agentKey.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      this.key = new SecretKeySpec(mac.doFinal("pms-relay registered queries v1".getBytes(StandardCharsets.US_ASCII)), "AES");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA-256 is not available", e);
    }
  }

  Path path() {
    return file;
  }

  /** The registrations kept, or none if there is no file or it cannot be opened (then it is ignored). */
  List<Registration> read() throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    byte[] in = Files.readAllBytes(file);
    try {
      if (in.length < MAGIC.length + NONCE_BYTES || !java.util.Arrays.equals(MAGIC, java.util.Arrays.copyOf(in, MAGIC.length))) {
        throw new GeneralSecurityException("not a registrations file");
      }
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, in, MAGIC.length, NONCE_BYTES));
      cipher.updateAAD(MAGIC);
      byte[] plain = cipher.doFinal(in, MAGIC.length + NONCE_BYTES, in.length - MAGIC.length - NONCE_BYTES);
      JsonArray list = new JsonObject(new String(plain, StandardCharsets.UTF_8)).getJsonArray("registrations", new JsonArray());
      List<Registration> registrations = new ArrayList<>();
      for (Object entry : list) {
        Registration r = entry instanceof JsonObject json ? Registration.fromJson(json) : null;
        if (r != null) {
          registrations.add(r);
        }
      }
      return registrations;
    } catch (GeneralSecurityException | RuntimeException e) {
      throw new IOException("the registrations file cannot be opened (another agent key, or damaged)");
    }
  }

  void write(List<Registration> registrations) throws IOException {
    JsonArray list = new JsonArray();
    registrations.forEach(r -> list.add(r.toJson()));
    byte[] plain = new JsonObject().put("registrations", list).toBuffer().getBytes();
    byte[] nonce = new byte[NONCE_BYTES];
    RANDOM.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
      cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
      cipher.updateAAD(MAGIC);
      sealed = cipher.doFinal(plain);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is not available", e);
    }
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(NAME + ".tmp");
    Files.write(tmp, ByteBuffer.allocate(MAGIC.length + nonce.length + sealed.length).put(MAGIC).put(nonce).put(sealed)
        .array());
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
