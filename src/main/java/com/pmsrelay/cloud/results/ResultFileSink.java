package com.pmsrelay.cloud.results;

import com.pmsrelay.cloud.dispatch.Flow;
import com.pmsrelay.cloud.dispatch.ResultConsumer;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.Rows;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;

/**
 * Keeps one query's result in its encrypted file as it streams in: writes go to a worker one
 * after another, and the stream is paused while more than {@value #MAX_PENDING} writes wait, so the
 * agent is slowed to the disk's pace and memory stays bounded.
 */
public final class ResultFileSink implements ResultConsumer {
  /** What was kept: the result's end and the file's size. */
  public record Kept(ResultMessage.End end, long bytes) {}

  static final int MAX_PENDING = 2;

  private final ResultFiles files;
  private final String queryId;
  private final Flow flow;
  private final Promise<Kept> done = Promise.promise();
  private Future<ResultFile.Writer> chain;
  private int pending;

  ResultFileSink(ResultFiles files, String queryId, Flow flow) {
    this.files = files;
    this.queryId = queryId;
    this.flow = flow;
    this.chain = files.create(queryId);
  }

  /** Completes once the whole result is on disk; fails if the query or a write failed (the file is then removed). */
  public Future<Kept> done() {
    return done.future();
  }

  @Override
  public void next(Buffer columns, Rows rows, ResultMessage.End end) {
    if (done.future().isComplete()) {
      return;
    }
    Buffer lines = rows.isEmpty() ? null : rows.appendLines(Buffer.buffer((int) Math.min(Integer.MAX_VALUE,
        rows.bytes() + rows.count())));
    int count = rows.count();
    pending++;
    if (pending > MAX_PENDING) {
      flow.pause();
    }
    chain = chain.compose(writer -> files.blocking(() -> {
      if (columns != null) {
        writer.columns(columns);
      }
      if (lines != null) {
        writer.rows(lines, count);
      }
      if (end != null) {
        writer.end(end.rowCount(), end.truncated());
        writer.close();
      }
      return writer;
    }));
    chain.onComplete(written -> {
      pending--;
      if (pending <= MAX_PENDING) {
        flow.resume();
      }
      if (written.failed()) {
        discard(written.cause());
      } else if (end != null) {
        done.tryComplete(new Kept(end, written.result().bytes()));
      }
    });
  }

  @Override
  public void failed(RelayException problem) {
    discard(problem);
  }

  private void discard(Throwable why) {
    if (done.tryFail(why)) {
      chain.onComplete(writer -> {
        if (writer.succeeded()) {
          files.blocking(() -> {
            writer.result().discard();
            return null;
          });
        } else {
          files.delete(queryId);
        }
      });
    }
  }
}
