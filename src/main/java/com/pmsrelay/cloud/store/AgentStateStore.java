package com.pmsrelay.cloud.store;

import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.Optional;

/**
 * What the cloud keeps of each practice's agent beyond its connection (V14): the address it
 * connects from, how its last update went, the version policy every agent is held to, and the
 * agent keys replaced by a move to a new server.
 */
public final class AgentStateStore {
  /** The minimum and recommended agent versions (either null: no bound). */
  public record VersionPolicy(String minimum, String recommended, long setAtMs) {
    public static final VersionPolicy NONE = new VersionPolicy(null, null, 0);
  }

  /** A practice's agent as last heard: its address, and its last update's version, state and reason. */
  public record AgentState(String practiceId, String address, Long addressAtMs, String updateVersion, String updateState,
      String updateReason, Long updateAtMs) {}

  /** What {@link #move} hands back once: the new agent key, and when the old one was retired. */
  public record Moved(String agentKey, long movedAtMs) {}

  private static final String COLUMNS = "practice_id, address, address_at_ms, update_version, update_state, update_reason, "
      + "update_at_ms";

  private final Database db;

  public AgentStateStore(Database db) {
    this.db = db;
  }

  public Future<VersionPolicy> policy() {
    return db.first("SELECT minimum, recommended, set_at_ms FROM version_policy WHERE id = 1", Tuple.tuple(),
        row -> new VersionPolicy(row.getString(0), row.getString(1), row.getLong(2))).map(p -> p.orElse(VersionPolicy.NONE));
  }

  public Future<Void> setPolicy(String minimum, String recommended, long atMs) {
    return db.transaction(c -> Sql.update(c, "UPDATE version_policy SET minimum = ?, recommended = ?, set_at_ms = ? WHERE id = 1",
            Tuple.of(minimum, recommended, atMs))
        .compose(n -> n > 0 ? Future.succeededFuture(n)
            : Sql.update(c, "INSERT INTO version_policy (id, minimum, recommended, set_at_ms) VALUES (1, ?, ?, ?)",
                Tuple.of(minimum, recommended, atMs)))
        .mapEmpty());
  }

  /** Records the address the practice's agent connected from. */
  public Future<Void> connectedFrom(String practiceId, String address, long atMs) {
    return upsert(practiceId, "address = ?, address_at_ms = ?", Tuple.of(address, atMs));
  }

  /** Records how the agent's update went, as it reported it. */
  public Future<Void> updateReported(String practiceId, String version, String state, String reason, long atMs) {
    return upsert(practiceId, "update_version = ?, update_state = ?, update_reason = ?, update_at_ms = ?",
        Tuple.of(version, state, reason, atMs));
  }

  /** Update, else insert (see PracticeStore.recordAlive): one practice's agent writes its row, one frame at a time. */
  private Future<Void> upsert(String practiceId, String set, Tuple values) {
    Tuple update = Tuple.tuple();
    for (int i = 0; i < values.size(); i++) {
      update.addValue(values.getValue(i));
    }
    update.addValue(practiceId);
    return db.transaction(c -> Sql.update(c, "UPDATE agent_state SET " + set + " WHERE practice_id = ?", update)
        .compose(n -> n > 0 ? Future.succeededFuture(n)
            : Sql.update(c, "INSERT INTO agent_state (practice_id) VALUES (?)", Tuple.of(practiceId))
                .compose(v -> Sql.update(c, "UPDATE agent_state SET " + set + " WHERE practice_id = ?", update)))
        .mapEmpty());
  }

  public Future<Optional<AgentState>> of(String practiceId) {
    return db.first("SELECT " + COLUMNS + " FROM agent_state WHERE practice_id = ?", Tuple.of(practiceId), AgentStateStore::read);
  }

  public Future<List<AgentState>> all() {
    return db.list("SELECT " + COLUMNS + " FROM agent_state ORDER BY practice_id", Tuple.tuple(), AgentStateStore::read);
  }

  private static AgentState read(io.vertx.sqlclient.Row row) {
    return new AgentState(row.getString(0), row.getString(1), row.getLong(2), row.getString(3), row.getString(4),
        row.getString(5), row.getLong(6));
  }

  /**
   * The practice moves to a new server: a new agent key, and the old one remembered as retired by
   * the move (hashed), in one transaction. Empty if there is no such practice.
   */
  public Future<Optional<Moved>> move(String practiceId, long atMs) {
    return db.transaction(c -> Sql.first(c, "SELECT agent_key_hash FROM practices WHERE practice_id = ?", Tuple.of(practiceId),
            row -> row.getString(0))
        .compose(old -> old.isEmpty() ? Future.succeededFuture(Optional.<Moved>empty())
            : retire(c, practiceId, old.get(), atMs).compose(v -> PracticeStore.rotateAgentKey(c, practiceId))
                .map(key -> key.map(k -> new Moved(k, atMs)))));
  }

  private static Future<Void> retire(SqlConnection c, String practiceId, String keyHash, long atMs) {
    return Sql.update(c, "DELETE FROM agent_key_moves WHERE practice_id = ? AND key_hash = ?", Tuple.of(practiceId, keyHash))
        .compose(v -> Sql.update(c, "INSERT INTO agent_key_moves (practice_id, key_hash, moved_at_ms) VALUES (?, ?, ?)",
            Tuple.of(practiceId, keyHash, atMs)))
        .mapEmpty();
  }

  /** When {@code agentKey} was retired by the practice's move to a new server (empty: it was not). */
  public Future<Optional<Long>> movedAway(String practiceId, String agentKey) {
    return db.first("SELECT moved_at_ms FROM agent_key_moves WHERE practice_id = ? AND key_hash = ?",
        Tuple.of(practiceId, Secrets.sha256Hex(agentKey == null ? "" : agentKey)), row -> row.getLong(0));
  }
}
