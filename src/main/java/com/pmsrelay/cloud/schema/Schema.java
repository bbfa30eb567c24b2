package com.pmsrelay.cloud.schema;

import com.pmsrelay.common.protocol.SchemaRow;
import com.pmsrelay.guard.TableScopes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every table and view of one catalogue that the guard lets a statement read, as its agent listed
 * them, sorted by name; each table kept encoded, so that an answer is the tables a grant's scopes
 * allow, joined. What the node caches, whoever asks; {@link #answer} narrows it per request.
 */
public final class Schema {
  /** Tables sorted by name regardless of case, then by case (a case-sensitive collation may hold both). */
  static final Comparator<String> BY_NAME = String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());

  /** One table or view: its schema and name (as the database spells them) and its answer, encoded. */
  record Table(String schema, String name, Buffer json) {}

  private final String catalogue;
  private final String pmsVersion;
  private final List<Table> tables;
  private final long bytes;

  private Schema(String catalogue, String pmsVersion, List<Table> tables) {
    this.catalogue = catalogue;
    this.pmsVersion = pmsVersion;
    this.tables = List.copyOf(tables);
    this.bytes = tables.stream().mapToLong(t -> t.json().length() + 2L * (t.schema().length() + t.name().length()) + 64)
        .sum();
  }

  public String catalogue() {
    return catalogue;
  }

  public String pmsVersion() {
    return pmsVersion;
  }

  /** What it costs to keep, roughly (the cache's weigher). */
  long bytes() {
    return bytes;
  }

  /** Every table and view, for tests: "schema.name". */
  List<String> names() {
    return tables.stream().map(t -> t.schema() + "." + t.name()).toList();
  }

  /** How many tables and views {@code scopes} allow. */
  public int count(TableScopes scopes) {
    int n = 0;
    for (Table t : tables) {
      if (scopes.allows(t.schema(), t.name())) {
        n++;
      }
    }
    return n;
  }

  /**
   * The answer for a grant with {@code scopes}: {@code {"catalogue", "pmsVersion", "tables": [...]}}
   * with only the tables and views the scopes allow; nothing else of the catalogue.
   */
  public Buffer answer(TableScopes scopes) {
    Buffer head = new JsonObject().put("catalogue", catalogue).put("pmsVersion", pmsVersion).toBuffer();
    Buffer out = Buffer.buffer(4096); // grows as tables are added: most grants allow a few of them
    out.appendBuffer(head, 0, head.length() - 1).appendString(",\"tables\":[");
    boolean first = true;
    for (Table t : tables) {
      if (scopes.allows(t.schema(), t.name())) {
        if (!first) {
          out.appendByte((byte) ',');
        }
        out.appendBuffer(t.json());
        first = false;
      }
    }
    return out.appendString("]}");
  }

  /**
   * The schema of {@code rows} (one per column, columns in their table's order): tables grouped
   * and sorted by name, the primary key's columns in the key's order.
   */
  static Schema of(String catalogue, String pmsVersion, List<SchemaRow> rows) {
    Map<String, List<SchemaRow>> byTable = new LinkedHashMap<>();
    for (SchemaRow row : rows) {
      byTable.computeIfAbsent(row.schema() + "\u0000" + row.table(), k -> new ArrayList<>()).add(row);
    }
    List<Table> tables = new ArrayList<>();
    for (List<SchemaRow> columns : byTable.values()) {
      tables.add(table(columns));
    }
    tables.sort(Comparator.comparing((Table t) -> t.schema() + "." + t.name(), BY_NAME));
    return new Schema(catalogue, pmsVersion, tables);
  }

  private static Table table(List<SchemaRow> columns) {
    SchemaRow first = columns.get(0);
    JsonArray list = new JsonArray();
    List<SchemaRow> key = new ArrayList<>();
    for (SchemaRow c : columns) {
      list.add(new JsonObject().put("name", c.column()).put("type", c.type()).put("nullable", c.nullable()));
      if (c.keyPosition() != null) {
        key.add(c);
      }
    }
    key.sort(Comparator.comparing(SchemaRow::keyPosition));
    JsonObject json = new JsonObject()
        .put("name", first.schema() + "." + first.table())
        .put("kind", first.kind())
        .put("columns", list)
        .put("primaryKey", new JsonArray(key.stream().map(SchemaRow::column).map(Object.class::cast).toList()));
    return new Table(first.schema(), first.table(), json.toBuffer());
  }
}
