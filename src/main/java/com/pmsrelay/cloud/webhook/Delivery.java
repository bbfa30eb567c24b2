package com.pmsrelay.cloud.webhook;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * One notice in the outbox and where its delivery stands. {@code state}: {@value #PENDING},
 * {@value #DELIVERED}, {@value #FAILED} (given up), {@value #DROPPED} (no webhook to send it to).
 * {@code lastStatus}: the receiver's HTTP status, or what went wrong before one came
 * ({@code timeout}, {@code connect_failed}, {@code address_refused}, ...). {@code leaseToken} is set
 * while a node holds the notice to send it.
 */
public record Delivery(
    long seq,
    String deliveryId,
    String clientId,
    String registrationId,
    String resultId,
    long changedAtMs,
    long createdAtMs,
    String state,
    int attempts,
    Long nextAttemptAtMs,
    Long lastAttemptAtMs,
    String lastStatus,
    String leaseToken) {

  public static final String PENDING = "pending";
  public static final String DELIVERED = "delivered";
  public static final String FAILED = "failed";
  public static final String DROPPED = "dropped";

  /** The integrator's view ({@code GET /v1/webhook/deliveries}). */
  public JsonObject toJson() {
    return new JsonObject()
        .put("id", deliveryId)
        .put("registrationId", registrationId)
        .put("resultId", resultId)
        .put("changedAt", Instant.ofEpochMilli(changedAtMs).toString())
        .put("createdAt", Instant.ofEpochMilli(createdAtMs).toString())
        .put("state", state)
        .put("attempts", attempts)
        .put("lastAttemptAt", lastAttemptAtMs == null ? null : Instant.ofEpochMilli(lastAttemptAtMs).toString())
        .put("lastStatus", lastStatus)
        .put("nextAttemptAt", PENDING.equals(state) && nextAttemptAtMs != null
            ? Instant.ofEpochMilli(nextAttemptAtMs).toString() : null);
  }

  /** What the receiver is sent: names the registration and the result, never practice data. */
  public JsonObject payload() {
    return new JsonObject()
        .put("id", deliveryId)
        .put("type", "registered_query.changed")
        .put("registrationId", registrationId)
        .put("resultId", resultId)
        .put("changedAt", Instant.ofEpochMilli(changedAtMs).toString());
  }
}
