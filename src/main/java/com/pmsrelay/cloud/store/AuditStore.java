package com.pmsrelay.cloud.store;

import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The append-only, tamper-evident audit log. Appends to one chain are serialised by locking the
 * chain's head row, so concurrent writers (several cloud nodes) still build one unbroken chain.
 * A node deploys it as a {@link Lifecycle}: its batching window runs on a context of its own.
 */
public final class AuditStore implements Lifecycle {
  /** The hash before the first record of a chain. */
  public static final String GENESIS = "0".repeat(64);

  /** Filters for reading a chain, newest first; {@code beforeSeq} pages backwards. */
  public record Query(String chain, Long fromMs, Long toMs, String actor, String kind, String outcome,
      Long beforeSeq, int limit) {}

  /** What {@link #verify} found: intact, or the first broken link of the first broken chain. */
  public record Verification(boolean intact, long records, String chain, Long seq, String problem) {
    static Verification ok(long records) {
      return new Verification(true, records, null, null, null);
    }
  }

  private static final String COLUMNS = "chain, seq, at_ms, kind, actor, action, outcome, query_id, sql_hash, sql_text, "
      + "params_count, row_count, bytes, queue_ms, exec_ms, detail";

  private final Database db;
  private final AuditWriter writer;

  /** A store that writes each record (or those that arrived during the last write) at once. */
  public AuditStore(Database db) {
    this(db, 0);
  }

  /**
   * A store that, once started, waits {@code windowMs} when idle before writing so that records
   * arriving close together share a transaction: a node answering hundreds of queries a second one
   * at a time commits a few times per window rather than once per query. The records of a crash
   * inside the window are lost, as those of a crash before any asynchronous write would be.
   */
  public AuditStore(Database db, long windowMs) {
    this.db = db;
    this.writer = new AuditWriter(this::appendWithRetry, windowMs);
  }

  /** Opens the batching window, on a context of the node's own (deployed as a {@code LifecycleVerticle}). */
  @Override
  public Future<Void> start() {
    writer.start();
    return Future.succeededFuture();
  }

  /** Writes the records still waiting for their window; completes once they are committed. */
  @Override
  public Future<Void> stop() {
    return writer.stop();
  }

  /**
   * Appends a record; the future completes with its sequence number once it is committed. Appends
   * that arrive while a write is in progress (or its window is open) wait and go together in the
   * next transaction, each record still hashed into its chain in arrival order: under a flood of
   * refused attempts the store commits a few times a second instead of once per attempt.
   */
  public Future<Long> append(AuditRecord record) {
    return writer.append(record);
  }

  private Future<long[]> appendWithRetry(List<AuditRecord> records) {
    // Two first appends to a new chain race to create its head: the loser retries and follows.
    return db.transaction(c -> append(c, records))
        .recover(e -> isDuplicateKey(e) ? db.transaction(c -> append(c, records)) : Future.failedFuture(e));
  }

  private static boolean isDuplicateKey(Throwable e) {
    return e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23");
  }

  /**
   * Appends {@code records} in order, in the caller's transaction, and answers their sequence
   * numbers. Each chain's head is locked once, chains in name order (so writers on several nodes
   * cannot deadlock), its records inserted as one JDBC batch and the head moved once.
   */
  static long[] append(Connection c, List<AuditRecord> records) throws SQLException {
    Map<String, List<Integer>> byChain = new TreeMap<>();
    for (int i = 0; i < records.size(); i++) {
      byChain.computeIfAbsent(records.get(i).chain(), k -> new ArrayList<>()).add(i);
    }
    long[] seqs = new long[records.size()];
    for (Map.Entry<String, List<Integer>> chain : byChain.entrySet()) {
      String[] head = lockHead(c, chain.getKey());
      long seq = Long.parseLong(head[0]);
      String prev = head[1];
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (" + COLUMNS + ", prev_hash, hash) "
          + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
        for (int index : chain.getValue()) {
          AuditRecord numbered = records.get(index).withSeq(++seq);
          String hash = hash(prev, numbered);
          bind(ps, numbered);
          ps.setString(17, prev);
          ps.setString(18, hash);
          ps.addBatch();
          seqs[index] = seq;
          prev = hash;
        }
        ps.executeBatch();
      }
      try (PreparedStatement ps = c.prepareStatement("UPDATE audit_heads SET seq = ?, hash = ? WHERE chain = ?")) {
        ps.setLong(1, seq);
        ps.setString(2, prev);
        ps.setString(3, chain.getKey());
        ps.executeUpdate();
      }
    }
    return seqs;
  }

  /** The chain's head {seq, hash}, locked for this transaction; created (seq 0) for a new chain. */
  private static String[] lockHead(Connection c, String chain) throws SQLException {
    try (PreparedStatement lock = c.prepareStatement("SELECT seq, hash FROM audit_heads WHERE chain = ? FOR UPDATE")) {
      lock.setString(1, chain);
      try (ResultSet rs = lock.executeQuery()) {
        if (rs.next()) {
          return new String[] {Long.toString(rs.getLong(1)), rs.getString(2)};
        }
      }
    }
    try (PreparedStatement head = c.prepareStatement(
        "INSERT INTO audit_heads (chain, seq, hash, base_seq, base_hash) VALUES (?, 0, ?, 1, ?)")) {
      head.setString(1, chain);
      head.setString(2, GENESIS);
      head.setString(3, GENESIS);
      head.executeUpdate(); // a concurrent first append fails here on the key and is retried by the caller
    }
    return new String[] {"0", GENESIS};
  }

  static String hash(String prev, AuditRecord record) {
    return Secrets.sha256Hex(prev + "\n" + record.canonical());
  }

  public Future<List<AuditRecord>> list(Query q) {
    return db.call(c -> {
      StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM audit_log WHERE chain = ?");
      List<Object> args = new ArrayList<>(List.of(q.chain()));
      if (q.fromMs() != null) {
        sql.append(" AND at_ms >= ?");
        args.add(q.fromMs());
      }
      if (q.toMs() != null) {
        sql.append(" AND at_ms < ?");
        args.add(q.toMs());
      }
      if (q.actor() != null) {
        sql.append(" AND actor = ?");
        args.add(q.actor());
      }
      if (q.kind() != null) {
        sql.append(" AND kind = ?");
        args.add(q.kind());
      }
      if (q.outcome() != null) {
        sql.append(q.outcome().equals("refused") ? " AND outcome <> 'succeeded' AND kind = 'query'" : " AND outcome = ?");
        if (!q.outcome().equals("refused")) {
          args.add(q.outcome());
        }
      }
      if (q.beforeSeq() != null) {
        sql.append(" AND seq < ?");
        args.add(q.beforeSeq());
      }
      sql.append(" ORDER BY seq DESC");
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        for (int i = 0; i < args.size(); i++) {
          ps.setObject(i + 1, args.get(i));
        }
        ps.setMaxRows(q.limit());
        List<AuditRecord> records = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            records.add(read(rs));
          }
        }
        return records;
      }
    });
  }

  /** One query attempt, reduced to what the console's activity charts need. */
  public record QueryPoint(long atMs, String actor, String outcome, Long rows, Long execMs) {}

  /** One SQL text (by hash) of one integrator, with what it cost over a period. */
  public record QueryCost(String actor, String sqlHash, String sqlText, long count, long errors, long rows,
      long totalMs, long maxMs) {}

  /** A chain's query attempts since {@code fromMs}, oldest first, at most {@code maxRows}. */
  public Future<List<QueryPoint>> queryPoints(String chain, long fromMs, int maxRows) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT at_ms, actor, outcome, row_count, exec_ms FROM audit_log "
          + "WHERE chain = ? AND kind = 'query' AND at_ms >= ? ORDER BY at_ms")) {
        ps.setString(1, chain);
        ps.setLong(2, fromMs);
        ps.setMaxRows(maxRows);
        List<QueryPoint> points = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            points.add(new QueryPoint(rs.getLong(1), rs.getString(2), rs.getString(3), nullableLong(rs, "row_count"),
                nullableLong(rs, "exec_ms")));
          }
        }
        return points;
      }
    });
  }

  /** A chain's most expensive queries since {@code fromMs}: grouped by integrator and SQL hash, by total execution time. */
  public Future<List<QueryCost>> topQueries(String chain, long fromMs, int limit) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT actor, sql_hash, MAX(sql_text), COUNT(*), "
          + "SUM(CASE WHEN outcome = 'succeeded' THEN 0 ELSE 1 END), COALESCE(SUM(row_count), 0), "
          + "COALESCE(SUM(exec_ms), 0), COALESCE(MAX(exec_ms), 0) FROM audit_log "
          + "WHERE chain = ? AND kind = 'query' AND at_ms >= ? AND sql_hash IS NOT NULL "
          + "GROUP BY actor, sql_hash ORDER BY 7 DESC, 4 DESC")) {
        ps.setString(1, chain);
        ps.setLong(2, fromMs);
        ps.setMaxRows(limit);
        List<QueryCost> costs = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            costs.add(new QueryCost(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6), rs.getLong(7), rs.getLong(8)));
          }
        }
        return costs;
      }
    });
  }

  /** Checks every chain from its first kept record to its head; stops at the first broken link. */
  public Future<Verification> verify() {
    return db.call(AuditStore::verify);
  }

  static Verification verify(Connection c) throws SQLException {
    long total = 0;
    List<String[]> heads = new ArrayList<>();
    try (PreparedStatement ps = c.prepareStatement("SELECT chain, seq, hash, base_seq, base_hash FROM audit_heads ORDER BY chain");
         ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        heads.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5)});
      }
    }
    for (String[] head : heads) {
      String chain = head[0];
      long expectedSeq = Long.parseLong(head[3]);
      String prev = head[4];
      try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + ", prev_hash, hash FROM audit_log "
          + "WHERE chain = ? ORDER BY seq")) {
        ps.setString(1, chain);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            AuditRecord r = read(rs);
            total++;
            if (r.seq() != expectedSeq) {
              return broken(total, chain, expectedSeq, "record " + expectedSeq + " is missing");
            }
            if (!prev.equals(rs.getString("prev_hash"))) {
              return broken(total, chain, r.seq(), "does not follow the record before it (deleted or reordered)");
            }
            String hash = hash(prev, r);
            if (!hash.equals(rs.getString("hash"))) {
              return broken(total, chain, r.seq(), "its contents were changed after it was written");
            }
            prev = hash;
            expectedSeq++;
          }
        }
      }
      if (expectedSeq - 1 != Long.parseLong(head[1]) || !prev.equals(head[2])) {
        return broken(total, chain, expectedSeq, "records after " + (expectedSeq - 1) + " were removed");
      }
    }
    return Verification.ok(total);
  }

  private static Verification broken(long records, String chain, long seq, String problem) {
    return new Verification(false, records, chain, seq, problem);
  }

  /**
   * Retention: removes records older than {@code beforeMs}, moving each chain's base forward so the
   * records kept still verify. Returns how many were removed.
   */
  public Future<Integer> purgeOlderThan(long beforeMs) {
    return db.transaction(c -> {
      int removed = 0;
      List<String> chains = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT chain FROM audit_heads");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          chains.add(rs.getString(1));
        }
      }
      for (String chain : chains) {
        try (PreparedStatement lock = c.prepareStatement("SELECT seq FROM audit_heads WHERE chain = ? FOR UPDATE")) {
          lock.setString(1, chain);
          lock.executeQuery().close();
        }
        Long lastOld = null;
        try (PreparedStatement ps = c.prepareStatement("SELECT MAX(seq) FROM audit_log WHERE chain = ? AND at_ms < ?")) {
          ps.setString(1, chain);
          ps.setLong(2, beforeMs);
          try (ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
              long v = rs.getLong(1);
              lastOld = rs.wasNull() ? null : v;
            }
          }
        }
        if (lastOld == null) {
          continue;
        }
        String baseHash;
        try (PreparedStatement ps = c.prepareStatement("SELECT hash FROM audit_log WHERE chain = ? AND seq = ?")) {
          ps.setString(1, chain);
          ps.setLong(2, lastOld);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            baseHash = rs.getString(1);
          }
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM audit_log WHERE chain = ? AND seq <= ?")) {
          ps.setString(1, chain);
          ps.setLong(2, lastOld);
          removed += ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_heads SET base_seq = ?, base_hash = ? WHERE chain = ?")) {
          ps.setLong(1, lastOld + 1);
          ps.setString(2, baseHash);
          ps.setString(3, chain);
          ps.executeUpdate();
        }
      }
      return removed;
    });
  }

  private static void bind(PreparedStatement ps, AuditRecord r) throws SQLException {
    ps.setString(1, r.chain());
    ps.setLong(2, r.seq());
    ps.setLong(3, r.atMs());
    ps.setString(4, r.kind());
    ps.setString(5, r.actor());
    ps.setString(6, r.action());
    ps.setString(7, r.outcome());
    ps.setString(8, r.queryId());
    ps.setString(9, r.sqlHash());
    ps.setString(10, r.sqlText());
    setNullable(ps, 11, r.paramsCount() == null ? null : r.paramsCount().longValue(), Types.INTEGER);
    setNullable(ps, 12, r.rowCount(), Types.BIGINT);
    setNullable(ps, 13, r.bytes(), Types.BIGINT);
    setNullable(ps, 14, r.queueMs(), Types.BIGINT);
    setNullable(ps, 15, r.execMs(), Types.BIGINT);
    ps.setString(16, r.detail());
  }

  private static void setNullable(PreparedStatement ps, int index, Long value, int type) throws SQLException {
    if (value == null) {
      ps.setNull(index, type);
    } else if (type == Types.INTEGER) {
      ps.setInt(index, value.intValue());
    } else {
      ps.setLong(index, value);
    }
  }

  private static AuditRecord read(ResultSet rs) throws SQLException {
    return new AuditRecord(rs.getString("chain"), rs.getLong("seq"), rs.getLong("at_ms"), rs.getString("kind"),
        rs.getString("actor"), rs.getString("action"), rs.getString("outcome"), rs.getString("query_id"),
        rs.getString("sql_hash"), rs.getString("sql_text"), nullableInt(rs, "params_count"),
        nullableLong(rs, "row_count"), nullableLong(rs, "bytes"), nullableLong(rs, "queue_ms"),
        nullableLong(rs, "exec_ms"), rs.getString("detail"));
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int v = rs.getInt(column);
    return rs.wasNull() ? null : v;
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long v = rs.getLong(column);
    return rs.wasNull() ? null : v;
  }
}
