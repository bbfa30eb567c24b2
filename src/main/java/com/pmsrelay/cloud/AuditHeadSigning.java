package com.pmsrelay.cloud;

import com.pmsrelay.cloud.keys.AuditHeadKey;
import com.pmsrelay.cloud.store.SignedHeadStore;
import com.pmsrelay.common.Lifecycle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.function.Supplier;
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
  private final AuditHeadKey key;
  private final Supplier<Future<Integer>> sign;
  private final long everyMs;
  private long timer = -1;
  /** The pass underway, or null; started on this component's context, cleared where the pass ends. */
  private volatile Future<Integer> underway;

  AuditHeadSigning(Vertx vertx, SignedHeadStore heads, long everyMs) {
    this(vertx, heads.keys().current(), heads::signMoved, everyMs);
  }

  /** {@code sign} signs the heads that moved and answers how many it signed. */
  AuditHeadSigning(Vertx vertx, AuditHeadKey key, Supplier<Future<Integer>> sign, long everyMs) {
    this.vertx = vertx;
    this.key = key;
    this.sign = sign;
    this.everyMs = everyMs;
  }

  @Override
  public Future<Void> start() {
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
    Future<Integer> pass;
    try {
      pass = sign.get();
    } catch (RuntimeException e) {
      pass = Future.failedFuture(e);
    }
    // Noted before the clearing callback is added: a pass that has already ended (a store that
    // refuses at once) runs that callback right away, and must not be noted after it.
    underway = pass;
    pass.onComplete(done -> {
      underway = null;
      if (done.failed()) {
        LOG.warn("signing the audit chains' heads failed (tried again in {} ms): {}", everyMs, done.cause().toString());
      }
    });
  }

  @Override
  public Future<Void> stop() {
    vertx.cancelTimer(timer);
    return Future.succeededFuture();
  }
}
