package com.pmsrelay.cloud.registered;

import com.pmsrelay.cloud.webhook.ChangeNotices;
import io.vertx.core.Future;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notices a node gives when no webhook delivery is plugged in: each change is logged (ids only,
 * never data) and the integrator finds it by reading its registrations ({@code lastResultId}).
 */
public final class LoggedChangeNotices implements ChangeNotices {
  private static final Logger LOG = LoggerFactory.getLogger(LoggedChangeNotices.class);

  @Override
  public Future<Void> announce(String integratorId, String registrationId, String resultId, Instant changedAt) {
    LOG.info("registered query {} of {} changed at {}: result {}", registrationId, integratorId, changedAt, resultId);
    return Future.succeededFuture();
  }
}
