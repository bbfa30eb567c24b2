package com.pmsrelay.cloud.webhook;

import com.pmsrelay.cloud.keys.SealingKeys;
import com.pmsrelay.cloud.store.Database;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.SqlResult;
import io.vertx.sqlclient.Tuple;
import java.security.GeneralSecurityException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The {@code webhooks} and {@code webhook_deliveries} tables (V12): each integrator's endpoint with
 * its signing secret sealed under the master key, and the outbox of notices with their delivery
 * state. Several nodes share the outbox: a node sends a notice only after it leased it
 * to it with a conditional UPDATE ({@link #lease}), and records the outcome only while it still holds that lease.
 */
public final class WebhookStore {
  /** The last status of a notice given up unsent because its integrator or grant stayed paused. */
  public static final String PAUSED = "paused";

  /** An integrator's endpoint; the secret stays sealed until {@link #secret} opens it to sign. */
  public record Webhook(String clientId, String url, long createdAtMs, long secretSetAtMs, String secretSealed) {
    @Override
    public String toString() {
      return "Webhook[" + clientId + "]"; // neither the URL (it may carry a token) nor the sealed secret
    }
  }

  /** What setting the webhook answers once: the new secret in plain, and the webhook it replaced (if any). */
  public record Setting(Webhook webhook, String secret, Optional<Webhook> before) {
    @Override
    public String toString() {
      return "Setting[" + webhook + "]";
    }
  }

  private static final String DELIVERY_COLUMNS = "seq, delivery_id, client_id, registration_id, result_id, changed_at_ms, "
      + "created_at_ms, state, attempts, next_attempt_at_ms, last_attempt_at_ms, last_status, lease_token";

  private final Database db;
  private final SealingKeys sealing;

  public WebhookStore(Database db, SealingKeys sealing) {
    this.db = db;
    this.sealing = sealing;
  }

  /**
   * Sets the integrator's webhook to {@code url} with a new secret (a rotation when one was set:
   * the old secret signs nothing from now on). Two requests at once: the one committed last wins.
   */
  public Future<Setting> put(String clientId, String url, long nowMs) {
    return putOnce(clientId, url, nowMs).recover(e -> putOnce(clientId, url, nowMs)); // lost an insert race: update
  }

  private Future<Setting> putOnce(String clientId, String url, long nowMs) {
    String secret = WebhookSignature.newSecret();
    String sealed = sealing.sealText(context(clientId), secret);
    return db.transaction(c -> list(c, "SELECT client_id, url, created_at_ms, secret_set_at_ms, secret_sealed FROM webhooks "
            + "WHERE client_id = ? FOR UPDATE", Tuple.of(clientId), WebhookStore::webhook)
        .compose(found -> {
          Optional<Webhook> before = found.stream().findFirst();
          long createdAt = before.map(Webhook::createdAtMs).orElse(nowMs);
          Future<Integer> written = before.isPresent()
              ? update(c, "UPDATE webhooks SET url = ?, secret_sealed = ?, secret_set_at_ms = ? WHERE client_id = ?",
                  Tuple.of(url, sealed, nowMs, clientId))
              : update(c, "INSERT INTO webhooks (client_id, url, secret_sealed, created_at_ms, secret_set_at_ms) "
                  + "VALUES (?, ?, ?, ?, ?)", Tuple.of(clientId, url, sealed, nowMs, nowMs));
          return written.map(n -> new Setting(new Webhook(clientId, url, createdAt, nowMs, sealed), secret, before));
        }));
  }

  public Future<Optional<Webhook>> find(String clientId) {
    return db.first("SELECT client_id, url, created_at_ms, secret_set_at_ms, secret_sealed FROM webhooks WHERE client_id = ?",
        Tuple.of(clientId), WebhookStore::webhook);
  }

  /** The webhook's signing secret, opened; fails if it was sealed under a master key this node lacks. */
  public String secret(Webhook webhook) throws GeneralSecurityException {
    return sealing.openText(context(webhook.clientId()), webhook.secretSealed());
  }

  /**
   * Removes the integrator's webhook and drops its pending notices (recorded as {@code dropped},
   * {@code webhook_deleted}); answers the webhook removed, or empty when none was set.
   */
  public Future<Optional<Webhook>> delete(String clientId, long nowMs) {
    return db.transaction(c -> list(c, "SELECT client_id, url, created_at_ms, secret_set_at_ms, secret_sealed FROM webhooks "
            + "WHERE client_id = ? FOR UPDATE", Tuple.of(clientId), WebhookStore::webhook)
        .compose(found -> found.isEmpty() ? Future.succeededFuture(Optional.<Webhook>empty())
            : update(c, "DELETE FROM webhooks WHERE client_id = ?", Tuple.of(clientId))
                .compose(n -> update(c, "UPDATE webhook_deliveries SET state = ?, last_status = ?, last_attempt_at_ms = "
                        + "COALESCE(last_attempt_at_ms, ?), lease_token = NULL, lease_until_ms = NULL "
                        + "WHERE client_id = ? AND state = ?",
                    Tuple.of(Delivery.DROPPED, "webhook_deleted", nowMs, clientId, Delivery.PENDING)))
                .map(n -> Optional.of(found.get(0)))));
  }

  /**
   * Keeps a notice: pending and due at once when the integrator has a webhook, otherwise recorded
   * as {@code dropped} ({@code webhook_not_set}), so that the integrator sees it was not sent.
   */
  public Future<Delivery> enqueue(String clientId, String registrationId, String resultId, long changedAtMs, long nowMs) {
    String id = UUID.randomUUID().toString();
    return db.transaction(c -> list(c, "SELECT 1 FROM webhooks WHERE client_id = ?", Tuple.of(clientId), row -> true)
        .compose(hook -> {
          boolean set = !hook.isEmpty();
          return update(c, "INSERT INTO webhook_deliveries (delivery_id, client_id, registration_id, result_id, changed_at_ms, "
                  + "created_at_ms, state, attempts, next_attempt_at_ms, last_status) VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)",
              Tuple.of(id, clientId, registrationId, resultId, changedAtMs, nowMs, set ? Delivery.PENDING : Delivery.DROPPED,
                  set ? nowMs : null, set ? null : "webhook_not_set"))
              .compose(n -> list(c, "SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries WHERE delivery_id = ?",
                  Tuple.of(id), WebhookStore::delivery))
              .map(rows -> rows.get(0));
        }));
  }

  /**
   * Due notices, oldest due first, at most {@code perIntegrator} of any one integrator (so that one
   * integrator's backlog does not fill the list), each the earliest pending notice of its
   * registration (a later one waits until the earlier is delivered or given up), none leased now.
   * Notices of a blocked integrator, or of a registration whose grant is not enabled (disabled,
   * blocked, paused by a quarantine or the monitor), are not due: they wait, and go once it is
   * enabled again, or are given up at their maximum age ({@link #giveUpOlderThan}).
   * Read without locks: {@link #lease} takes each.
   */
  public Future<List<Delivery>> due(long nowMs, int perIntegrator, int limit) {
    String candidates = "SELECT " + DELIVERY_COLUMNS + " FROM (SELECT " + DELIVERY_COLUMNS + ", ROW_NUMBER() OVER "
        + "(PARTITION BY client_id ORDER BY next_attempt_at_ms, seq) AS rank_in_client FROM webhook_deliveries d "
        + "WHERE d.state = ? AND d.next_attempt_at_ms <= ? AND (d.lease_until_ms IS NULL OR d.lease_until_ms < ?) "
        + "AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e WHERE e.client_id = d.client_id "
        + "AND e.registration_id = d.registration_id AND e.state = ? AND e.seq < d.seq) "
        + "AND NOT EXISTS (SELECT 1 FROM integrators i WHERE i.client_id = d.client_id AND i.status = 'blocked') "
        + "AND NOT EXISTS (SELECT 1 FROM registered_queries r JOIN grants g ON g.practice_id = r.practice_id "
        + "AND g.client_id = r.client_id WHERE r.registration_id = d.registration_id AND g.status <> 'enabled')) due "
        + "WHERE rank_in_client <= ? ORDER BY next_attempt_at_ms, seq LIMIT ?";
    return db.list(candidates, Tuple.of(Delivery.PENDING, nowMs, nowMs, Delivery.PENDING, perIntegrator, limit),
        WebhookStore::delivery);
  }

  /**
   * Leases a due notice to the caller for {@code leaseMs}: a conditional UPDATE that finds the
   * lease free, so of nodes trying at once one alone gets it. Answers the notice with its lease
   * token, or empty when another node leased it first or it is no longer pending.
   */
  public Future<Optional<Delivery>> lease(Delivery due, long nowMs, long leaseMs) {
    String token = UUID.randomUUID().toString();
    return db.update("UPDATE webhook_deliveries SET lease_token = ?, lease_until_ms = ? "
            + "WHERE seq = ? AND state = ? AND (lease_until_ms IS NULL OR lease_until_ms < ?)",
        Tuple.of(token, nowMs + leaseMs, due.seq(), Delivery.PENDING, nowMs))
        .map(updated -> updated == 1 ? Optional.of(leased(due, token)) : Optional.empty());
  }

  /**
   * Records an attempt's outcome while the lease is still the caller's: {@code state} and, for a
   * notice still pending, when to try again. False when the lease was lost (expired and taken by
   * another node) or the notice dropped meanwhile: nothing is written.
   */
  public Future<Boolean> finish(Delivery leased, String state, long attemptAtMs, String lastStatus, Long nextAttemptAtMs) {
    return db.update("UPDATE webhook_deliveries SET state = ?, attempts = attempts + 1, last_attempt_at_ms = ?, "
            + "last_status = ?, next_attempt_at_ms = ?, lease_token = NULL, lease_until_ms = NULL "
            + "WHERE seq = ? AND lease_token = ? AND state = ?",
        Tuple.of(state, attemptAtMs, lastStatus, nextAttemptAtMs, leased.seq(), leased.leaseToken(), Delivery.PENDING))
        .map(n -> n == 1);
  }

  /** The integrator's most recent notices, newest first. */
  public Future<List<Delivery>> recent(String clientId, int limit) {
    return db.list("SELECT " + DELIVERY_COLUMNS + " FROM webhook_deliveries WHERE client_id = ? ORDER BY seq DESC LIMIT ?",
        Tuple.of(clientId, limit), WebhookStore::delivery);
  }

  /** Removes settled notices (delivered, failed, dropped) announced before {@code beforeMs}; answers how many. */
  /**
   * Gives up the pending notices announced before {@code beforeMs} that no node is sending now
   * ({@code failed}, last status {@value #PAUSED}): those held back while their integrator was
   * blocked or their grant not enabled (a notice being retried is given up by its own attempt).
   */
  public Future<Integer> giveUpOlderThan(long beforeMs, long nowMs) {
    return db.update("UPDATE webhook_deliveries SET state = ?, last_status = ?, next_attempt_at_ms = NULL "
        + "WHERE state = ? AND created_at_ms < ? AND (lease_until_ms IS NULL OR lease_until_ms < ?)",
        Tuple.of(Delivery.FAILED, PAUSED, Delivery.PENDING, beforeMs, nowMs));
  }

  public Future<Integer> purge(long beforeMs) {
    return db.update("DELETE FROM webhook_deliveries WHERE state <> ? AND created_at_ms < ?",
        Tuple.of(Delivery.PENDING, beforeMs));
  }

  private static Delivery leased(Delivery d, String token) {
    return new Delivery(d.seq(), d.deliveryId(), d.clientId(), d.registrationId(), d.resultId(), d.changedAtMs(),
        d.createdAtMs(), d.state(), d.attempts(), d.nextAttemptAtMs(), d.lastAttemptAtMs(), d.lastStatus(), token);
  }

  private static Webhook webhook(Row row) {
    return new Webhook(row.getString(0), row.getString(1), row.getLong(2), row.getLong(3), row.getString(4));
  }

  private static Delivery delivery(Row row) {
    return new Delivery(row.getLong(0), row.getString(1), row.getString(2), row.getString(3), row.getString(4),
        row.getLong(5), row.getLong(6), row.getString(7), row.getInteger(8), row.getLong(9), row.getLong(10),
        row.getString(11), row.getString(12));
  }

  /** Binds a sealed secret to its integrator: copied to another row, it does not open. */
  private static String context(String clientId) {
    return "webhook-secret:" + clientId;
  }

  private static <T> Future<List<T>> list(SqlConnection c, String sql, Tuple args, java.util.function.Function<Row, T> mapper) {
    return c.preparedQuery(sql).collecting(Collectors.mapping(mapper, Collectors.toList())).execute(args)
        .map(SqlResult::value);
  }

  private static Future<Integer> update(SqlConnection c, String sql, Tuple args) {
    return c.preparedQuery(sql).execute(args).map(SqlResult::rowCount);
  }
}
