package com.pmsrelay.cloud.results;

import com.pmsrelay.cloud.keys.SealingKey;
import com.pmsrelay.cloud.keys.SealingKeys;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.EOFException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's result at rest: encrypted with AES-256-GCM in segments, so that it is written as it
 * streams in and read back a page at a time without decrypting what comes before the page.
 *
 * <pre>
 * file    = "PMSRES01" | key id (8) | nonce prefix (8, random) | segment*
 * segment = kind (1) | first row (8) | rows (4) | sealed length (4) | sealed bytes
 * </pre>
 * Kinds: 1 the columns (JSON), 2 rows (NDJSON lines), 3 the end ({@code {"rowCount", "truncated"}}),
 * which must come last. Each segment's nonce is the file's prefix and the segment's index; its
 * additional data binds the query id, the index and the header, so a segment cannot be moved,
 * replayed from another result, or altered, and a file cut short lacks its end. Blocking: use
 * from a worker.
 */
public final class ResultFile {
  static final byte[] MAGIC = "PMSRES01".getBytes(StandardCharsets.US_ASCII);
  static final byte COLUMNS = 1;
  static final byte ROWS = 2;
  static final byte END = 3;
  private static final int HEADER_BYTES = 8 + 8 + 8;
  private static final int SEGMENT_HEADER_BYTES = 1 + 8 + 4 + 4;

  /** The result cannot be read: another key, altered, or incomplete. */
  public static final class UnreadableException extends IOException {
    UnreadableException(String reason) {
      super(reason);
    }
  }

  private ResultFile() {}

  /** Writes one result, segment by segment. */
  public static final class Writer implements AutoCloseable {
    private final Path path;
    private final RandomAccessFile file;
    private final SealingKey key;
    private final String queryId;
    private final byte[] prefix = Secrets.randomBytes(8);
    private int segment;
    private long rows;
    private long bytes;

    Writer(Path path, SealingKey key, String queryId) throws IOException {
      this.path = path;
      this.key = key;
      this.queryId = queryId;
      Files.createDirectories(path.getParent());
      this.file = new RandomAccessFile(path.toFile(), "rw");
      file.setLength(0);
      file.write(MAGIC);
      file.write(key.id());
      file.write(prefix);
    }

    /** The columns, a JSON array's bytes. */
    public void columns(Buffer columns) throws IOException {
      write(COLUMNS, 0, columns.getBytes());
    }

    /** NDJSON lines of {@code count} rows. */
    public void rows(Buffer lines, int count) throws IOException {
      write(ROWS, count, lines.getBytes());
      rows += count;
    }

    /** The last segment; then the file is forced to disk. */
    public void end(long rowCount, boolean truncated) throws IOException {
      write(END, 0, new JsonObject().put("rowCount", rowCount).put("truncated", truncated).toBuffer().getBytes());
      file.getFD().sync();
    }

    /** Bytes written so far (what counts against the integrator's quota). */
    public long bytes() {
      return bytes;
    }

    private void write(byte kind, int count, byte[] plain) throws IOException {
      byte[] header = header(kind, rows, count);
      byte[] sealed;
      try {
        sealed = key.seal(nonce(prefix, segment), aad(queryId, segment, header), plain, 0, plain.length);
      } catch (GeneralSecurityException e) {
        throw new IOException("cannot encrypt a result segment", e);
      }
      file.write(header);
      file.writeInt(sealed.length);
      file.write(sealed);
      bytes += SEGMENT_HEADER_BYTES + sealed.length;
      segment++;
    }

    @Override
    public void close() throws IOException {
      file.close();
    }

    /** Closes and removes the file (the result will not be kept). */
    public void discard() {
      try {
        file.close();
      } catch (IOException ignored) {
        // removed below either way
      }
      try {
        Files.deleteIfExists(path);
      } catch (IOException ignored) {
        // the retention sweep removes it
      }
    }
  }

  public static Writer create(Path path, SealingKey key, String queryId) throws IOException {
    return new Writer(path, key, queryId);
  }

  /** What a page read found: the columns, up to the asked rows as NDJSON lines, and where to go on. */
  public record Page(Buffer columns, List<byte[]> rows, long offset, Long nextOffset, long rowCount, boolean truncated) {}

  /** Reads one result: its columns, its end, and rows from any offset. */
  public static final class Reader implements AutoCloseable {
    private final RandomAccessFile file;
    private final SealingKey key;
    private final String queryId;
    private final byte[] prefix = new byte[8];
    private int segment;

    Reader(Path path, SealingKeys keys, String queryId) throws IOException {
      this.queryId = queryId;
      this.file = new RandomAccessFile(path.toFile(), "r");
      byte[] magic = new byte[8];
      byte[] id = new byte[8];
      try {
        file.readFully(magic);
        file.readFully(id);
        file.readFully(prefix);
      } catch (EOFException e) {
        file.close();
        throw new UnreadableException("the result file is incomplete");
      }
      this.key = keys.withId(id);
      if (!java.util.Arrays.equals(magic, MAGIC) || key == null) {
        file.close();
        throw new UnreadableException("the result file is not one of this relay's, or another key sealed it");
      }
    }

    /** One segment; a skipped one has no plaintext. */
    public record Segment(byte kind, long firstRow, int rows, byte[] plain) {}

    /** The next segment, decrypted, or null after the end segment. */
    public Segment next() throws IOException {
      return read(-1);
    }

    /**
     * The next segment; a rows segment whose rows all come before {@code skipBefore} is passed
     * over without being decrypted.
     */
    private Segment read(long skipBefore) throws IOException {
      if (ended) {
        return null;
      }
      try {
        byte[] header = new byte[SEGMENT_HEADER_BYTES - 4];
        file.readFully(header);
        int length = file.readInt();
        ByteBuffer h = ByteBuffer.wrap(header);
        byte kind = h.get();
        long firstRow = h.getLong();
        int rows = h.getInt();
        if (length < 0 || length > file.length()) {
          throw new UnreadableException("a result segment is damaged");
        }
        int index = segment++;
        if (kind == ROWS && firstRow + rows <= skipBefore) {
          file.seek(file.getFilePointer() + length);
          return new Segment(kind, firstRow, rows, null);
        }
        byte[] sealed = new byte[length];
        file.readFully(sealed);
        byte[] plain;
        try {
          plain = key.open(nonce(prefix, index), aad(queryId, index, header), sealed);
        } catch (GeneralSecurityException e) {
          throw new UnreadableException("a result segment does not authenticate: altered, or sealed with another key");
        }
        ended = kind == END;
        return new Segment(kind, firstRow, rows, plain);
      } catch (EOFException e) {
        throw new UnreadableException("the result file ends before its end segment");
      }
    }

    private boolean ended;

    /**
     * Up to {@code limit} rows from row {@code offset}, stopping early past {@code maxBytes} (but
     * with at least one row), with the columns and the end.
     */
    public Page page(long offset, int limit, long maxBytes) throws IOException {
      Segment columns = next();
      if (columns == null || columns.kind() != COLUMNS) {
        throw new UnreadableException("the result file does not start with its columns");
      }
      List<byte[]> rows = new ArrayList<>();
      long bytes = 0;
      long first = offset;
      Segment s;
      while ((s = read(full(rows, limit, bytes, maxBytes) ? Long.MAX_VALUE : offset)) != null && s.kind() == ROWS) {
        if (s.plain() == null) {
          continue;
        }
        int start = 0;
        long row = s.firstRow();
        byte[] plain = s.plain();
        for (int i = 0; i < plain.length; i++) {
          if (plain[i] != '\n') {
            continue;
          }
          if (row >= offset && !full(rows, limit, bytes, maxBytes)) {
            byte[] line = java.util.Arrays.copyOfRange(plain, start, i);
            if (rows.isEmpty()) {
              first = row;
            }
            rows.add(line);
            bytes += line.length;
          }
          row++;
          start = i + 1;
        }
      }
      if (s == null || s.kind() != END) {
        throw new UnreadableException("the result file has no end");
      }
      JsonObject end = new JsonObject(Buffer.buffer(s.plain()));
      long rowCount = end.getLong("rowCount", 0L);
      long next = first + rows.size();
      return new Page(Buffer.buffer(columns.plain()), rows, first, next < rowCount ? next : null, rowCount,
          end.getBoolean("truncated", false));
    }

    private static boolean full(List<byte[]> rows, int limit, long bytes, long maxBytes) {
      return rows.size() >= limit || (bytes >= maxBytes && !rows.isEmpty());
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  public static Reader open(Path path, SealingKeys keys, String queryId) throws IOException {
    return new Reader(path, keys, queryId);
  }

  private static byte[] header(byte kind, long firstRow, int rows) {
    return ByteBuffer.allocate(SEGMENT_HEADER_BYTES - 4).put(kind).putLong(firstRow).putInt(rows).array();
  }

  private static byte[] nonce(byte[] prefix, int segment) {
    return ByteBuffer.allocate(SealingKey.NONCE_BYTES).put(prefix).putInt(segment).array();
  }

  private static byte[] aad(String queryId, int segment, byte[] header) {
    byte[] id = queryId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(id.length + 4 + header.length).put(id).putInt(segment).put(header).array();
  }
}
