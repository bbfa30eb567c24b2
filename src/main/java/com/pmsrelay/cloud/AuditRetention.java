package com.pmsrelay.cloud;

import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.common.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Daily, a minute after start and then every day, removes audit records past the retention period
 * (the chains stay verifiable). Deployed in a {@link com.pmsrelay.common.LifecycleVerticle}.
 */
final class AuditRetention implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(AuditRetention.class);
  private static final long DAY_MS = TimeUnit.DAYS.toMillis(1);

  private final Vertx vertx;
  private final AuditStore audit;
  private final int retentionDays;
  private long timer = -1;

  AuditRetention(Vertx vertx, AuditStore audit, int retentionDays) {
    this.vertx = vertx;
    this.audit = audit;
    this.retentionDays = retentionDays;
  }

  @Override
  public Future<Void> start() {
    timer = vertx.setPeriodic(60_000, DAY_MS, id -> audit.purgeOlderThan(System.currentTimeMillis() - retentionDays * DAY_MS)
        .onSuccess(n -> {
          if (n > 0) {
            LOG.info("audit retention: removed {} records older than {} days", n, retentionDays);
          }
        })
        .onFailure(e -> LOG.warn("audit retention failed: {}", e.toString())));
    return Future.succeededFuture();
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
