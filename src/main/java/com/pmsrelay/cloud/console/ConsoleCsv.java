package com.pmsrelay.cloud.console;

import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.SignedHead;
import java.time.Instant;
import java.util.List;

/**
 * The audit log as CSV (RFC 4180), safe to open in a spreadsheet. Its first row after the header
 * is the chain's latest signed head (kind {@code signed_head}: position, time signed, key id, and
 * in detail the signed statement and signature), so an export kept by the practice records where
 * the relay vouched the log stood.
 */
final class ConsoleCsv {
  static final String HEADER = "seq,time,kind,actor,action,outcome,query_id,sql_hash,sql,params_count,rows,bytes,"
      + "queue_ms,execution_ms,detail\r\n";

  /** The kind of the row that carries the latest signed head. */
  static final String SIGNED_HEAD = "signed_head";

  private ConsoleCsv() {}

  static String of(List<AuditRecord> records) {
    return of(records, null);
  }

  static String of(List<AuditRecord> records, SignedHead signed) {
    StringBuilder out = new StringBuilder(HEADER);
    if (signed != null) {
      out.append(signed.seq()).append(',')
          .append(Instant.ofEpochMilli(signed.signedAtMs())).append(',')
          .append(SIGNED_HEAD).append(",pms-relay,audit.sign,")
          .append(cell(signed.keyId())).append(",,,,,,,,,")
          .append(cell(ConsoleApi.signedHeadJson(signed).encode())).append("\r\n");
    }
    for (AuditRecord r : records) {
      out.append(r.seq()).append(',')
          .append(Instant.ofEpochMilli(r.atMs())).append(',')
          .append(cell(r.kind())).append(',')
          .append(cell(r.actor())).append(',')
          .append(cell(r.action())).append(',')
          .append(cell(r.outcome())).append(',')
          .append(cell(r.queryId())).append(',')
          .append(cell(r.sqlHash())).append(',')
          .append(cell(r.sqlText())).append(',')
          .append(number(r.paramsCount())).append(',')
          .append(number(r.rowCount())).append(',')
          .append(number(r.bytes())).append(',')
          .append(number(r.queueMs())).append(',')
          .append(number(r.execMs())).append(',')
          .append(cell(r.detail())).append("\r\n");
    }
    return out.toString();
  }

  private static String number(Number n) {
    return n == null ? "" : n.toString();
  }

  /**
   * Quoted when needed; a cell a spreadsheet would read as a formula (=, +, -, @, tab, CR) gets a
   * leading apostrophe, since SQL text and names come from integrators.
   */
  static String cell(String value) {
    if (value == null) {
      return "";
    }
    String v = value;
    if (!v.isEmpty() && "=+-@\t\r".indexOf(v.charAt(0)) >= 0) {
      v = "'" + v;
    }
    if (v.contains(",") || v.contains("\"") || v.contains("\n") || v.contains("\r")) {
      v = "\"" + v.replace("\"", "\"\"") + "\"";
    }
    return v;
  }
}
