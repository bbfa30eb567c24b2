package com.pmsrelay.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.LifecycleVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit store's batching window, as a node runs it: deployed, its timer on a context of its
 * own. Records wait for the window and go together; neither a caller's verticle undeployed inside
 * the window nor the store's own stop loses them.
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class AuditWindowTest {
  private static final long WINDOW_MS = 1_000;
  private static final AuditStore.Query ALL = new AuditStore.Query("practice-w", null, null, null, null, null, null, 10);

  @TempDir Path dir;
  Database db;
  AuditStore audit;

  @BeforeEach
  void open(Vertx vertx) {
    db = Database.open(vertx, new StoreConfig(StoreConfig.embeddedH2(dir.resolve("audit")), "", "", 4));
    audit = new AuditStore(db, WINDOW_MS);
  }

  @AfterEach
  void close() {
    db.close().await();
  }

  private static AuditRecord record(String queryId) {
    return AuditRecord.query("practice-w", "cli_a", "succeeded", queryId, "h", "SELECT 1", 0, 1L, 10L, 0L, 1L);
  }

  private Future<List<String>> written() {
    return audit.list(ALL).map(records -> records.stream().map(AuditRecord::queryId).toList());
  }

  @Test
  void recordsArrivingTogetherAreWrittenTogetherAfterTheWindow(Vertx vertx, VertxTestContext test) {
    vertx.deployVerticle(new LifecycleVerticle(audit))
        .compose(id -> {
          List<Future<Long>> appends = List.of(audit.append(record("w0")), audit.append(record("w1")),
              audit.append(record("w2")));
          return audit.list(ALL).compose(meanwhile -> Future.all(appends).map(all -> {
            assertThat(meanwhile).as("nothing written while the window is open").isEmpty();
            return appends.stream().map(Future::result).toList();
          }));
        })
        .compose(seqs -> audit.list(ALL).map(records -> {
          assertThat(seqs).containsExactly(1L, 2L, 3L);
          assertThat(records).extracting(AuditRecord::queryId).containsExactly("w2", "w1", "w0");
          return null;
        }))
        .compose(v -> audit.verify())
        .onComplete(test.succeeding(v -> test.verify(() -> {
          assertThat(v.intact()).isTrue();
          test.completeNow();
        })));
  }

  /** The window's timer is the store's: undeploying the verticle that appended does not cancel it. */
  @Test
  void aRecordAppendedByAVerticleUndeployedInsideTheWindowIsStillWritten(Vertx vertx, VertxTestContext test) {
    Promise<Future<Long>> appendedThere = Promise.promise();
    vertx.deployVerticle(new LifecycleVerticle(audit))
        .compose(id -> vertx.deployVerticle(new VerticleBase() {
          @Override
          public Future<?> start() {
            appendedThere.complete(audit.append(record("w0")));
            return Future.succeededFuture();
          }
        }))
        .compose(vertx::undeploy) // at once: well inside the window
        .compose(v -> appendedThere.future())
        .compose(appended -> appended)
        .compose(first -> audit.append(record("w1")).map(second -> {
          assertThat(List.of(first, second)).containsExactly(1L, 2L);
          return null;
        }))
        .compose(v -> written())
        .onComplete(test.succeeding(written -> test.verify(() -> {
          assertThat(written).containsExactly("w1", "w0");
          test.completeNow();
        })));
  }

  /** A node that stops inside the window still writes the records waiting for it. */
  @Test
  void stoppingTheStoreWritesWhatWaitsForTheWindow(Vertx vertx, VertxTestContext test) {
    audit = new AuditStore(db, TimeUnit.MINUTES.toMillis(10));
    vertx.deployVerticle(new LifecycleVerticle(audit))
        .compose(id -> {
          Future<Long> appended = audit.append(record("w0"));
          return vertx.undeploy(id).map(v -> {
            assertThat(appended.succeeded()).as("committed by the time the store stopped").isTrue();
            return null;
          });
        })
        .compose(v -> audit.append(record("w1"))) // after the stop: written at once
        .compose(seq -> written())
        .onComplete(test.succeeding(written -> test.verify(() -> {
          assertThat(written).containsExactly("w1", "w0");
          test.completeNow();
        })));
  }
}
