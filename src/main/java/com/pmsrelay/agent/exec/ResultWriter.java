package com.pmsrelay.agent.exec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.pmsrelay.common.protocol.ResultMessage;
import io.vertx.core.buffer.Buffer;
import java.sql.ResultSetMetaData;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Turns one query's rows into result messages: each row encoded once, straight from JDBC to JSON
 * bytes, rows gathered into chunks bounded by rows and by bytes. The columns wait for the first
 * chunk and the last chunk goes with the end, so a small result is one message. A chunk also goes
 * once it has waited {@link #LINGER_MS} for more rows, so the rows of a slow query reach the
 * integrator as they come rather than when a chunk is full. A row that cannot fit in a message on
 * its own (the cloud's frame limit) fails the query, never the link.
 */
final class ResultWriter implements AutoCloseable {
  /** Room in a message for everything but rows: envelope, seq, brackets, the end. */
  static final int HEADROOM_BYTES = 1024;
  /** Columns larger than this go in a message of their own, so rows keep their room. */
  static final int MAX_SHARED_COLUMNS_BYTES = 16 * 1024;
  /** How long a chunk waits for more rows (checked as each row arrives) before it goes. */
  static final long LINGER_MS = 100;
  private static final long LINGER_NANOS = LINGER_MS * 1_000_000;
  private static final JsonFactory JSON = new JsonFactory();

  /** The bytes of the chunk being filled; its buffer is reused from chunk to chunk. */
  private static final class Chunk extends ByteArrayOutputStream {
    Chunk() {
      super(1024);
    }

    void truncate(int size) {
      count = size;
    }

    Buffer copy(int from, int length) {
      return Buffer.buffer(length).appendBytes(buf, from, length);
    }

    Buffer take() {
      Buffer bytes = copy(0, count);
      count = 0;
      return bytes;
    }
  }

  private final QueryTask task;
  private final int chunkRows;
  private final int chunkBytes;
  /** The largest row this query can carry: what a message holds beside its headroom. */
  private final int maxRowBytes;
  private final Chunk chunk = new Chunk();
  private final JsonGenerator json;
  /** Not yet sent (encoded): they go with the first chunk. */
  private Buffer columns;
  private int rowsInChunk;
  private long chunkStartNanos;
  private int lastRowStart;

  ResultWriter(QueryTask task, int chunkRows, int chunkBytes, int maxMessageBytes) throws IOException {
    this.task = task;
    this.chunkRows = chunkRows;
    this.maxRowBytes = maxMessageBytes - HEADROOM_BYTES - MAX_SHARED_COLUMNS_BYTES;
    this.chunkBytes = Math.min(chunkBytes, maxRowBytes);
    this.json = JSON.createGenerator(chunk);
    this.json.setRootValueSeparator(null); // rows are separated by commas written here
  }

  int maxRowBytes() {
    return maxRowBytes;
  }

  /**
   * The result's columns, encoded with this writer's generator (another one, on this worker, would
   * allocate its own buffers while this one holds the thread's); sent with the first rows, or now if
   * they are too large to share a message.
   */
  boolean columns(ResultSetMetaData meta, long deadlineNanos)
      throws SQLException, IOException, ValueEncoder.TooLargeException {
    ValueEncoder.writeColumns(json, meta);
    json.flush();
    Buffer encoded = chunk.take();
    if (encoded.length() > maxRowBytes) {
      throw new ValueEncoder.TooLargeException("the result has more columns than the relay carries");
    }
    if (encoded.length() <= MAX_SHARED_COLUMNS_BYTES) {
      columns = encoded;
      return true;
    }
    return task.send(new Outgoing(ResultMessage.encode(task.seq++, encoded, null, null), false, false), deadlineNanos);
  }

  /**
   * Encodes the result set's current row after the rows already gathered, first sending the
   * gathered chunk if it is full (which waits for credit). Returns the row's size in bytes, or -1
   * if the chunk could not be sent (no credit before the deadline, or no one reads any more).
   */
  int add(ResultSet rs, int[] types, long deadlineNanos)
      throws SQLException, IOException, ValueEncoder.TooLargeException {
    if (rowsInChunk > 0 && (rowsInChunk >= chunkRows || chunk.size() >= chunkBytes
        || System.nanoTime() - chunkStartNanos >= LINGER_NANOS) && !flush(deadlineNanos)) {
      return -1;
    }
    lastRowStart = chunk.size();
    if (rowsInChunk > 0) {
      chunk.write(',');
    }
    int start = chunk.size();
    json.writeStartArray();
    for (int i = 0; i < types.length; i++) {
      ValueEncoder.write(json, rs, i + 1, types[i], maxRowBytes);
      if (i % 16 == 15) {
        json.flush();
        checkSize(start);
      }
    }
    json.writeEndArray();
    json.flush();
    int size = checkSize(start);
    if (rowsInChunk > 0 && chunk.size() > maxRowBytes) {
      // The chunk and this row together pass what a message holds: the row starts the next chunk.
      Buffer row = chunk.copy(start, size);
      chunk.truncate(lastRowStart);
      if (!flush(deadlineNanos)) {
        return -1;
      }
      lastRowStart = 0;
      chunk.write(row.getBytes());
    }
    if (rowsInChunk == 0) {
      chunkStartNanos = System.nanoTime();
    }
    rowsInChunk++;
    return size;
  }

  /** Takes back the row {@link #add} just wrote (it passed the byte cap). */
  void dropLast() {
    chunk.truncate(lastRowStart);
    rowsInChunk--;
  }

  /** Sends what is left, with the end: the stream's last message. */
  boolean finish(ResultMessage.End end, long deadlineNanos) {
    Buffer rows = rowsInChunk > 0 ? chunk.take() : null;
    Buffer body = ResultMessage.encode(task.seq++, columns, rows, end);
    columns = null;
    rowsInChunk = 0;
    return task.send(new Outgoing(body, rows != null, true), deadlineNanos);
  }

  private boolean flush(long deadlineNanos) {
    Buffer rows = chunk.take();
    Buffer body = ResultMessage.encode(task.seq++, columns, rows, null);
    columns = null;
    rowsInChunk = 0;
    return task.send(new Outgoing(body, true, false), deadlineNanos);
  }

  /** Gives the generator's buffer back to Jackson's pool (an open one allocates 8 KB a query). */
  @Override
  public void close() throws IOException {
    json.close();
  }

  private int checkSize(int start) throws ValueEncoder.TooLargeException {
    int size = chunk.size() - start;
    if (size > maxRowBytes) {
      throw new ValueEncoder.TooLargeException(
          "a row of more than " + maxRowBytes + " bytes is larger than the relay carries in one piece");
    }
    return size;
  }
}
