package com.pmsrelay.cloud;

import com.pmsrelay.cloud.keys.AuditHeadKey;
import com.pmsrelay.cloud.store.SignedHeadStore;
import com.pmsrelay.common.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the heads of the audit chains that moved: once at start (a crash's unsigned tail, or the
 * latest heads again under a new master key) and then every {@code audit.signHeadsEveryMs}; a pass
 * still running when the next is due is not doubled. The node signs once more at a clean stop,
 * after its last audit records are written ({@link CloudNode#stop}). Deployed in a
 * {@link com.pmsrelay.common.LifecycleVerticle}, so its timer and passes run on a context of their own.
 */
final class AuditHeadSigning implements Lifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(AuditHeadSigning.class);

  private final Vertx vertx;
  private final SignedHeadStore heads;
  private final long everyMs;
  private long timer = -1;
  /** The pass underway, or null; started on this component's context, cleared where the pass ends. */
  private volatile Future<Integer> underway;

  AuditHeadSigning(Vertx vertx, SignedHeadStore heads, long everyMs) {
    this.vertx = vertx;
    this.heads = heads;
    this.everyMs = everyMs;
  }

  @Override
  public Future<Void> start() {
    AuditHeadKey key = heads.keys().current();
    // The public key lets anyone check a signed head (console, CSV export) away from the relay.
    LOG.info("audit chain heads are signed every {} ms with Ed25519 key {} (public key {})", everyMs, key.id(),
        key.publicKeyBase64());
    pass();
    timer = vertx.setPeriodic(everyMs, id -> pass());
    return Future.succeededFuture();
  }

  private void pass() {
    if (underway != null) {
      return;
    }
    underway = heads.signMoved()
        .onFailure(e -> LOG.warn("signing the audit chains' heads failed (tried again in {} ms): {}", everyMs, e.toString()))
        .andThen(done -> underway = null);
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
