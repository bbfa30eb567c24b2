package com.pmsrelay.cloud.webhook;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * {@link ChangeNotices} over the webhook outbox: a notice is kept ({@link WebhookStore#enqueue})
 * before the future succeeds, then this node's deliverer is told to look at once.
 */
public final class OutboxNotices implements ChangeNotices {
  private final WebhookStore store;
  private final Runnable poke;

  public OutboxNotices(WebhookStore store, Runnable poke) {
    this.store = store;
    this.poke = poke;
  }

  @Override
  public Future<Void> announce(String integratorId, String registrationId, String resultId, Instant changedAt) {
    if (integratorId == null || registrationId == null || resultId == null || changedAt == null
        || integratorId.length() > 64 || registrationId.length() > 64 || resultId.length() > 64) {
      return Future.failedFuture(new IllegalArgumentException("a notice needs an integrator, a registration and a "
          + "result id (each at most 64 characters) and a time"));
    }
    return store.enqueue(integratorId, registrationId, resultId, changedAt.toEpochMilli(), System.currentTimeMillis())
        .onSuccess(d -> {
          if (Delivery.PENDING.equals(d.state())) {
            poke.run();
          }
        })
        .mapEmpty();
  }
}
