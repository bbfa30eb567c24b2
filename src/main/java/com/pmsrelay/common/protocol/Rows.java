package com.pmsrelay.common.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;

/**
 * Rows of a result as the agent encoded them: each row a JSON array, kept as bytes so that the
 * cloud passes them to the client without decoding and encoding them again.
 */
public final class Rows {
  public static final Rows NONE = new Rows(new byte[0], new int[0], false);

  private final byte[] data;
  /** Start and end (exclusive) offset of each row in {@link #data}. */
  private final int[] bounds;
  /** Whether the rows lie in NDJSON lines (else in a JSON array, between commas). */
  private final boolean lines;

  Rows(byte[] data, int[] bounds) {
    this(data, bounds, false);
  }

  private Rows(byte[] data, int[] bounds, boolean lines) {
    this.data = data;
    this.bounds = bounds;
    this.lines = lines;
  }

  /** Rows kept as NDJSON lines (each row, then a newline), as a result file holds them. */
  public static Rows ofLines(byte[] lines) {
    int n = 0;
    for (byte b : lines) {
      if (b == '\n') {
        n++;
      }
    }
    int[] bounds = new int[2 * n];
    int start = 0;
    int k = 0;
    for (int i = 0; i < lines.length; i++) {
      if (lines[i] == '\n') {
        bounds[k++] = start;
        bounds[k++] = i;
        start = i + 1;
      }
    }
    return new Rows(lines, bounds, true);
  }

  public int count() {
    return bounds.length / 2;
  }

  public boolean isEmpty() {
    return bounds.length == 0;
  }

  /** The rows' encoded size, separators excluded. */
  public long bytes() {
    long bytes = 0;
    for (int i = 0; i < bounds.length; i += 2) {
      bytes += bounds[i + 1] - bounds[i];
    }
    return bytes;
  }

  /** The rows as the elements of a JSON array, {@code [1,"a"],[2,"b"]}: what a JSON answer writes. */
  public Buffer asArrayElements() {
    return isEmpty() ? Buffer.buffer(0) : appendElements(Buffer.buffer(bounds[bounds.length - 1] - bounds[0]));
  }

  /** Appends the rows to {@code out} as the elements of a JSON array. */
  public Buffer appendElements(Buffer out) {
    if (isEmpty()) {
      return out;
    }
    int from = bounds[0];
    int to = bounds[bounds.length - 1];
    if (!lines) {
      return out.appendBytes(data, from, to - from); // already comma-separated
    }
    for (int i = 0; i < bounds.length; i += 2) {
      if (i > 0) {
        out.appendByte((byte) ',');
      }
      out.appendBytes(data, bounds[i], bounds[i + 1] - bounds[i]);
    }
    return out;
  }

  /** Appends each row and a newline to {@code out}: NDJSON lines. */
  public Buffer appendLines(Buffer out) {
    for (int i = 0; i < bounds.length; i += 2) {
      out.appendBytes(data, bounds[i], bounds[i + 1] - bounds[i]).appendByte((byte) '\n');
    }
    return out;
  }

  /** The rows decoded (for paging and tests; the data path passes bytes through). */
  public JsonArray decode() {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < bounds.length; i += 2) {
      rows.add(new JsonArray(Buffer.buffer(bounds[i + 1] - bounds[i]).appendBytes(data, bounds[i], bounds[i + 1] - bounds[i])));
    }
    return rows;
  }
}
