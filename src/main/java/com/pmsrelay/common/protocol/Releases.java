package com.pmsrelay.common.protocol;

import io.vertx.core.json.JsonObject;

/**
 * Agent self-update on the bridge. An agent that updates itself lists {@value #FEATURE} among its
 * features; the cloud sends no other these messages.
 *
 * <p>Cloud to agent, on the practice's address: {@value #OP_OFFER} ({@code version, sizeBytes,
 * sha256, signature, chunks}: the release offered to this agent now, sent after it registers and
 * whenever releases or their roll-out change; {@code version} null: none) and {@value #OP_CHUNK}
 * ({@code version, seq, data}: base64 of at most {@link #CHUNK_BYTES} bytes of the jar, or
 * {@code error}).
 *
 * <p>Agent to cloud: a {@code send} to {@link #FETCH} ({@code version, seq}) asks for one chunk; the
 * agent asks for the next only once it has the one before, so the cloud sends exactly what the
 * agent takes, one bounded frame at a time. A {@code send} to {@link #REPORT} ({@code version,
 * state, reason}) tells the cloud how an update went: {@code downloading}, {@code refused} (size,
 * SHA-256 or signature wrong), {@code switched}, {@code rolled-back}.
 */
public final class Releases {
  public static final String FEATURE = "update";
  public static final String OP_OFFER = "release-offer";
  public static final String OP_CHUNK = "release-chunk";
  public static final String FETCH = "relay.release.fetch";
  public static final String REPORT = "relay.release.report";
  /** The bytes of the jar in one chunk: its base64 (about 350 KB) fits the bridge's smallest frame limit. */
  public static final int CHUNK_BYTES = 256 * 1024;
  /** The states an agent reports. */
  public static final java.util.List<String> STATES = java.util.List.of("offered", "downloading", "refused", "switched",
      "rolled-back");

  private Releases() {}

  public static JsonObject offer(String version, long sizeBytes, String sha256, String signature, int chunks) {
    return new JsonObject().put("op", OP_OFFER).put("version", version).put("sizeBytes", sizeBytes).put("sha256", sha256)
        .put("signature", signature).put("chunks", chunks);
  }

  public static JsonObject noOffer() {
    return new JsonObject().put("op", OP_OFFER).putNull("version");
  }

  public static int chunks(long sizeBytes) {
    return (int) ((sizeBytes + CHUNK_BYTES - 1) / CHUNK_BYTES);
  }
}
