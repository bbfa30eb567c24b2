package com.pmsrelay.cloud.store;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Quarantine of a practice (V10 migration), for the console and the operator alike. Quarantining
 * pauses every integration (each enabled grant becomes disabled; the others are left), voids the
 * practice's unused pairing codes (one would enable a grant), optionally rotates the agent key, and
 * records why; resuming gives each paused grant back its status, one at a time or all at once.
 *
 * <p>The rule for a grant changed during the quarantine (through the console, an operator command
 * or the monitor: any write moves its revision on) is that the later decision wins: resuming keeps
 * its status now and says so ({@link Quarantine.Outcome#KEPT}), rather than overwrite it.
 *
 * <p>Each step is one transaction that locks what it reads (the practice or its quarantine, and
 * its grants), so concurrent steps on several nodes cannot interleave; the grants' changes and the
 * agent key's enter the change feed in the same transaction, so every node acts on them once they
 * commit. Each step is then audited in the practice's chain, as the console's other actions are.
 */
public final class QuarantineStore {
  public static final int MAX_REASON_CHARS = 2000;

  /** What quarantining did; the new agent key (shown once) if it was rotated. */
  public record Started(Quarantine quarantine, Optional<String> agentKey, int pairingCodesVoided) {}

  /** What one resume did: the grants it settled (none if the one asked for was settled already). */
  public record Resumed(Quarantine quarantine, List<Quarantine.Hold> settled) {}

  private record Current(String clientId, GrantStatus status, long revision) {}

  private record Saved(String clientId, GrantStatus status, long revision, Quarantine.Outcome outcome) {}

  private static final String QUARANTINE_COLUMNS =
      "practice_id, reason, started_by, started_at_ms, key_rotated, resumed_by, resumed_at_ms";

  private final Database db;
  private final GrantStore grants;
  private final ChangeStore changes;
  private final AuditStore audit;

  public QuarantineStore(Database db, GrantStore grants, ChangeStore changes, AuditStore audit) {
    this.db = db;
    this.grants = grants;
    this.changes = changes;
    this.audit = audit;
  }

  /** The practice's current or last quarantine; empty if it never had one. */
  public Future<Optional<Quarantine>> find(String practiceId) {
    return db.transaction(c -> find(c, practiceId));
  }

  /**
   * Quarantines the practice for {@code reason}, on behalf of {@code actor}: 404 for an unknown
   * practice, 409 {@code already_quarantined} if it is quarantined now.
   */
  public Future<Started> quarantine(String practiceId, String actor, String reason, boolean rotateAgentKey) {
    long now = System.currentTimeMillis();
    List<Current> before = new ArrayList<>();
    int[] voided = new int[1];
    return db.transaction(c -> Sql.first(c, "SELECT practice_id FROM practices WHERE practice_id = ? FOR UPDATE",
                Tuple.of(practiceId), row -> true)
            .andThen(x -> before.clear()) // a transaction run again (lost connection) starts afresh
            .compose(practice -> practice.isEmpty()
                ? Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND, "no such practice"))
                : Sql.first(c, "SELECT resumed_at_ms FROM quarantines WHERE practice_id = ?", Tuple.of(practiceId),
                    row -> row.getLong(0) == null))
            .compose(last -> {
              if (last.orElse(false)) {
                return Future.failedFuture(new RelayException(ErrorCode.ALREADY_QUARANTINED,
                    "the practice is quarantined already: resume it first"));
              }
              return last.isPresent() // a finished quarantine: the audit log keeps it, the new one replaces it
                  ? Sql.update(c, "DELETE FROM quarantines WHERE practice_id = ?", Tuple.of(practiceId)).mapEmpty()
                  : Future.<Void>succeededFuture();
            })
            .compose(v -> Sql.list(c, "SELECT client_id, status, revision FROM grants WHERE practice_id = ? "
                + "ORDER BY client_id FOR UPDATE", Tuple.of(practiceId), QuarantineStore::current))
            .compose(current -> {
              before.addAll(current);
              return Sql.update(c, "INSERT INTO quarantines (" + QUARANTINE_COLUMNS + ") VALUES (?, ?, ?, ?, ?, NULL, NULL)",
                  Tuple.of(practiceId, reason, actor, now, rotateAgentKey));
            })
            .compose(v -> pauseAll(c, practiceId, actor, now, before))
            .compose(v -> Sql.update(c, "UPDATE pairing_codes SET used_at_ms = ? WHERE practice_id = ? AND used_at_ms IS NULL",
                Tuple.of(now, practiceId)))
            .compose(count -> {
              voided[0] = count;
              return rotateAgentKey ? PracticeStore.rotateAgentKey(c, practiceId)
                  .compose(key -> changes.publish(c, ChangeStore.AGENT_KEY, practiceId).map(key))
                  : Future.succeededFuture(Optional.<String>empty());
            })
            .compose(key -> find(c, practiceId).map(q -> new Started(q.orElseThrow(), key, voided[0]))))
        .onSuccess(started -> started.quarantine().paused().forEach(h -> grants.invalidate(practiceId, h.clientId())))
        .compose(started -> auditStart(practiceId, actor, before, started).map(started));
  }

  /**
   * Resumes one paused integration ({@code clientId}), or all (null), which also ends the
   * quarantine (so does resuming the last one paused): 409 {@code not_quarantined} if the practice
   * is not quarantined now, 404 for a client id the quarantine did not find at the practice.
   */
  public Future<Resumed> resume(String practiceId, String actor, String clientId) {
    long now = System.currentTimeMillis();
    List<String> settled = new ArrayList<>();
    List<String> restored = new ArrayList<>();
    boolean[] ended = new boolean[1];
    return db.transaction(c -> Sql.first(c, "SELECT practice_id FROM quarantines WHERE practice_id = ? "
                + "AND resumed_at_ms IS NULL FOR UPDATE", Tuple.of(practiceId), row -> true)
            .compose(active -> active.isEmpty()
                ? Future.<List<Saved>>failedFuture(new RelayException(ErrorCode.NOT_QUARANTINED, "the practice is not quarantined"))
                : Sql.list(c, "SELECT client_id, saved_status, revision, outcome FROM quarantine_grants WHERE practice_id = ?",
                    Tuple.of(practiceId), QuarantineStore::saved))
            .compose(holds -> {
              settled.clear(); // a transaction run again (lost connection) starts afresh
              restored.clear();
              List<Saved> chosen = holds.stream().filter(h -> clientId == null || h.clientId().equals(clientId)).toList();
              if (clientId != null && chosen.isEmpty()) {
                return Future.failedFuture(new RelayException(ErrorCode.NOT_FOUND,
                    "the quarantine paused no integration with that client id"));
              }
              List<Saved> open = chosen.stream().filter(h -> h.outcome() == Quarantine.Outcome.PAUSED).toList();
              long stillPaused = holds.stream().filter(h -> h.outcome() == Quarantine.Outcome.PAUSED).count() - open.size();
              return Sql.list(c, "SELECT client_id, status, revision FROM grants WHERE practice_id = ? FOR UPDATE",
                      Tuple.of(practiceId), QuarantineStore::current)
                  .map(current -> current.stream().collect(Collectors.toMap(Current::clientId, Function.identity())))
                  .compose(current -> settleAll(c, practiceId, actor, now, open, current, settled, restored))
                  .compose(v -> (ended[0] = clientId == null || stillPaused == 0)
                      ? Sql.update(c, "UPDATE quarantines SET resumed_by = ?, resumed_at_ms = ? WHERE practice_id = ?",
                          Tuple.of(actor, now, practiceId)).mapEmpty()
                      : Future.<Void>succeededFuture());
            })
            .compose(v -> find(c, practiceId)))
        .map(q -> new Resumed(q.orElseThrow(), q.orElseThrow().holds().stream()
            .filter(h -> settled.contains(h.clientId())).toList()))
        .onSuccess(resumed -> restored.forEach(id -> grants.invalidate(practiceId, id)))
        .compose(resumed -> auditResume(practiceId, actor, clientId, ended[0], resumed).map(resumed));
  }

  /** Disables each enabled grant (announcing each change) and records every grant as it was. */
  private Future<Void> pauseAll(SqlConnection c, String practiceId, String actor, long now, List<Current> current) {
    Future<Void> done = Future.succeededFuture();
    List<Tuple> holds = new ArrayList<>();
    for (Current g : current) {
      if (g.status() == GrantStatus.ENABLED) {
        done = done.compose(v -> GrantStore.setStatus(c, practiceId, g.clientId(), GrantStatus.DISABLED, g.revision() + 1))
            .compose(v -> changes.publish(c, ChangeStore.GRANT, practiceId + "/" + g.clientId()));
        holds.add(Tuple.of(practiceId, g.clientId(), g.status().wire(), g.revision() + 1, Quarantine.Outcome.PAUSED.wire(),
            null, null, null));
      } else {
        holds.add(Tuple.of(practiceId, g.clientId(), g.status().wire(), g.revision(), Quarantine.Outcome.UNCHANGED.wire(),
            g.status().wire(), actor, now));
      }
    }
    return holds.isEmpty() ? done : done.compose(v -> c.preparedQuery("INSERT INTO quarantine_grants (practice_id, "
            + "client_id, saved_status, revision, outcome, settled_status, settled_by, settled_at_ms) "
            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)").executeBatch(holds).mapEmpty());
  }

  /**
   * Gives each paused grant its saved status back, unless it was written since the quarantine
   * paused it: then it keeps its status now.
   */
  private Future<Void> settleAll(SqlConnection c, String practiceId, String actor, long now, List<Saved> open,
      Map<String, Current> current, List<String> settled, List<String> restored) {
    Future<Void> done = Future.succeededFuture();
    for (Saved hold : open) {
      Current now0 = current.get(hold.clientId());
      boolean untouched = now0 != null && now0.revision() == hold.revision();
      GrantStatus result = untouched ? hold.status() : now0 == null ? null : now0.status();
      Quarantine.Outcome outcome = untouched ? Quarantine.Outcome.RESTORED : Quarantine.Outcome.KEPT;
      if (untouched && now0.status() != hold.status()) {
        done = done.compose(v -> GrantStore.setStatus(c, practiceId, hold.clientId(), hold.status(), now0.revision() + 1))
            .compose(v -> changes.publish(c, ChangeStore.GRANT, practiceId + "/" + hold.clientId()));
        restored.add(hold.clientId());
      }
      done = done.compose(v -> Sql.update(c, "UPDATE quarantine_grants SET outcome = ?, settled_status = ?, settled_by = ?, "
              + "settled_at_ms = ? WHERE practice_id = ? AND client_id = ?",
          Tuple.of(outcome.wire(), result == null ? null : result.wire(), actor, now, practiceId, hold.clientId())))
          .mapEmpty();
      settled.add(hold.clientId());
    }
    return done;
  }

  private Future<Void> auditStart(String practiceId, String actor, List<Current> before, Started started) {
    JsonObject statuses = new JsonObject();
    before.forEach(g -> statuses.put(g.clientId(), g.status().wire()));
    JsonArray paused = new JsonArray();
    started.quarantine().paused().forEach(h -> paused.add(h.clientId()));
    Future<Long> noted = audit.append(AuditRecord.admin(practiceId, actor, "practice.quarantine",
        new JsonObject().put("grants", statuses),
        new JsonObject().put("reason", started.quarantine().reason()).put("paused", paused)
            .put("agentKeyRotated", started.agentKey().isPresent()).put("pairingCodesVoided", started.pairingCodesVoided())));
    return started.agentKey().isEmpty() ? noted.mapEmpty() : noted.compose(seq -> audit.append(AuditRecord.admin(practiceId,
        actor, "practice.rotate-key", null, new JsonObject().put("reason", "quarantine")))).mapEmpty();
  }

  private Future<Void> auditResume(String practiceId, String actor, String clientId, boolean ended, Resumed resumed) {
    if (resumed.settled().isEmpty() && !ended) {
      return Future.succeededFuture(); // nothing changed: that one was resumed already
    }
    JsonArray list = new JsonArray();
    resumed.settled().forEach(h -> list.add(new JsonObject().put("clientId", h.clientId()).put("outcome", h.outcome().wire())
        .put("status", h.settledStatus() == null ? null : h.settledStatus().wire())));
    JsonObject after = new JsonObject().put("integrations", list).put("quarantineEnded", ended);
    if (clientId != null) {
      after.put("clientId", clientId);
    }
    return audit.append(AuditRecord.admin(practiceId, actor, "practice.resume", null, after)).mapEmpty();
  }

  static Future<Optional<Quarantine>> find(SqlConnection c, String practiceId) {
    return Sql.first(c, "SELECT " + QUARANTINE_COLUMNS + " FROM quarantines WHERE practice_id = ?", Tuple.of(practiceId),
            row -> row)
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<Quarantine>empty())
            : Sql.list(c, "SELECT h.client_id, i.name, h.saved_status, h.outcome, h.settled_status, h.settled_by, "
                    + "h.settled_at_ms, g.status, g.revision, h.revision FROM quarantine_grants h "
                    + "LEFT JOIN grants g ON g.practice_id = h.practice_id AND g.client_id = h.client_id "
                    + "LEFT JOIN integrators i ON i.client_id = h.client_id WHERE h.practice_id = ?",
                Tuple.of(practiceId), QuarantineStore::hold)
                .map(holds -> {
                  List<Quarantine.Hold> sorted = new ArrayList<>(holds);
                  sorted.sort(Comparator.comparing((Quarantine.Hold h) -> h.name() == null ? "" : h.name())
                      .thenComparing(Quarantine.Hold::clientId));
                  Row q = found.get();
                  return Optional.of(new Quarantine(q.getString(0), q.getString(1), q.getString(2), q.getLong(3),
                      q.getBoolean(4), q.getString(5), q.getLong(6), List.copyOf(sorted)));
                }));
  }

  private static Quarantine.Hold hold(Row row) {
    String now = row.getString(7);
    Long revision = row.getLong(8);
    return new Quarantine.Hold(row.getString(0), row.getString(1), GrantStatus.fromWire(row.getString(2)),
        Quarantine.Outcome.fromWire(row.getString(3)), status(row.getString(4)), row.getString(5), row.getLong(6),
        status(now), revision == null || revision.longValue() != row.getLong(9));
  }

  private static GrantStatus status(String wire) {
    return wire == null ? null : GrantStatus.fromWire(wire);
  }

  private static Current current(Row row) {
    return new Current(row.getString(0), GrantStatus.fromWire(row.getString(1)), row.getLong(2));
  }

  private static Saved saved(Row row) {
    return new Saved(row.getString(0), GrantStatus.fromWire(row.getString(1)), row.getLong(2),
        Quarantine.Outcome.fromWire(row.getString(3)));
  }
}
