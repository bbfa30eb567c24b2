package com.pmsrelay.cloud.store;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Writes appended audit records in batches: appends that arrive while a batch is being written
 * wait and go together in the next transaction (at most {@value #MAX_BATCH}), in arrival order.
 *
 * <p>Once started, it also waits {@code windowMs} before writing an idle log's first record, to
 * gather its followers. That timer is set on the writer's own context (the one it was started on),
 * never the caller's: a caller's verticle, undeployed inside the window, would take the timer and
 * the pending records with it. Stopping writes what is pending; appends after it are written at once.
 */
final class AuditWriter {
  /** The most records one transaction appends. */
  static final int MAX_BATCH = 500;

  private record Pending(AuditRecord record, Promise<Long> appended) {}

  /** Appends records in one transaction; their sequence numbers, in order. */
  private final Function<List<AuditRecord>, Future<long[]>> write;
  private final long windowMs;
  private final ArrayDeque<Pending> pending = new ArrayDeque<>();
  /** Whether a batch is being written or waits for its window. Guarded by {@code pending}. */
  private boolean writing;
  /** Who waits for the writer to fall idle (a stop). Guarded by {@code pending}. */
  private final List<Promise<Void>> idle = new ArrayList<>();
  /** The context the window's timer runs on while started; null: no window. */
  private volatile Context context;
  /** The window's timer, if one is set; read and written on {@link #context} only. */
  private long timer = -1;

  AuditWriter(Function<List<AuditRecord>, Future<long[]>> write, long windowMs) {
    this.write = write;
    this.windowMs = windowMs;
  }

  /** Opens the window (if any) on the current context, which must outlive every caller's. */
  void start() {
    if (windowMs > 0) {
      context = Vertx.currentContext();
    }
  }

  /** On the context it started on: closes the window, writes what is pending, completes once all is written. */
  Future<Void> stop() {
    Context own = context;
    context = null;
    if (own != null && timer >= 0 && own.owner().cancelTimer(timer)) {
      timer = -1;
      writeNextBatch();
    }
    synchronized (pending) {
      if (!writing) {
        return Future.succeededFuture();
      }
      Promise<Void> done = Promise.promise();
      idle.add(done);
      return done.future();
    }
  }

  /** Queues a record; the future completes with its sequence number once it is committed. */
  Future<Long> append(AuditRecord record) {
    Promise<Long> appended = Promise.promise();
    boolean startWriting;
    synchronized (pending) {
      pending.add(new Pending(record, appended));
      startWriting = !writing;
      writing = true;
    }
    if (startWriting) {
      Context own = context;
      if (own == null) {
        writeNextBatch();
      } else {
        own.runOnContext(v -> openWindow());
      }
    }
    return appended.future();
  }

  /** On {@link #context}: waits the window, unless the writer stopped meanwhile. */
  private void openWindow() {
    Context own = context;
    if (own == null) {
      writeNextBatch();
    } else {
      timer = own.owner().setTimer(windowMs, id -> {
        timer = -1;
        writeNextBatch();
      });
    }
  }

  private void writeNextBatch() {
    List<Pending> batch = new ArrayList<>();
    List<Promise<Void>> idleNow = List.of();
    synchronized (pending) {
      while (batch.size() < MAX_BATCH && !pending.isEmpty()) {
        batch.add(pending.poll());
      }
      if (batch.isEmpty()) {
        writing = false;
        idleNow = new ArrayList<>(idle);
        idle.clear();
      }
    }
    if (batch.isEmpty()) {
      idleNow.forEach(Promise::complete);
      return;
    }
    write.apply(batch.stream().map(Pending::record).toList()).onComplete(done -> {
      if (done.succeeded()) {
        for (int i = 0; i < batch.size(); i++) {
          batch.get(i).appended().complete(done.result()[i]);
        }
        writeNextBatch();
      } else if (batch.size() == 1) {
        batch.get(0).appended().fail(done.cause());
        writeNextBatch();
      } else {
        // One record the store refuses must not take the others with it: one by one.
        writeOneByOne(batch, 0).onComplete(v -> writeNextBatch());
      }
    });
  }

  private Future<Void> writeOneByOne(List<Pending> batch, int from) {
    if (from == batch.size()) {
      return Future.succeededFuture();
    }
    Pending p = batch.get(from);
    return write.apply(List.of(p.record())).onComplete(done -> {
      if (done.succeeded()) {
        p.appended().complete(done.result()[0]);
      } else {
        p.appended().fail(done.cause());
      }
    }).transform(done -> writeOneByOne(batch, from + 1));
  }
}
