package com.pmsrelay.cloud.webhook;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * Where a registered query's new result is announced: the integrator's webhook. Registered queries
 * call it when a run's result differs from the last; webhook delivery implements it. The notice is
 * kept durably before the future succeeds, and notices of one registration are delivered in the
 * order they were announced.
 */
public interface ChangeNotices {
  /**
   * @param integratorId the client id owning the registration
   * @param registrationId the registered query whose answer changed
   * @param resultId the query id under which the new result is kept (fetched with
   *     {@code GET /v1/queries/{resultId}/results})
   * @param changedAt when the agent ran the query that found the change
   */
  Future<Void> announce(String integratorId, String registrationId, String resultId, Instant changedAt);
}
