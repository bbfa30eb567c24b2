package com.pmsrelay.cloud.results;

import com.pmsrelay.cloud.keys.SealingKeys;

import com.pmsrelay.cloud.dispatch.Flow;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The kept results of one cloud node: one encrypted {@link ResultFile} per query under
 * {@code dataDir/results}, written and read on a worker pool of their own so that file I/O never
 * runs on an event loop.
 */
public final class ResultFiles {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ResultFiles.class);
  private static final Pattern QUERY_ID = Pattern.compile("[0-9a-f-]{36}");

  private final Path dir;
  private final SealingKeys keys;
  private final WorkerExecutor workers;

  public ResultFiles(Vertx vertx, Path dir, SealingKeys keys) {
    this.dir = dir;
    this.keys = keys;
    this.workers = vertx.createSharedWorkerExecutor("result-files", 4);
  }

  /** The keys that seal kept results and the queries kept to run them (the current one seals). */
  public SealingKeys keys() {
    return keys;
  }

  Path path(String queryId) {
    if (!QUERY_ID.matcher(queryId).matches()) {
      throw new IllegalArgumentException("not a query id");
    }
    return dir.resolve(queryId + ".result");
  }

  /** A consumer that keeps a query's result as it streams in, slowing {@code flow} while writes are behind. */
  public ResultFileSink sink(String queryId, Flow flow) {
    return new ResultFileSink(this, queryId, flow);
  }

  <T> Future<T> blocking(java.util.concurrent.Callable<T> work) {
    return workers.executeBlocking(work, false);
  }

  /** Reads a result that the store says was kept: a missing file is the operator's to fix, so it is logged with the fix. */
  private <T> Future<T> reading(String queryId, java.util.concurrent.Callable<T> work) {
    return blocking(work).onFailure(e -> {
      if (e instanceof java.io.FileNotFoundException) {
        LOG.error("the kept result of query {} is not in {}: with several cloud nodes, results.dir must be one "
            + "directory that every node mounts", queryId, dir);
      }
    });
  }

  Future<ResultFile.Writer> create(String queryId) {
    return blocking(() -> ResultFile.create(path(queryId), keys.current(), queryId));
  }

  /** A page of a kept result: up to {@code limit} rows from {@code offset}, and at most about {@code maxBytes}. */
  public Future<ResultFile.Page> page(String queryId, long offset, int limit, long maxBytes) {
    return reading(queryId, () -> {
      try (ResultFile.Reader reader = ResultFile.open(path(queryId), keys, queryId)) {
        return reader.page(offset, limit, maxBytes);
      }
    });
  }

  /** Opens a kept result to read it segment by segment ({@link #next}). */
  public Future<ResultFile.Reader> open(String queryId) {
    return reading(queryId, () -> ResultFile.open(path(queryId), keys, queryId));
  }

  public Future<ResultFile.Reader.Segment> next(ResultFile.Reader reader) {
    return blocking(reader::next);
  }

  public Future<Void> close(ResultFile.Reader reader) {
    return blocking(() -> {
      reader.close();
      return null;
    });
  }

  public Future<Void> delete(String queryId) {
    return blocking(() -> {
      Files.deleteIfExists(path(queryId));
      return null;
    });
  }

  /** Whether the result file exists (a kept result that was not removed). */
  public Future<Boolean> exists(String queryId) {
    return blocking(() -> Files.exists(path(queryId)));
  }

  public void close() throws IOException {
    workers.close();
  }
}
