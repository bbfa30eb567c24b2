package com.pmsrelay.cloud.store;

import com.pmsrelay.cloud.keys.AuditHeadKey;
import com.pmsrelay.cloud.keys.AuditHeadKeys;
import io.vertx.core.Future;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs the audit chains' heads and checks the chains against them. A hash chain alone shows an
 * edited record, but whoever can write the store can recompute a whole chain and its head; a head
 * signed with a key the store never holds ({@link AuditHeadKeys}, from the master key) cannot be
 * recomputed, so a chain rewritten before a signed position no longer matches it.
 *
 * <p>Signing: for each chain whose head moved (or whose latest signed head is under the previous
 * master key's key, as after a rotation) the records since its latest signed head are checked to follow it
 * unaltered, then head n + 1 is signed and added. A chain that does not extend its signed head is
 * never signed over: it is logged once, for {@code admin audit-verify}. Several nodes may sign at
 * once: the primary key (chain, n) lets one add head n + 1, the others' inserts fail and are dropped.
 */
public final class SignedHeadStore {
  private static final Logger LOG = LoggerFactory.getLogger(SignedHeadStore.class);
  /** How many signed heads {@link #verify} reads at a time. */
  static final int VERIFY_PAGE = 500;

  /** A chain whose head is not (or not under the current key) signed; {@code last} null: never signed. */
  private record Moved(String chain, long headSeq, String headHash, long baseSeq, String baseHash, SignedHead last) {}

  /** A chain that does not match its signed heads: the first position found wrong, and why. */
  public record Broken(String chain, long position, String problem) {}

  /** Records after the chain's latest verified signed head ({@code afterPosition}; 0: none), the oldest written at. */
  public record Unsigned(String chain, long afterPosition, long records, Long oldestAtMs) {}

  /** What {@link #verify} found, over every chain. */
  public record Verification(long checked, long unverifiable, List<Broken> broken, List<Unsigned> unsigned) {
    public boolean intact() {
      return broken.isEmpty();
    }
  }

  private final Database db;
  private final AuditStore audit;
  private final AuditHeadKeys keys;
  /** Per chain, the problem last logged for it: each is logged once, not at every signing. */
  private final Map<String, String> reported = new ConcurrentHashMap<>();
  /** Per chain, the number of the last head this process signed: one going missing is noticed. */
  private final Map<String, Long> signedHere = new ConcurrentHashMap<>();

  public SignedHeadStore(Database db, AuditStore audit, AuditHeadKeys keys) {
    this.db = db;
    this.audit = audit;
    this.keys = keys;
  }

  public AuditHeadKeys keys() {
    return keys;
  }

  /** Signs every chain whose head moved; answers how many heads it signed. */
  public Future<Integer> signMoved() {
    return sign(null);
  }

  /** Signs these chains (all if null) where their head moved; answers how many heads it signed. */
  public Future<Integer> sign(Set<String> only) {
    return db.list("SELECT h.chain, h.seq, h.hash, h.base_seq, h.base_hash, s." + SignedHead.COLUMNS.replace(", ", ", s.")
            + " FROM audit_heads h LEFT JOIN audit_signed_heads s ON s.chain = h.chain"
            + " AND s.n = (SELECT MAX(x.n) FROM audit_signed_heads x WHERE x.chain = h.chain)"
            + " WHERE h.seq > 0 AND (s.n IS NULL OR s.seq <> h.seq OR s.key_id <> ?) ORDER BY h.chain",
        Tuple.of(keys.current().id()),
        row -> new Moved(row.getString(0), row.getLong(1), row.getString(2), row.getLong(3), row.getString(4),
            row.getString(5) == null ? null : SignedHead.read(row, 5)))
        .compose(moved -> {
          Future<Integer> signed = Future.succeededFuture(0);
          for (Moved m : moved) {
            if (only == null || only.contains(m.chain())) {
              signed = signed.compose(count -> signChain(m).map(ok -> ok ? count + 1 : count));
            }
          }
          return signed;
        });
  }

  /** Signs one chain's head if the chain extends its latest signed head; whether this call added it. */
  private Future<Boolean> signChain(Moved m) {
    SignedHead last = m.last();
    Long mine = signedHere.get(m.chain());
    if (mine != null && (last == null || last.n() < mine)) {
      return refuse(m, "signed head " + mine + ", signed by this node, is no longer in the store (removed)");
    }
    if (last != null && last.seq() > m.headSeq()) {
      return refuse(m, "the chain ends at position " + m.headSeq() + ", before its signed position " + last.seq()
          + " (records removed)");
    }
    AuditHeadKey lastKey = last == null ? null : keys.withId(last.keyId());
    if (last != null && lastKey == null && last.seq() == m.headSeq()) {
      // signed under a key this node lacks: a node with a newer master key, while nodes restart one by one
      return Future.succeededFuture(false);
    }
    if (lastKey != null && !lastKey.verify(last.statement(), last.signature())) {
      return refuse(m, "the signature of signed head " + last.n() + " does not verify (forged or altered)");
    }
    // From the signed head while its successors are kept (one under a key this node lacks is taken
    // as it links: audit-verify checks it where that key is known), else from the chain's base.
    boolean fromSigned = last != null && last.seq() >= m.baseSeq() - 1;
    long first = fromSigned ? last.seq() + 1 : m.baseSeq();
    String prev = fromSigned ? last.hash() : m.baseHash();
    return audit.verifyLinks(m.chain(), first, prev, m.headSeq(), m.headHash()).compose(links -> {
      if (!links.intact()) {
        return refuse(m, "record " + links.seq() + " " + links.problem() + (fromSigned
            ? " (after signed position " + last.seq() + ")" : ""));
      }
      SignedHead next = SignedHead.sign(keys.current(), m.chain(), m.headSeq(), m.headHash(), System.currentTimeMillis(),
          last);
      return db.update("INSERT INTO audit_signed_heads (" + SignedHead.COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              Tuple.of(next.chain(), next.n(), next.seq(), next.hash(), next.signedAtMs(), next.prevSeq(), next.prevLink(),
                  next.keyId(), next.signature()))
          .map(inserted -> {
            signedHere.merge(m.chain(), next.n(), Math::max);
            if (reported.remove(m.chain()) != null) {
              LOG.info("audit chain {} signed again at position {}", m.chain(), next.seq());
            }
            return true;
          })
          // another node signed head n + 1 first: the chain's line stays one
          .recover(e -> AuditStore.isDuplicateKey(e) ? Future.succeededFuture(false) : Future.failedFuture(e));
    });
  }

  private Future<Boolean> refuse(Moved m, String problem) {
    if (!problem.equals(reported.put(m.chain(), problem))) {
      LOG.error("audit chain {} NOT signed: {}; it does not extend its signed head: run 'admin audit-verify'",
          m.chain(), problem);
    }
    return Future.succeededFuture(false);
  }

  /**
   * Checks every chain against its signed heads: each signature under the current or previous
   * key, each head linked to the one before it with no number missing, and the record at each
   * signed position still the one signed. A chain's first kept head may follow removed ones only
   * where retention removed their records. Signed heads under a key this node lacks (a dropped
   * {@code keys.previous}) are vouched for by the next head under a known key, which links to them;
   * after the last such head the records count as not yet signed.
   */
  public Future<Verification> verify() {
    Future<List<ChainState>> heads = db.list("SELECT chain, seq, hash, base_seq, base_hash FROM audit_heads", Tuple.tuple(),
        row -> new ChainState(row.getString(0), row.getLong(1), row.getString(2), row.getLong(3), row.getString(4)));
    Future<List<String>> signedChains = db.list("SELECT DISTINCT chain FROM audit_signed_heads", Tuple.tuple(),
        row -> row.getString(0));
    return Future.all(heads, signedChains).compose(all -> {
      Map<String, ChainState> chains = new TreeMap<>();
      heads.result().forEach(c -> chains.put(c.chain, c));
      // a chain with signed heads but no head row lost every record: it checks as an empty chain
      signedChains.result().forEach(c -> chains.putIfAbsent(c, new ChainState(c, 0, AuditStore.GENESIS, 1, AuditStore.GENESIS)));
      Future<Void> done = Future.succeededFuture();
      for (ChainState chain : chains.values()) {
        done = done.compose(v -> verifyChain(chain, 0)).compose(v -> unsignedTail(chain));
      }
      return done.map(v -> new Verification(
          chains.values().stream().mapToLong(c -> c.checked).sum(),
          chains.values().stream().mapToLong(c -> c.unverifiable).sum(),
          chains.values().stream().filter(c -> c.broken != null).map(c -> c.broken).toList(),
          chains.values().stream().filter(c -> c.unsigned != null).map(c -> c.unsigned).toList()));
    });
  }

  /** One chain's check as it goes. */
  private static final class ChainState {
    final String chain;
    final long headSeq;
    final String headHash;
    final long baseSeq;
    final String baseHash;
    SignedHead previous;
    SignedHead lastVerified;
    long checked;
    long unverifiable;
    Broken broken;
    Unsigned unsigned;

    ChainState(String chain, long headSeq, String headHash, long baseSeq, String baseHash) {
      this.chain = chain;
      this.headSeq = headSeq;
      this.headHash = headHash;
      this.baseSeq = baseSeq;
      this.baseHash = baseHash;
    }

    void broken(long position, String problem) {
      broken = new Broken(chain, position, problem);
    }
  }

  /** Checks the chain's signed heads numbered above {@code afterN}, a page at a time, until the first problem. */
  private Future<Void> verifyChain(ChainState chain, long afterN) {
    return db.list("SELECT " + SignedHead.COLUMNS + " FROM audit_signed_heads WHERE chain = ? AND n > ? ORDER BY n LIMIT ?",
            Tuple.of(chain.chain, afterN, VERIFY_PAGE), row -> SignedHead.read(row, 0))
        .compose(page -> recordHashes(chain, page).map(hashes -> {
          for (SignedHead head : page) {
            check(chain, head, hashes);
            if (chain.broken != null) {
              return false;
            }
          }
          return page.size() == VERIFY_PAGE;
        }))
        .compose(more -> more ? verifyChain(chain, chain.previous.n()) : Future.succeededFuture());
  }

  /** The stored hashes of the records at the page's signed positions that retention kept. */
  private Future<Map<Long, String>> recordHashes(ChainState chain, List<SignedHead> page) {
    List<Long> positions = page.stream().map(SignedHead::seq)
        .filter(seq -> seq >= chain.baseSeq && seq <= chain.headSeq).distinct().toList();
    if (positions.isEmpty()) {
      return Future.succeededFuture(Map.of());
    }
    Tuple args = Tuple.of(chain.chain);
    positions.forEach(args::addLong);
    String marks = positions.stream().map(p -> "?").collect(Collectors.joining(", "));
    return db.list("SELECT seq, hash FROM audit_log WHERE chain = ? AND seq IN (" + marks + ")", args,
            row -> Map.entry(row.getLong(0), row.getString(1)))
        .map(rows -> {
          Map<Long, String> hashes = new HashMap<>();
          rows.forEach(e -> hashes.put(e.getKey(), e.getValue()));
          return hashes;
        });
  }

  private void check(ChainState chain, SignedHead head, Map<Long, String> hashes) {
    chain.checked++;
    SignedHead prev = chain.previous;
    if (prev == null && head.n() != 1 && head.prevSeq() >= chain.baseSeq) {
      chain.broken(head.prevSeq(), "signed heads before number " + head.n() + " were removed (the last at this position)");
      return;
    }
    if (prev != null && head.n() != prev.n() + 1) {
      chain.broken(prev.seq(), "signed heads " + (prev.n() + 1) + " to " + (head.n() - 1) + ", after this position, were removed");
      return;
    }
    if (prev != null && (head.prevSeq() != prev.seq() || !head.prevLink().equals(prev.link()) || head.seq() < prev.seq())) {
      chain.broken(head.seq(), "signed head " + head.n() + " does not follow signed head " + prev.n()
          + ": one of them was altered or replaced");
      return;
    }
    AuditHeadKey key = keys.withId(head.keyId());
    if (key == null) {
      chain.unverifiable++; // vouched for only if a later head under a known key links to it
    } else if (!key.verify(head.statement(), head.signature())) {
      chain.broken(head.seq(), "the signature of signed head " + head.n() + " does not verify: forged or altered");
      return;
    }
    String signedAt = Instant.ofEpochMilli(head.signedAtMs()).toString();
    if (head.seq() > chain.headSeq) {
      chain.broken(head.seq(), "the chain ends at position " + chain.headSeq + ", before this position signed at "
          + signedAt + ": records were removed");
      return;
    }
    String stored = head.seq() >= chain.baseSeq ? hashes.get(head.seq())
        : head.seq() == chain.baseSeq - 1 ? chain.baseHash : head.hash(); // before that: removed by retention
    if (stored == null) {
      chain.broken(head.seq(), "the record at this position, signed at " + signedAt + ", is missing");
      return;
    }
    if (!stored.equals(head.hash())) {
      chain.broken(head.seq(), "the record here is not the one signed at " + signedAt + " (signed hash "
          + head.hash().substring(0, 16) + "…, now " + stored.substring(0, Math.min(16, stored.length()))
          + "…): the chain was rewritten");
      return;
    }
    chain.previous = head;
    if (key != null) {
      chain.lastVerified = head;
    }
  }

  /** Notes the records after the chain's last verified signed head, if any. */
  private Future<Void> unsignedTail(ChainState chain) {
    long signed = chain.lastVerified == null ? 0 : chain.lastVerified.seq();
    if (chain.broken != null || chain.headSeq <= signed) {
      return Future.succeededFuture();
    }
    long after = Math.max(signed, chain.baseSeq - 1);
    return db.first("SELECT at_ms FROM audit_log WHERE chain = ? AND seq > ? ORDER BY seq LIMIT 1",
            Tuple.of(chain.chain, after), row -> row.getLong(0))
        .map(oldest -> {
          chain.unsigned = new Unsigned(chain.chain, signed, chain.headSeq - after, oldest.orElse(null));
          return null;
        });
  }
}
