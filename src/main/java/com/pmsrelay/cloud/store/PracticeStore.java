package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Practices, their agent keys (hashed) and what the cloud knows of their agent's connection. */
public final class PracticeStore {
  /** What {@link #create} hands back once: the agent key is never stored nor shown again. */
  public record Created(String practiceId, String agentKey) {}

  /**
   * An agent's heartbeat, heard at {@code atMs}, with the load it reported: queries waiting and
   * running at the practice, both null if unknown.
   */
  public record Heartbeat(String practiceId, long atMs, Integer queued, Integer running) {}

  /**
   * A practice's columns, read by {@link #read}, from {@code practices p} joined with
   * {@link #NODE_JOIN}. The last-seen of a connected agent is the later of its own and its node's
   * last alive time: the node holds its socket open only while it hears from it (see
   * {@code cloud_nodes}). A disconnected agent's is its own. A CASE, not GREATEST: H2 and PostgreSQL
   * treat its NULLs differently.
   */
  static final String COLUMNS = "p.practice_id, p.name, p.pms_kind, p.pms_version, p.agent_version, p.agent_connected, "
      + "CASE WHEN p.agent_connected AND NOT p.agent_unresponsive "
      + "AND (p.agent_last_seen IS NULL OR n.alive_at > p.agent_last_seen) "
      + "THEN n.alive_at ELSE p.agent_last_seen END AS agent_last_seen, p.agent_queued, p.agent_running, "
      + "p.agent_unresponsive";
  static final String NODE_JOIN = "LEFT JOIN cloud_nodes n ON n.node_id = p.agent_node";
  private static final String SELECT = "SELECT " + COLUMNS + " FROM practices p " + NODE_JOIN;

  private final Database db;

  public PracticeStore(Database db) {
    this.db = db;
  }

  public Future<Created> create(String name) {
    return db.transaction(c -> create(c, name));
  }

  static Future<Created> create(SqlConnection c, String name) {
    String id = UUID.randomUUID().toString();
    String agentKey = newAgentKey();
    return Sql.update(c, "INSERT INTO practices (practice_id, name, agent_key_hash, created_at) VALUES (?, ?, ?, ?)",
        Tuple.of(id, name, Secrets.sha256Hex(agentKey), now())).map(new Created(id, agentKey));
  }

  /** Replaces the agent key; the old one stops working at once. Returns the new key. */
  public Future<Optional<String>> rotateAgentKey(String practiceId) {
    return db.transaction(c -> rotateAgentKey(c, practiceId));
  }

  static Future<Optional<String>> rotateAgentKey(SqlConnection c, String practiceId) {
    String agentKey = newAgentKey();
    return Sql.update(c, "UPDATE practices SET agent_key_hash = ? WHERE practice_id = ?",
            Tuple.of(Secrets.sha256Hex(agentKey), practiceId))
        .map(updated -> updated == 1 ? Optional.of(agentKey) : Optional.empty());
  }

  public Future<Optional<Practice>> find(String practiceId) {
    return db.first(SELECT + " WHERE p.practice_id = ?", Tuple.of(practiceId), row -> read(row, 0));
  }

  /** True only for a known practice whose current agent key is {@code agentKey}. */
  public Future<Boolean> verifyAgentKey(String practiceId, String agentKey) {
    return db.first("SELECT agent_key_hash FROM practices WHERE practice_id = ?", Tuple.of(practiceId),
            row -> row.getString(0))
        .map(stored -> Secrets.constantTimeEquals(stored.orElse(null),
            Secrets.sha256Hex(agentKey == null ? "" : agentKey)));
  }

  public Future<Void> agentConnected(String practiceId, String node, String agentVersion, String pmsKind, String pmsVersion) {
    return db.update("UPDATE practices SET agent_connected = TRUE, agent_unresponsive = FALSE, agent_node = ?, "
            + "agent_version = ?, pms_kind = ?, pms_version = ?, agent_last_seen = ? WHERE practice_id = ?",
        Tuple.of(node, agentVersion, pmsKind, pmsVersion, now(), practiceId)).mapEmpty();
  }

  /**
   * Records, in one transaction, that {@code node} is alive at {@code atMs} (which vouches for the
   * agents connected through it) and agents' heartbeats: each moves its practice's own last-seen to
   * the heartbeat's time and stores the load reported with it (an unknown load leaves the stored
   * one). Only a practice whose agent is on record as connected through {@code node} is touched, so
   * a heartbeat written after the agent disconnected, or moved to another node, changes nothing.
   */
  public Future<Void> nodeAlive(String node, long atMs, Collection<Heartbeat> heartbeats) {
    return db.transaction(c -> recordAlive(c, node, utc(atMs)).compose(v -> {
      if (heartbeats.isEmpty()) {
        return Future.succeededFuture();
      }
      List<Tuple> batch = heartbeats.stream()
          .map(h -> Tuple.of(utc(h.atMs()), h.queued(), h.running(), h.practiceId(), node))
          .toList();
      return c.preparedQuery("UPDATE practices SET agent_last_seen = ?, agent_queued = COALESCE(?, agent_queued), "
              + "agent_running = COALESCE(?, agent_running) "
              + "WHERE practice_id = ? AND agent_node = ? AND agent_connected = TRUE")
          .executeBatch(batch).mapEmpty();
    }));
  }

  /**
   * Update, else insert: portable (PostgreSQL before 15 has no MERGE, H2 no ON CONFLICT DO UPDATE) and race-free
   * here, since only the node itself writes its row, one flush at a time.
   */
  private static Future<Void> recordAlive(SqlConnection c, String node, OffsetDateTime at) {
    return Sql.update(c, "UPDATE cloud_nodes SET alive_at = ? WHERE node_id = ?", Tuple.of(at, node))
        .compose(updated -> updated > 0 ? Future.succeededFuture()
            : Sql.update(c, "INSERT INTO cloud_nodes (node_id, alive_at) VALUES (?, ?)", Tuple.of(node, at)).mapEmpty());
  }

  private static OffsetDateTime utc(long ms) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
  }

  /**
   * Marks the agent connected through {@code node} unresponsive (a query it was sent went
   * unacknowledged; it was last heard at {@code lastHeardMs}) or responsive again.
   */
  public Future<Void> agentResponsive(String practiceId, String node, boolean responsive, long lastHeardMs) {
    return db.update("UPDATE practices SET agent_unresponsive = ?, agent_last_seen = ? "
            + "WHERE practice_id = ? AND agent_node = ? AND agent_connected = TRUE",
        Tuple.of(!responsive, utc(lastHeardMs), practiceId, node)).mapEmpty();
  }

  /** Marks the agent gone, unless it has meanwhile connected again through another node. */
  public Future<Void> agentDisconnected(String practiceId, String node) {
    return db.update("UPDATE practices SET agent_connected = FALSE, agent_last_seen = ?, agent_queued = NULL, "
            + "agent_running = NULL WHERE practice_id = ? AND agent_node = ?",
        Tuple.of(now(), practiceId, node)).mapEmpty();
  }

  /** The practice whose {@link #COLUMNS} start at column {@code from}. */
  static Practice read(Row row, int from) {
    return new Practice(
        row.getString(from),
        row.getString(from + 1),
        row.getString(from + 2),
        row.getString(from + 3),
        row.getString(from + 4),
        row.getBoolean(from + 5),
        row.getOffsetDateTime(from + 6),
        row.getInteger(from + 7),
        row.getInteger(from + 8),
        row.getBoolean(from + 9));
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  private static String newAgentKey() {
    return Secrets.token("pmsa_", 32);
  }

  /** Every practice, by name. */
  public Future<List<Practice>> list() {
    return db.list(SELECT + " ORDER BY p.name, p.practice_id", Tuple.tuple(), row -> read(row, 0));
  }
}
