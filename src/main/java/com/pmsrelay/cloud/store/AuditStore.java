package com.pmsrelay.cloud.store;

import com.pmsrelay.common.Lifecycle;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.SQLException;
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
  /** How many records {@link #verify} reads at a time. */
  static final int VERIFY_PAGE = 1_000;

  private final Database db;
  private final AuditWriter writer;
  /** Sees every record as it is appended (the node's monitor), or null. */
  private final java.util.List<java.util.function.Consumer<AuditRecord>> observers =
      new java.util.concurrent.CopyOnWriteArrayList<>();

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
    for (java.util.function.Consumer<AuditRecord> seen : observers) {
      try {
        seen.accept(record);
      } catch (RuntimeException e) {
        org.slf4j.LoggerFactory.getLogger(AuditStore.class).error("the audit log's observer failed", e);
      }
    }
    return writer.append(record);
  }

  /**
   * Hands every record appended from now on to {@code observer} too, on the appending thread,
   * before it is written: the suspicious-activity monitor and the node's metrics read the stream of
   * query attempts here, where every attempt is recorded. An observer must only take note (no
   * blocking, no I/O).
   */
  public void observe(java.util.function.Consumer<AuditRecord> observer) {
    observers.add(observer);
  }

  public void stopObserving(java.util.function.Consumer<AuditRecord> observer) {
    observers.remove(observer);
  }

  private Future<long[]> appendWithRetry(List<AuditRecord> records) {
    // Two first appends to a new chain race to create its head: the loser retries and follows.
    return db.transaction(c -> append(c, records))
        .recover(e -> isDuplicateKey(e) ? db.transaction(c -> append(c, records)) : Future.failedFuture(e));
  }

  static boolean isDuplicateKey(Throwable e) {
    return e instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23");
  }

  /**
   * Appends {@code records} in order, in the caller's transaction, and answers their sequence
   * numbers. Each chain's head is locked once, chains in name order (so writers on several nodes
   * cannot deadlock), its records inserted as one JDBC batch and the head moved once.
   */
  static Future<long[]> append(SqlConnection c, List<AuditRecord> records) {
    Map<String, List<Integer>> byChain = new TreeMap<>();
    for (int i = 0; i < records.size(); i++) {
      byChain.computeIfAbsent(records.get(i).chain(), k -> new ArrayList<>()).add(i);
    }
    long[] seqs = new long[records.size()];
    Future<Void> appended = Future.succeededFuture();
    for (Map.Entry<String, List<Integer>> chain : byChain.entrySet()) {
      appended = appended.compose(v -> lockHead(c, chain.getKey())).compose(head -> {
        long seq = head.seq();
        String prev = head.hash();
        List<Tuple> rows = new ArrayList<>();
        for (int index : chain.getValue()) {
          AuditRecord numbered = records.get(index).withSeq(++seq);
          String hash = hash(prev, numbered);
          rows.add(tuple(numbered).addString(prev).addString(hash));
          seqs[index] = seq;
          prev = hash;
        }
        Tuple movedHead = Tuple.of(seq, prev, chain.getKey());
        return c.preparedQuery("INSERT INTO audit_log (" + COLUMNS + ", prev_hash, hash) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").executeBatch(rows)
            .compose(inserted -> Sql.update(c, "UPDATE audit_heads SET seq = ?, hash = ? WHERE chain = ?", movedHead))
            .mapEmpty();
      });
    }
    return appended.map(seqs);
  }

  /** A chain's last link. */
  private record Head(long seq, String hash) {}

  /** The chain's head, locked for this transaction; created (seq 0) for a new chain. */
  private static Future<Head> lockHead(SqlConnection c, String chain) {
    return Sql.first(c, "SELECT seq, hash FROM audit_heads WHERE chain = ? FOR UPDATE", Tuple.of(chain),
            row -> new Head(row.getLong(0), row.getString(1)))
        .compose(head -> head.isPresent() ? Future.succeededFuture(head.get())
            // a concurrent first append fails here on the key and is retried by the caller
            : Sql.update(c, "INSERT INTO audit_heads (chain, seq, hash, base_seq, base_hash) VALUES (?, 0, ?, 1, ?)",
                Tuple.of(chain, GENESIS, GENESIS)).map(new Head(0, GENESIS)));
  }

  static String hash(String prev, AuditRecord record) {
    return Secrets.sha256Hex(prev + "\n" + record.canonical());
  }

  public Future<List<AuditRecord>> list(Query q) {
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
      sql.append(q.outcome().equals("refused") ? " AND outcome <> 'succeeded' AND kind IN ('query', 'schema')" : " AND outcome = ?");
      if (!q.outcome().equals("refused")) {
        args.add(q.outcome());
      }
    }
    if (q.beforeSeq() != null) {
      sql.append(" AND seq < ?");
      args.add(q.beforeSeq());
    }
    sql.append(" ORDER BY seq DESC LIMIT ?");
    args.add(q.limit());
    return db.list(sql.toString(), Tuple.from(args), AuditStore::read);
  }

  /** One query attempt, reduced to what the console's activity charts need. */
  public record QueryPoint(long atMs, String actor, String outcome, Long rows, Long execMs) {}

  /** One SQL text (by hash) of one integrator, with what it cost over a period. */
  public record QueryCost(String actor, String sqlHash, String sqlText, long count, long errors, long rows,
      long totalMs, long maxMs) {}

  /** A chain's query attempts since {@code fromMs}, oldest first, at most {@code maxRows}. */
  public Future<List<QueryPoint>> queryPoints(String chain, long fromMs, int maxRows) {
    return db.list("SELECT at_ms, actor, outcome, row_count, exec_ms FROM audit_log "
            + "WHERE chain = ? AND kind IN ('query', 'registered') AND at_ms >= ? ORDER BY at_ms LIMIT ?", Tuple.of(chain, fromMs, maxRows),
        row -> new QueryPoint(row.getLong(0), row.getString(1), row.getString(2), row.getLong(3), row.getLong(4)));
  }

  /** A chain's most expensive queries since {@code fromMs}: grouped by integrator and SQL hash, by total execution time. */
  public Future<List<QueryCost>> topQueries(String chain, long fromMs, int limit) {
    return db.list("SELECT actor, sql_hash, MAX(sql_text), COUNT(*), "
            + "SUM(CASE WHEN outcome = 'succeeded' THEN 0 ELSE 1 END), COALESCE(SUM(row_count), 0), "
            + "COALESCE(SUM(exec_ms), 0), COALESCE(MAX(exec_ms), 0) FROM audit_log "
            + "WHERE chain = ? AND kind IN ('query', 'registered') AND at_ms >= ? AND sql_hash IS NOT NULL "
            + "GROUP BY actor, sql_hash ORDER BY 7 DESC, 4 DESC LIMIT ?", Tuple.of(chain, fromMs, limit),
        // PostgreSQL sums BIGINTs as NUMERIC: getLong narrows any number
        row -> new QueryCost(row.getString(0), row.getString(1), row.getString(2), row.getLong(3), row.getLong(4),
            row.getLong(5), row.getLong(6), row.getLong(7)));
  }

  /**
   * Checks every chain from its first kept record to its head; stops at the first broken link.
   * Reads {@value #VERIFY_PAGE} records at a time: a chain may hold millions.
   */
  public Future<Verification> verify() {
    return db.list("SELECT chain, seq, hash, base_seq, base_hash FROM audit_heads ORDER BY chain", Tuple.tuple(),
            row -> new ChainCheck(row.getString(0), row.getLong(1), row.getString(2), row.getLong(3), row.getString(4)))
        .compose(chains -> verify(chains, 0, 0));
  }

  private Future<Verification> verify(List<ChainCheck> chains, int index, long verified) {
    if (index == chains.size()) {
      return Future.succeededFuture(Verification.ok(verified));
    }
    ChainCheck chain = chains.get(index);
    chain.records = verified;
    return verifyFrom(chain, Long.MIN_VALUE).compose(broken -> broken != null ? Future.succeededFuture(broken)
        : verify(chains, index + 1, chain.records));
  }

  /** One chain's check as it goes: the link it expects next, and the records verified so far (all chains). */
  private static final class ChainCheck {
    final String chain;
    final long headSeq;
    final String headHash;
    /** The last record read: the head's, or beyond it (a full check: any record after the head is an error). */
    final long untilSeq;
    long expectedSeq;
    String prev;
    long records;

    ChainCheck(String chain, long headSeq, String headHash, long baseSeq, String baseHash) {
      this(chain, headSeq, headHash, baseSeq, baseHash, Long.MAX_VALUE);
    }

    ChainCheck(String chain, long headSeq, String headHash, long baseSeq, String baseHash, long untilSeq) {
      this.chain = chain;
      this.headSeq = headSeq;
      this.headHash = headHash;
      this.untilSeq = untilSeq;
      this.expectedSeq = baseSeq;
      this.prev = baseHash;
    }

    /** Checks the next record (with its stored prev_hash and hash); a broken verification, or null. */
    Verification check(AuditRecord r, String storedPrev, String storedHash) {
      records++;
      if (r.seq() != expectedSeq) {
        return broken(expectedSeq, "record " + expectedSeq + " is missing");
      }
      if (!prev.equals(storedPrev)) {
        return broken(r.seq(), "does not follow the record before it (deleted or reordered)");
      }
      String hash = hash(prev, r);
      if (!hash.equals(storedHash)) {
        return broken(r.seq(), "its contents were changed after it was written");
      }
      prev = hash;
      expectedSeq++;
      return null;
    }

    /** After the last record: broken if the head is not where the records end. */
    Verification end() {
      return expectedSeq - 1 != headSeq || !prev.equals(headHash)
          ? broken(expectedSeq, "records after " + (expectedSeq - 1) + " were removed") : null;
    }

    private Verification broken(long seq, String problem) {
      return new Verification(false, records, chain, seq, problem);
    }
  }

  /** A stored record with the links it was written with. */
  private record Link(AuditRecord record, String prevHash, String hash) {}

  /**
   * Verifies the chain's records from {@code fromSeq} on (the first page: all, even any below its
   * base), a page at a time; a broken verification, or null.
   */
  private Future<Verification> verifyFrom(ChainCheck chain, long fromSeq) {
    return db.list("SELECT " + COLUMNS + ", prev_hash, hash FROM audit_log WHERE chain = ? AND seq >= ? AND seq <= ? "
            + "ORDER BY seq LIMIT ?", Tuple.of(chain.chain, fromSeq, chain.untilSeq, VERIFY_PAGE),
        row -> new Link(read(row), row.getString(16), row.getString(17)))
        .compose(page -> {
          for (Link link : page) {
            Verification broken = chain.check(link.record(), link.prevHash(), link.hash());
            if (broken != null) {
              return Future.succeededFuture(broken);
            }
          }
          return page.size() < VERIFY_PAGE ? Future.succeededFuture(chain.end()) : verifyFrom(chain, chain.expectedSeq);
        });
  }

  /**
   * Checks that a chain's records from {@code firstSeq} to {@code headSeq} follow {@code prevHash}
   * and each other unaltered and end in {@code headHash}: that a chain grew from a signed head to
   * its current one by appends alone. Records after {@code headSeq} (appended since) are not read.
   */
  Future<Verification> verifyLinks(String chain, long firstSeq, String prevHash, long headSeq, String headHash) {
    ChainCheck check = new ChainCheck(chain, headSeq, headHash, firstSeq, prevHash, headSeq);
    return verifyFrom(check, firstSeq).map(broken -> broken != null ? broken : Verification.ok(check.records));
  }

  /** The chain's latest signed head (see {@link SignedHeadStore}), if it has one. */
  public Future<java.util.Optional<SignedHead>> latestSignedHead(String chain) {
    return db.first("SELECT " + SignedHead.COLUMNS + " FROM audit_signed_heads WHERE chain = ? ORDER BY n DESC LIMIT 1",
        Tuple.of(chain), row -> SignedHead.read(row, 0));
  }

  /**
   * Retention: removes records older than {@code beforeMs}, moving each chain's base forward so the
   * records kept still verify. Returns how many were removed.
   */
  public Future<Integer> purgeOlderThan(long beforeMs) {
    return db.transaction(c -> Sql.list(c, "SELECT chain FROM audit_heads", Tuple.tuple(), row -> row.getString(0))
        .compose(chains -> {
          Future<Integer> removed = Future.succeededFuture(0);
          for (String chain : chains) {
            removed = removed.compose(sum -> purge(c, chain, beforeMs).map(n -> sum + n));
          }
          return removed;
        }));
  }

  /** Purges one chain, its head locked; how many records were removed. */
  private static Future<Integer> purge(SqlConnection c, String chain, long beforeMs) {
    return Sql.first(c, "SELECT seq FROM audit_heads WHERE chain = ? FOR UPDATE", Tuple.of(chain), row -> row.getLong(0))
        .compose(locked -> Sql.first(c, "SELECT COALESCE(MAX(seq), 0) FROM audit_log WHERE chain = ? AND at_ms < ?",
            Tuple.of(chain, beforeMs), row -> row.getLong(0)))
        .compose(max -> {
          long lastOld = max.orElseThrow();
          if (lastOld == 0) {
            return Future.succeededFuture(0);
          }
          return Sql.first(c, "SELECT hash FROM audit_log WHERE chain = ? AND seq = ?", Tuple.of(chain, lastOld),
                  row -> row.getString(0))
              .compose(baseHash -> Sql.update(c, "DELETE FROM audit_log WHERE chain = ? AND seq <= ?",
                      Tuple.of(chain, lastOld))
                  .compose(removed -> Sql.update(c, "UPDATE audit_heads SET base_seq = ?, base_hash = ? WHERE chain = ?",
                      Tuple.of(lastOld + 1, baseHash.orElseThrow(), chain)).map(removed))
                  // signed heads of removed records only, never the latest: its successor links to it
                  .compose(removed -> Sql.update(c, "DELETE FROM audit_signed_heads WHERE chain = ? AND seq <= ? AND n < "
                      + "(SELECT MAX(n) FROM audit_signed_heads WHERE chain = ?)", Tuple.of(chain, lastOld, chain))
                      .map(removed)));
        });
  }

  /** The record's {@link #COLUMNS}, in order. */
  private static Tuple tuple(AuditRecord r) {
    return Tuple.of(r.chain(), r.seq(), r.atMs(), r.kind(), r.actor(), r.action(), r.outcome(), r.queryId(),
        r.sqlHash(), r.sqlText(), r.paramsCount(), r.rowCount(), r.bytes(), r.queueMs(), r.execMs(), r.detail());
  }

  /** The record whose {@link #COLUMNS} start the row. */
  private static AuditRecord read(Row row) {
    return new AuditRecord(row.getString(0), row.getLong(1), row.getLong(2), row.getString(3), row.getString(4),
        row.getString(5), row.getString(6), row.getString(7), row.getString(8), row.getString(9), row.getInteger(10),
        row.getLong(11), row.getLong(12), row.getLong(13), row.getLong(14), row.getString(15));
  }
}
