package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
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
   * A practice's agent columns, from {@code practices p} joined with {@link #NODE_JOIN}. The
   * last-seen of a connected agent is the later of its own and its node's last alive time: the node
   * holds its socket open only while it hears from it (see {@code cloud_nodes}). A disconnected
   * agent's is its own. A CASE, not GREATEST: H2 and PostgreSQL treat its NULLs differently.
   */
  static final String AGENT_COLUMNS = "p.pms_kind, p.pms_version, p.agent_version, p.agent_connected, "
      + "CASE WHEN p.agent_connected AND NOT p.agent_unresponsive "
      + "AND (p.agent_last_seen IS NULL OR n.alive_at > p.agent_last_seen) "
      + "THEN n.alive_at ELSE p.agent_last_seen END AS agent_last_seen, p.agent_queued, p.agent_running, "
      + "p.agent_unresponsive";
  static final String NODE_JOIN = "LEFT JOIN cloud_nodes n ON n.node_id = p.agent_node";
  private static final String SELECT =
      "SELECT p.practice_id, p.name, " + AGENT_COLUMNS + " FROM practices p " + NODE_JOIN;

  private final Database db;

  public PracticeStore(Database db) {
    this.db = db;
  }

  public Future<Created> create(String name) {
    return db.call(c -> create(c, name));
  }

  static Created create(Connection c, String name) throws SQLException {
    String id = UUID.randomUUID().toString();
    String agentKey = newAgentKey();
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO practices (practice_id, name, agent_key_hash, created_at) VALUES (?, ?, ?, ?)")) {
      ps.setString(1, id);
      ps.setString(2, name);
      ps.setString(3, Secrets.sha256Hex(agentKey));
      ps.setObject(4, now());
      ps.executeUpdate();
    }
    return new Created(id, agentKey);
  }

  /** Replaces the agent key; the old one stops working at once. Returns the new key. */
  public Future<Optional<String>> rotateAgentKey(String practiceId) {
    return db.call(c -> {
      String agentKey = newAgentKey();
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE practices SET agent_key_hash = ? WHERE practice_id = ?")) {
        ps.setString(1, Secrets.sha256Hex(agentKey));
        ps.setString(2, practiceId);
        return ps.executeUpdate() == 1 ? Optional.of(agentKey) : Optional.empty();
      }
    });
  }

  public Future<Optional<Practice>> find(String practiceId) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE p.practice_id = ?")) {
        ps.setString(1, practiceId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(read(rs)) : Optional.empty();
        }
      }
    });
  }

  /** True only for a known practice whose current agent key is {@code agentKey}. */
  public Future<Boolean> verifyAgentKey(String practiceId, String agentKey) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT agent_key_hash FROM practices WHERE practice_id = ?")) {
        ps.setString(1, practiceId);
        try (ResultSet rs = ps.executeQuery()) {
          String stored = rs.next() ? rs.getString(1) : null;
          return Secrets.constantTimeEquals(stored, Secrets.sha256Hex(agentKey == null ? "" : agentKey));
        }
      }
    });
  }

  public Future<Void> agentConnected(String practiceId, String node, String agentVersion, String pmsKind, String pmsVersion) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE practices SET agent_connected = TRUE, agent_unresponsive = FALSE, agent_node = ?, agent_version = ?, "
              + "pms_kind = ?, pms_version = ?, agent_last_seen = ? WHERE practice_id = ?")) {
        ps.setString(1, node);
        ps.setString(2, agentVersion);
        ps.setString(3, pmsKind);
        ps.setString(4, pmsVersion);
        ps.setObject(5, now());
        ps.setString(6, practiceId);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /**
   * Records, in one transaction, that {@code node} is alive at {@code atMs} (which vouches for the
   * agents connected through it) and agents' heartbeats: each moves its practice's own last-seen to
   * the heartbeat's time and stores the load reported with it (an unknown load leaves the stored
   * one). Only a practice whose agent is on record as connected through {@code node} is touched, so
   * a heartbeat written after the agent disconnected, or moved to another node, changes nothing.
   */
  public Future<Void> nodeAlive(String node, long atMs, Collection<Heartbeat> heartbeats) {
    return db.transaction(c -> {
      recordAlive(c, node, utc(atMs));
      if (heartbeats.isEmpty()) {
        return null;
      }
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE practices SET agent_last_seen = ?, agent_queued = COALESCE(?, agent_queued), "
              + "agent_running = COALESCE(?, agent_running) "
              + "WHERE practice_id = ? AND agent_node = ? AND agent_connected = TRUE")) {
        for (Heartbeat h : heartbeats) {
          ps.setObject(1, utc(h.atMs()));
          ps.setObject(2, h.queued(), Types.INTEGER);
          ps.setObject(3, h.running(), Types.INTEGER);
          ps.setString(4, h.practiceId());
          ps.setString(5, node);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  /**
   * Update, else insert: portable (PostgreSQL before 15 has no MERGE, H2 no ON CONFLICT DO UPDATE) and race-free
   * here, since only the node itself writes its row, one flush at a time.
   */
  private static void recordAlive(Connection c, String node, OffsetDateTime at) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE cloud_nodes SET alive_at = ? WHERE node_id = ?")) {
      ps.setObject(1, at);
      ps.setString(2, node);
      if (ps.executeUpdate() > 0) {
        return;
      }
    }
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO cloud_nodes (node_id, alive_at) VALUES (?, ?)")) {
      ps.setString(1, node);
      ps.setObject(2, at);
      ps.executeUpdate();
    }
  }

  private static OffsetDateTime utc(long ms) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC);
  }

  /**
   * Marks the agent connected through {@code node} unresponsive (a query it was sent went
   * unacknowledged; it was last heard at {@code lastHeardMs}) or responsive again.
   */
  public Future<Void> agentResponsive(String practiceId, String node, boolean responsive, long lastHeardMs) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE practices SET agent_unresponsive = ?, agent_last_seen = ? "
              + "WHERE practice_id = ? AND agent_node = ? AND agent_connected = TRUE")) {
        ps.setBoolean(1, !responsive);
        ps.setObject(2, utc(lastHeardMs));
        ps.setString(3, practiceId);
        ps.setString(4, node);
        ps.executeUpdate();
      }
      return null;
    });
  }

  /** Marks the agent gone, unless it has meanwhile connected again through another node. */
  public Future<Void> agentDisconnected(String practiceId, String node) {
    return db.call(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE practices SET agent_connected = FALSE, agent_last_seen = ?, agent_queued = NULL, agent_running = NULL "
              + "WHERE practice_id = ? AND agent_node = ?")) {
        ps.setObject(1, now());
        ps.setString(2, practiceId);
        ps.setString(3, node);
        ps.executeUpdate();
      }
      return null;
    });
  }

  static Practice read(ResultSet rs) throws SQLException {
    return new Practice(
        rs.getString("practice_id"),
        rs.getString("name"),
        rs.getString("pms_kind"),
        rs.getString("pms_version"),
        rs.getString("agent_version"),
        rs.getBoolean("agent_connected"),
        rs.getObject("agent_last_seen", OffsetDateTime.class),
        nullableInt(rs, "agent_queued"),
        nullableInt(rs, "agent_running"),
        rs.getBoolean("agent_unresponsive"));
  }

  private static Integer nullableInt(ResultSet rs, String column) throws SQLException {
    int value = rs.getInt(column);
    return rs.wasNull() ? null : value;
  }

  static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC);
  }

  private static String newAgentKey() {
    return Secrets.token("pmsa_", 32);
  }

  /** Every practice, by name. */
  public Future<java.util.List<Practice>> list() {
    return db.call(c -> {
      java.util.List<Practice> practices = new java.util.ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY p.name, p.practice_id");
           ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          practices.add(read(rs));
        }
      }
      return practices;
    });
  }
}
