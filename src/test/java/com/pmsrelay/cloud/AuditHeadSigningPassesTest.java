package com.pmsrelay.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.cloud.keys.AuditHeadKey;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The signing's passes, whatever the store answers: a pass that fails, even at once or by
 * throwing, is tried again at the next tick, and a pass still running is never doubled.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class AuditHeadSigningPassesTest {
  private static final AuditHeadKey KEY = AuditHeadKey.fromSeed(new byte[32]);

  /** Runs signing every 50 ms with {@code sign}, on a context of its own as the node does. */
  private static AuditHeadSigning start(Vertx vertx, Supplier<Future<Integer>> sign) {
    AuditHeadSigning signing = new AuditHeadSigning(vertx, KEY, sign, 50);
    vertx.getOrCreateContext().runOnContext(v -> signing.start());
    return signing;
  }

  @Test
  void passesThatEndAtOnceInFailureOrSuccessDoNotStopTheNextOnes(Vertx vertx, VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    // The first answers at once with a failure, the second throws, the rest succeed at once.
    start(vertx, () -> switch (calls.incrementAndGet()) {
      case 1 -> Future.failedFuture("the store refused");
      case 2 -> throw new IllegalStateException("the store threw");
      default -> Future.succeededFuture(0);
    });
    vertx.setPeriodic(20, id -> {
      if (calls.get() >= 6) {
        vertx.cancelTimer(id);
        test.completeNow();
      }
    });
  }

  @Test
  void aPassStillRunningIsNotDoubledAndTheNextStartsOnceItEnds(Vertx vertx, VertxTestContext test) {
    AtomicInteger calls = new AtomicInteger();
    AtomicReference<Promise<Integer>> first = new AtomicReference<>();
    start(vertx, () -> {
      if (calls.incrementAndGet() == 1) {
        first.set(Promise.promise());
        return first.get().future();
      }
      return Future.succeededFuture(1);
    });
    // Ten ticks while the first pass runs: none starts another.
    vertx.setTimer(500, id -> test.verify(() -> {
      assertThat(calls.get()).isEqualTo(1);
      first.get().complete(3);
      vertx.setPeriodic(20, check -> {
        if (calls.get() >= 3) {
          vertx.cancelTimer(check);
          test.completeNow();
        }
      });
    }));
  }
}
