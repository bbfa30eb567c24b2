package com.pmsrelay.agent.exec;

import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.StreamMessages;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one admitted query on a worker thread and streams its rows to the sink in chunks, checking
 * the wall-clock deadline between rows (the driver's time-out covers only execution).
 */
final class JdbcRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcRunner.class);

  /** How a run ended, for the executor's bookkeeping. */
  enum Outcome { SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, PMS_DOWN }

  private final PmsDatabase pms;
  private final int chunkRows;
  private final long maxResultBytes;

  JdbcRunner(PmsDatabase pms, int chunkRows, long maxResultBytes) {
    this.pms = pms;
    this.chunkRows = chunkRows;
    this.maxResultBytes = maxResultBytes;
  }

  Outcome run(QueryTask task, String catalogue) {
    QueryRequest q = task.request;
    long started = System.nanoTime();
    long queuedMs = (started - task.admittedNanos) / 1_000_000;
    try (Connection connection = pms.connect(catalogue);
         PreparedStatement ps = connection.prepareStatement(q.sql())) {
      task.statement = ps;
      if (task.stopReason != null) {
        return stopped(task);
      }
      ps.setQueryTimeout((int) Math.max(1, (q.timeoutMs() + 999) / 1000));
      ps.setMaxRows(q.maxRows() + 1); // one more than asked, to know whether we cut
      ps.setFetchSize(Math.min(chunkRows, q.maxRows() + 1));
      ValueEncoder.bind(ps, q.params());
      long executing = System.nanoTime();
      boolean rows = ps.execute();
      task.latencyNanos = System.nanoTime() - executing;
      if (!rows) {
        LOG.error("guard violation: query {} from {} produced an update count instead of rows", q.queryId(), q.clientId());
        return fail(task, ErrorCode.SQL_REJECTED, "the statement did not return rows");
      }
      try (ResultSet rs = ps.getResultSet()) {
        return stream(task, ps, rs, queuedMs, started);
      }
    } catch (SQLTimeoutException e) {
      noteLatency(task);
      return task.stopReason != null ? stopped(task) : fail(task, ErrorCode.QUERY_TIMEOUT, "the query ran past its time-out");
    } catch (SQLException e) {
      if (task.stopReason != null) {
        noteLatency(task);
        return stopped(task);
      }
      if (isConnectionFailure(e)) {
        fail(task, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
        return Outcome.PMS_DOWN;
      }
      return fail(task, ErrorCode.EXECUTION_FAILED, e.getMessage() == null ? "the database refused the query" : e.getMessage());
    } finally {
      task.statement = null;
    }
  }

  /** A statement stopped before it answered still tells the limiter how slow the database was. */
  private static void noteLatency(QueryTask task) {
    if (task.latencyNanos < 0 && task.deadlineNanos > 0) {
      task.latencyNanos = Math.max(1, System.nanoTime() - (task.deadlineNanos - java.util.concurrent.TimeUnit.MILLISECONDS
          .toNanos(task.request.timeoutMs())));
    }
  }

  /**
   * Streams the result. Columns wait for the first full chunk, and the last chunk goes with the
   * end, so a result of one chunk or less is one write to the cloud instead of three.
   */
  private Outcome stream(QueryTask task, PreparedStatement ps, ResultSet rs, long queuedMs, long started)
      throws SQLException {
    QueryRequest q = task.request;
    int[] types = ValueEncoder.types(rs.getMetaData());
    List<JsonObject> pending = new ArrayList<>(3);
    pending.add(StreamMessages.columns(task.seq++, ValueEncoder.columns(rs.getMetaData())));
    long rows = 0;
    long bytes = 0;
    boolean truncated = false;
    JsonArray chunk = new JsonArray();
    long chunkBytes = 0;
    while (rs.next()) {
      if (task.stopReason != null || System.nanoTime() > task.deadlineNanos) {
        task.stop("timeout");
        return stopped(task);
      }
      if (rows == q.maxRows()) {
        truncated = true;
        break;
      }
      JsonArray row = new JsonArray(new ArrayList<>(types.length));
      int rowBytes = 2;
      for (int i = 0; i < types.length; i++) {
        Object value = ValueEncoder.value(rs, i + 1, types[i]);
        rowBytes += ValueEncoder.approximateBytes(value);
        row.add(value);
      }
      if (bytes + rowBytes > maxResultBytes) {
        truncated = true;
        break;
      }
      bytes += rowBytes;
      chunkBytes += rowBytes;
      rows++;
      chunk.add(row);
      if (chunk.size() >= chunkRows) {
        pending.add(StreamMessages.rows(task.seq++, chunk, chunkBytes));
        if (!send(task, pending)) {
          return Outcome.CANCELLED;
        }
        pending.clear();
        chunk = new JsonArray();
        chunkBytes = 0;
      }
    }
    if (!chunk.isEmpty()) {
      pending.add(StreamMessages.rows(task.seq++, chunk, chunkBytes));
    }
    if (!truncated && (ps.getMoreResults() || ps.getUpdateCount() != -1)) {
      // Defence in depth: one checked SELECT cannot yield a second result; if it did, refuse the lot.
      LOG.error("guard violation: query {} from {} produced more than one result", q.queryId(), q.clientId());
      return fail(task, ErrorCode.SQL_REJECTED, "the statement produced more than one result");
    }
    long executionMs = (System.nanoTime() - started) / 1_000_000;
    pending.add(StreamMessages.end(task.seq++, rows, truncated, queuedMs, executionMs));
    send(task, pending);
    return Outcome.SUCCEEDED;
  }

  private static boolean send(QueryTask task, List<JsonObject> messages) {
    if (!task.sink.send(messages, task.deadlineNanos)) {
      task.stop("cancelled");
      return false;
    }
    return true;
  }

  private static Outcome stopped(QueryTask task) {
    if ("timeout".equals(task.stopReason)) {
      fail(task, ErrorCode.QUERY_TIMEOUT, "the query ran past its time-out and was cancelled");
      return Outcome.TIMED_OUT;
    }
    return Outcome.CANCELLED;
  }

  private static Outcome fail(QueryTask task, ErrorCode code, String detail) {
    task.sink.send(StreamMessages.error(task.seq++, code, detail), System.nanoTime() + 1_000_000_000L);
    return Outcome.FAILED;
  }

  /** SQLState class 08 is "connection exception"; drivers also report a closed pool this way. */
  private static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("08"))
        || e instanceof java.sql.SQLTransientConnectionException
        || e instanceof java.sql.SQLNonTransientConnectionException;
  }
}
