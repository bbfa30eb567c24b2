package com.pmsrelay.agent.exec;

import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.agent.pms.SqlTypeNames;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.SchemaRow;
import com.pmsrelay.guard.TableScopes;
import io.vertx.core.buffer.Buffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Schema discovery at the agent: reads the tables and views of one catalogue, their columns and
 * primary keys from the database's INFORMATION_SCHEMA (TABLES, COLUMNS, TABLE_CONSTRAINTS,
 * KEY_COLUMN_USAGE), which SQL Server and H2 both have, in one statement, on the query's pooled
 * read-only connection. One statement rather than JDBC's DatabaseMetaData: it runs under the same
 * time-out and cancel as any query (metadata calls give no Statement to cancel), in one round trip
 * where getPrimaryKeys takes one per table. Tables the guard never lets a statement read (the
 * system catalogue) are left out; the cloud narrows the rest to each grant's scopes.
 *
 * <p>Rows go out as {@link SchemaRow}s in chunks under the stream's credit, like a query's.
 */
final class CatalogueReader implements QueryTask.Work {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(CatalogueReader.class);
  static final String SQL = "SELECT t.TABLE_SCHEMA, t.TABLE_NAME, t.TABLE_TYPE, c.COLUMN_NAME, c.DATA_TYPE, "
      + "c.CHARACTER_MAXIMUM_LENGTH, c.NUMERIC_PRECISION, c.NUMERIC_SCALE, c.DATETIME_PRECISION, c.IS_NULLABLE, "
      + "k.ORDINAL_POSITION "
      + "FROM INFORMATION_SCHEMA.TABLES t "
      + "JOIN INFORMATION_SCHEMA.COLUMNS c ON c.TABLE_SCHEMA = t.TABLE_SCHEMA AND c.TABLE_NAME = t.TABLE_NAME "
      + "LEFT JOIN (SELECT ku.TABLE_SCHEMA, ku.TABLE_NAME, ku.COLUMN_NAME, ku.ORDINAL_POSITION "
      + "FROM INFORMATION_SCHEMA.TABLE_CONSTRAINTS tc JOIN INFORMATION_SCHEMA.KEY_COLUMN_USAGE ku "
      + "ON ku.CONSTRAINT_SCHEMA = tc.CONSTRAINT_SCHEMA AND ku.CONSTRAINT_NAME = tc.CONSTRAINT_NAME "
      + "AND ku.TABLE_SCHEMA = tc.TABLE_SCHEMA AND ku.TABLE_NAME = tc.TABLE_NAME "
      + "WHERE tc.CONSTRAINT_TYPE = 'PRIMARY KEY') k "
      + "ON k.TABLE_SCHEMA = c.TABLE_SCHEMA AND k.TABLE_NAME = c.TABLE_NAME AND k.COLUMN_NAME = c.COLUMN_NAME "
      + "WHERE t.TABLE_TYPE IN ('BASE TABLE', 'VIEW') AND t.TABLE_SCHEMA NOT IN ('INFORMATION_SCHEMA', 'sys') "
      + "ORDER BY t.TABLE_SCHEMA, t.TABLE_NAME, c.ORDINAL_POSITION";
  /** Room in a message for everything but the rows: seq, columns, brackets, the end. */
  private static final int HEADROOM_BYTES = 2048;

  private final PmsDatabase pms;
  private final int chunkRows;
  private final int chunkBytes;
  /** Catalogue reads that reached the database since the start. */
  private final AtomicLong reads = new AtomicLong();

  CatalogueReader(PmsDatabase pms, int chunkRows, int chunkBytes) {
    this.pms = pms;
    this.chunkRows = chunkRows;
    this.chunkBytes = chunkBytes;
  }

  long reads() {
    return reads.get();
  }

  @Override
  public JdbcRunner.Outcome run(QueryTask task, String catalogue) {
    QueryRequest q = task.request;
    long started = System.nanoTime();
    long queuedMs = (started - task.admittedNanos) / 1_000_000;
    try (Connection connection = pms.connect(catalogue);
         PreparedStatement ps = connection.prepareStatement(SQL)) {
      task.statement = ps;
      if (task.stopReason != null) {
        return JdbcRunner.stopped(task);
      }
      boolean h2 = "H2".equalsIgnoreCase(connection.getMetaData().getDatabaseProductName());
      ps.setQueryTimeout((int) Math.max(1, (q.timeoutMs() + 999) / 1000));
      ps.setFetchSize(chunkRows);
      reads.incrementAndGet();
      long executing = System.nanoTime();
      try (ResultSet rs = ps.executeQuery()) {
        task.latencyNanos = System.nanoTime() - executing;
        return stream(task, rs, h2, queuedMs, started);
      }
    } catch (SQLTimeoutException e) {
      JdbcRunner.noteLatency(task);
      return task.stopReason != null ? JdbcRunner.stopped(task)
          : JdbcRunner.fail(task, ErrorCode.QUERY_TIMEOUT, "reading the schema ran past its time-out");
    } catch (SQLException e) {
      if (task.stopReason != null) {
        JdbcRunner.noteLatency(task);
        return JdbcRunner.stopped(task);
      }
      if (JdbcRunner.isConnectionFailure(e)) {
        JdbcRunner.fail(task, ErrorCode.PMS_UNAVAILABLE, "the practice database is not reachable");
        return JdbcRunner.Outcome.PMS_DOWN;
      }
      // Logged here, not sent: the integrator's problem says only what failed.
      LOG.warn("reading the catalogue {} failed: {}", catalogue, e.getMessage());
      return JdbcRunner.fail(task, ErrorCode.EXECUTION_FAILED, "the practice database refused to list its tables");
    } finally {
      task.statement = null;
    }
  }

  private JdbcRunner.Outcome stream(QueryTask task, ResultSet rs, boolean h2, long queuedMs, long started)
      throws SQLException {
    QueryRequest q = task.request;
    int maxChunkBytes = Math.min(chunkBytes, task.sink.maxMessageBytes() - HEADROOM_BYTES);
    Buffer columns = SchemaRow.encodedColumns();
    Buffer chunk = Buffer.buffer(4096);
    int inChunk = 0;
    long rows = 0;
    long bytes = 0;
    boolean truncated = false;
    while (rs.next()) {
      if (task.stopReason != null || System.nanoTime() > task.deadlineNanos) {
        task.stop(QueryTask.Stop.TIMEOUT);
        return JdbcRunner.stopped(task);
      }
      SchemaRow row = row(rs, h2);
      if (row == null) {
        continue;
      }
      Buffer encoded = row.toJson().toBuffer();
      if (rows == q.maxRows() || bytes + encoded.length() > q.maxBytes()) {
        truncated = true;
        break;
      }
      if (inChunk > 0 && (inChunk >= chunkRows || chunk.length() + encoded.length() + 1 > maxChunkBytes)) {
        if (!task.send(new Outgoing(ResultMessage.encode(task.seq++, columns, chunk, null), true, false),
            task.deadlineNanos)) {
          return JdbcRunner.notSent(task);
        }
        columns = null;
        chunk = Buffer.buffer(4096);
        inChunk = 0;
      }
      if (inChunk > 0) {
        chunk.appendByte((byte) ',');
      }
      chunk.appendBuffer(encoded);
      inChunk++;
      rows++;
      bytes += encoded.length();
    }
    long executionMs = (System.nanoTime() - started) / 1_000_000;
    ResultMessage.End end = new ResultMessage.End(rows, truncated, queuedMs, executionMs);
    Buffer body = ResultMessage.encode(task.seq++, columns, inChunk > 0 ? chunk : null, end);
    if (!task.send(new Outgoing(body, inChunk > 0, true), task.deadlineNanos)) {
      return JdbcRunner.notSent(task);
    }
    return JdbcRunner.Outcome.SUCCEEDED;
  }

  /** The current row as a schema row, or null for a table no statement may read. */
  private static SchemaRow row(ResultSet rs, boolean h2) throws SQLException {
    String schema = rs.getString(1);
    String table = rs.getString(2);
    if (!TableScopes.readable(schema, table)) {
      return null;
    }
    String kind = "VIEW".equalsIgnoreCase(rs.getString(3)) ? SchemaRow.VIEW : SchemaRow.TABLE;
    String type = SqlTypeNames.of(h2, rs.getString(5), longOrNull(rs, 6), intOrNull(rs, 7), intOrNull(rs, 8),
        intOrNull(rs, 9));
    boolean nullable = !"NO".equalsIgnoreCase(rs.getString(10));
    return new SchemaRow(schema, table, kind, rs.getString(4), type, nullable, intOrNull(rs, 11));
  }

  private static Long longOrNull(ResultSet rs, int column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Integer intOrNull(ResultSet rs, int column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }
}
