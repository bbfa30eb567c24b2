package com.pmsrelay.agent.exec;

import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one admitted query on a worker thread and streams its rows to the sink in chunks, checking
 * the wall-clock deadline between rows (the driver's time-out covers only execution). The next
 * rows are read from the database only once the previous chunk was taken (credit), so a slow
 * reader slows the query instead of filling memory.
 */
final class JdbcRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcRunner.class);

  /** How a run ended, for the executor's bookkeeping. */
  enum Outcome { SUCCEEDED, FAILED, TIMED_OUT, CANCELLED, PMS_DOWN }

  private final PmsDatabase pms;
  private final int chunkRows;
  private final int chunkBytes;

  JdbcRunner(PmsDatabase pms, int chunkRows, int chunkBytes) {
    this.pms = pms;
    this.chunkRows = chunkRows;
    this.chunkBytes = chunkBytes;
  }

  Outcome run(QueryTask task, String catalogue) {
    QueryRequest q = task.request;
    long started = System.nanoTime();
    long queuedMs = (started - task.admittedNanos) / 1_000_000;
    String sql;
    try {
      sql = pms.nativeSql(q.sql());
    } catch (RelayException e) {
      return fail(task, e.code(), e.detail()); // what this PMS cannot run, before any connection
    }
    try (Connection connection = pms.connect(catalogue);
         PreparedStatement ps = connection.prepareStatement(sql)) {
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
      if (isConnectionFailure(e) && task.statement == null && task.stopReason != QueryTask.Stop.CANCELLED) {
        // No connection came: the database's answer, even if the deadline passed while the pool waited
        // for one (its wait can outlast a short time-out). Nothing ran, so this is no time-out, and
        // the circuit must count it, or queries with short time-outs would keep it closed on a dead server.
        fail(task, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
        return Outcome.PMS_DOWN;
      }
      if (task.stopReason != null) {
        noteLatency(task);
        return stopped(task);
      }
      if (isConnectionFailure(e)) {
        fail(task, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
        return Outcome.PMS_DOWN;
      }
      return fail(task, ErrorCode.EXECUTION_FAILED, DatabaseErrorText.describe(e, q.sql() + "\n" + sql));
    } catch (ValueEncoder.TooLargeException e) {
      return fail(task, ErrorCode.ROW_TOO_LARGE, e.getMessage());
    } catch (IOException e) {
      LOG.error("query {} could not be encoded", q.queryId(), e);
      return fail(task, ErrorCode.INTERNAL_ERROR, "the agent could not encode the result");
    } finally {
      task.statement = null;
    }
  }

  /** A statement stopped before it answered still tells the limiter how slow the database was. */
  static void noteLatency(QueryTask task) {
    if (task.latencyNanos < 0 && task.deadlineNanos > 0) {
      task.latencyNanos = Math.max(1, System.nanoTime() - (task.deadlineNanos
          - TimeUnit.MILLISECONDS.toNanos(task.request.timeoutMs())));
    }
  }

  private Outcome stream(QueryTask task, PreparedStatement ps, ResultSet rs, long queuedMs, long started)
      throws SQLException, IOException, ValueEncoder.TooLargeException {
    try (ResultWriter out = new ResultWriter(task, chunkRows, chunkBytes, task.sink.maxMessageBytes())) {
      return stream(task, ps, rs, out, queuedMs, started);
    }
  }

  private Outcome stream(QueryTask task, PreparedStatement ps, ResultSet rs, ResultWriter out, long queuedMs,
      long started) throws SQLException, IOException, ValueEncoder.TooLargeException {
    QueryRequest q = task.request;
    int[] types = ValueEncoder.types(rs.getMetaData());
    if (!out.columns(rs.getMetaData(), task.deadlineNanos)) {
      return notSent(task);
    }
    long rows = 0;
    long bytes = 0;
    boolean truncated = false;
    while (rs.next()) {
      if (task.stopReason != null || System.nanoTime() > task.deadlineNanos) {
        task.stop(QueryTask.Stop.TIMEOUT);
        return stopped(task);
      }
      if (rows == q.maxRows()) {
        truncated = true;
        break;
      }
      int size = out.add(rs, types, task.deadlineNanos);
      if (size < 0) {
        return notSent(task);
      }
      if (bytes + size > q.maxBytes()) {
        out.dropLast();
        truncated = true;
        break;
      }
      bytes += size;
      rows++;
    }
    if (!truncated && (ps.getMoreResults() || ps.getUpdateCount() != -1)) {
      // Defence in depth: one checked SELECT cannot yield a second result; if it did, refuse the lot.
      LOG.error("guard violation: query {} from {} produced more than one result", q.queryId(), q.clientId());
      return fail(task, ErrorCode.SQL_REJECTED, "the statement produced more than one result");
    }
    long executionMs = (System.nanoTime() - started) / 1_000_000;
    if (!out.finish(new ResultMessage.End(rows, truncated, queuedMs, executionMs), task.deadlineNanos)) {
      return notSent(task);
    }
    return Outcome.SUCCEEDED;
  }

  /**
   * A message could not be sent: past the deadline (the reader took too long to make room) it is
   * a time-out; otherwise no one reads the stream any more and the query just stops.
   */
  static Outcome notSent(QueryTask task) {
    if (task.stopReason == null && System.nanoTime() > task.deadlineNanos) {
      task.stop(QueryTask.Stop.TIMEOUT);
    } else {
      task.stop(QueryTask.Stop.CANCELLED);
    }
    return stopped(task);
  }

  static Outcome stopped(QueryTask task) {
    if (task.stopReason == QueryTask.Stop.TIMEOUT) {
      fail(task, ErrorCode.QUERY_TIMEOUT, "the query ran past its time-out and was cancelled");
      return Outcome.TIMED_OUT;
    }
    return Outcome.CANCELLED;
  }

  static Outcome fail(QueryTask task, ErrorCode code, String detail) {
    task.send(Outgoing.error(task.seq++, code, detail), System.nanoTime() + 1_000_000_000L);
    return Outcome.FAILED;
  }

  /** SQLState class 08 is "connection exception"; drivers also report a closed pool this way. */
  static boolean isConnectionFailure(SQLException e) {
    String state = e.getSQLState();
    return (state != null && state.startsWith("08"))
        || e instanceof java.sql.SQLTransientConnectionException
        || e instanceof java.sql.SQLNonTransientConnectionException;
  }
}
