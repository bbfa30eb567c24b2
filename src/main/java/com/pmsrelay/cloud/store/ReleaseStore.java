package com.pmsrelay.cloud.store;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Published agent releases (V14): their signed description, roll-out, and the jar in chunks. */
public final class ReleaseStore {
  private static final String COLUMNS = "version, size_bytes, sha256, signature, published_at_ms, rollout_percent, "
      + "rollout_practices, withdrawn_at_ms";

  private final Database db;

  public ReleaseStore(Database db) {
    this.db = db;
  }

  /**
   * Stores a release with its jar's chunks, offered to nobody yet; false if that version was
   * published before (a version names one jar for good).
   */
  public Future<Boolean> publish(Release release, List<Buffer> chunks) {
    return db.transaction(c -> Sql.first(c, "SELECT 1 FROM releases WHERE version = ?", Tuple.of(release.version()), row -> true)
        .compose(found -> {
          if (found.isPresent()) {
            return Future.succeededFuture(false);
          }
          List<Tuple> rows = new ArrayList<>();
          for (int i = 0; i < chunks.size(); i++) {
            // byte[], not Buffer: the JDBC client 5.0.7 binds a Buffer through Blob.setBytes(0, …), which is 1-based.
            rows.add(Tuple.of(release.version(), i, chunks.get(i).getBytes()));
          }
          return Sql.update(c, "INSERT INTO releases (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, 0, NULL, NULL)",
                  Tuple.of(release.version(), release.sizeBytes(), release.sha256(), release.signature(), release.publishedAtMs()))
              .compose(v -> c.preparedQuery("INSERT INTO release_chunks (version, seq, bytes) VALUES (?, ?, ?)").executeBatch(rows))
              .map(true);
        }));
  }

  /** Every release, newest publication first. */
  public Future<List<Release>> list() {
    return db.list("SELECT " + COLUMNS + " FROM releases ORDER BY published_at_ms DESC, version DESC", Tuple.tuple(),
        ReleaseStore::read);
  }

  public Future<Optional<Release>> find(String version) {
    return db.first("SELECT " + COLUMNS + " FROM releases WHERE version = ?", Tuple.of(version), ReleaseStore::read);
  }

  /** One chunk of a release's jar (empty: no such release or chunk). */
  public Future<Optional<Buffer>> chunk(String version, int seq) {
    return db.first("SELECT bytes FROM release_chunks WHERE version = ? AND seq = ?", Tuple.of(version, seq),
        row -> bytes(row.getValue(0)));
  }

  /** A BYTEA column as the JDBC client hands it back (byte[] from both drivers; a Buffer or Blob to be safe). */
  private static Buffer bytes(Object value) {
    try {
      if (value instanceof byte[] b) {
        return Buffer.buffer(b);
      }
      if (value instanceof java.sql.Blob blob) {
        return Buffer.buffer(blob.getBytes(1, (int) blob.length()));
      }
      return (Buffer) value;
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException("cannot read a release chunk: " + e.getMessage(), e);
    }
  }

  /** Sets who is offered the release (and takes back a withdrawal); false if there is no such release. */
  public Future<Boolean> rollout(String version, int percent, List<String> practices) {
    return db.update("UPDATE releases SET rollout_percent = ?, rollout_practices = ?, withdrawn_at_ms = NULL WHERE version = ?",
        Tuple.of(percent, practices.isEmpty() ? null : String.join(",", practices), version)).map(n -> n == 1);
  }

  /** Offers the release to nobody any more; agents that have it keep it. False if there is no such release. */
  public Future<Boolean> withdraw(String version, long atMs) {
    return db.update("UPDATE releases SET withdrawn_at_ms = ? WHERE version = ?", Tuple.of(atMs, version)).map(n -> n == 1);
  }

  private static Release read(Row row) {
    String practices = row.getString(6);
    return new Release(row.getString(0), row.getLong(1), row.getString(2), row.getString(3), row.getLong(4),
        row.getInteger(5), practices == null ? List.of() : List.copyOf(Arrays.asList(practices.split(","))), row.getLong(7));
  }
}
