package com.pmsrelay.cloud.store;

import com.pmsrelay.cloud.keys.AuditHeadKey;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import java.time.Instant;

/**
 * One signed head of an audit chain: the node's signature over where the chain stood (record
 * {@code seq} with hash {@code hash}) at {@code signedAtMs}, the {@code n}th of the chain's signed
 * heads, linked to the one before it ({@code prevSeq}, and {@code prevLink}: SHA-256 of its
 * statement). The statement signed covers every field but the signature.
 */
public record SignedHead(String chain, long n, long seq, String hash, long signedAtMs, long prevSeq, String prevLink,
    String keyId, String signature) {

  /** The link of the first signed head of a chain: there is none before it. */
  public static final String NO_LINK = "0".repeat(64);
  static final String COLUMNS = "chain, n, seq, hash, signed_at_ms, prev_seq, prev_link, key_id, signature";

  /** Signs head {@code n} of a chain, following {@code previous} (null for the first). */
  static SignedHead sign(AuditHeadKey key, String chain, long seq, String hash, long signedAtMs, SignedHead previous) {
    SignedHead unsigned = new SignedHead(chain, previous == null ? 1 : previous.n() + 1, seq, hash, signedAtMs,
        previous == null ? 0 : previous.seq(), previous == null ? NO_LINK : previous.link(), key.id(), null);
    return new SignedHead(chain, unsigned.n(), seq, hash, signedAtMs, unsigned.prevSeq(), unsigned.prevLink(), key.id(),
        key.sign(unsigned.statement()));
  }

  /** What is signed: one line, fields in a fixed order (chain names hold no '|'). */
  public String statement() {
    return String.join("|", "pms-relay audit head v1", chain, Long.toString(n), Long.toString(seq), hash,
        Long.toString(signedAtMs), Long.toString(prevSeq), prevLink, keyId);
  }

  /** What the next signed head links to. */
  public String link() {
    return Secrets.sha256Hex(statement());
  }

  /** For the console and the CSV export: enough to check the signature elsewhere, with the public key. */
  public JsonObject toJson() {
    return new JsonObject()
        .put("position", seq)
        .put("headHash", hash)
        .put("signedAt", Instant.ofEpochMilli(signedAtMs).toString())
        .put("number", n)
        .put("previousPosition", prevSeq)
        .put("previousLink", prevLink)
        .put("keyId", keyId)
        .put("signature", signature)
        .put("statement", statement());
  }

  /** The signed head whose {@link #COLUMNS} start at {@code from}. */
  static SignedHead read(Row row, int from) {
    return new SignedHead(row.getString(from), row.getLong(from + 1), row.getLong(from + 2), row.getString(from + 3),
        row.getLong(from + 4), row.getLong(from + 5), row.getString(from + 6), row.getString(from + 7),
        row.getString(from + 8));
  }
}
