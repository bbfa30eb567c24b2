package com.pmsrelay.cloud.operator;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.Integrator;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.cloud.store.Practice;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.Quarantine;
import com.pmsrelay.cloud.store.QuarantineStore;
import com.pmsrelay.cloud.store.SignedHeadStore;
import com.pmsrelay.cloud.store.SigningKeyStore;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.cloud.webhook.WebhookStore;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * What the operator's commands do, against the control store: one implementation, run by the
 * {@code admin} command line on the store it opens, and by a running cloud node for its operator
 * API on its own stores. Secrets are printed once, at creation or rotation, and never stored in the
 * clear. Every change is written to the audit log as the operator's action.
 */
public final class Operations {
  static final String OPERATOR = "operator";
  static final long PAIRING_TTL_MS = 15 * 60 * 1000;
  /**
   * Records unsigned for longer than two signing intervals and this are flagged (not failed): a
   * running node signs every interval, at start and at stop, so only removed signed heads, a node
   * that cannot reach the store, or no node at all since leave them so.
   */
  static final long UNSIGNED_SLACK_MS = 15 * 60 * 1000;
  /** The node's settings the commands read: when an agent counts as silent, how often heads are signed. */
  public record Settings(Duration heartbeatTimeout, long signEveryMs) {}

  private final PrintStream out;
  private final Stores stores;
  private final PracticeStore practices;
  private final IntegratorStore integrators;
  private final GrantStore grants;
  private final AuditStore audit;
  private final ChangeStore changes;
  private final PairingStore pairings;
  private final SigningKeyStore signingKeys;
  private final SignedHeadStore signedHeads;
  private final QuarantineStore quarantines;
  private final com.pmsrelay.cloud.store.AlertStore alerts;
  private final WebhookStore webhooks;
  private final Duration heartbeatTimeout;
  private final long unsignedOverdueMs;
  /** The audit chains this command appended to: their heads are signed before it ends. */
  private final java.util.Set<String> appendedTo = new java.util.TreeSet<>();

  public Operations(PrintStream out, Stores stores, WebhookStore webhooks, Settings settings) {
    this.out = out;
    this.stores = stores;
    this.webhooks = webhooks;
    this.unsignedOverdueMs = 2 * settings.signEveryMs() + UNSIGNED_SLACK_MS;
    this.practices = stores.practices();
    this.integrators = stores.integrators();
    this.grants = stores.grants();
    this.audit = stores.audit();
    this.changes = stores.changes();
    this.pairings = stores.pairings();
    this.signingKeys = stores.signingKeys();
    this.signedHeads = stores.signedHeads();
    this.quarantines = stores.quarantines();
    this.alerts = stores.alerts();
    this.heartbeatTimeout = settings.heartbeatTimeout();
  }

  /** Where the commands print. */
  PrintStream out() {
    return out;
  }

  /** The stores, for commands that keep their own logic (releases). */
  Stores stores() {
    return stores;
  }

  /**
   * Signs the heads of the audit chains the command appended to: no node may be running to sign
   * them, so the operator's own records are signed at once.
   */
  void signAppended(PrintStream err) {
    if (!appendedTo.isEmpty()) {
      signedHeads.sign(appendedTo).onFailure(e -> err.println("pms-relay admin: the audit heads were not signed now ("
          + e + "); a cloud node signs them when it runs")).otherwiseEmpty().await();
    }
  }

  void createPractice(String name) {
    PracticeStore.Created created = practices.create(name).await();
    note(created.practiceId(), "practice.create", null, new JsonObject().put("name", name));
    out.println("practice  " + created.practiceId() + "  " + name);
    out.println("agent key " + created.agentKey());
    out.println("Store the agent key in the practice's agent.json (agentKey) now: it is not shown again.");
  }

  void listPractices() {
    for (Practice p : practices.list().await()) {
      out.printf("%s  %-40s  agent %s%n", p.practiceId(), p.name(), status(p));
    }
  }

  void rotateAgentKey(String practiceId) {
    String key = practices.rotateAgentKey(practiceId).await()
        .orElseThrow(() -> new IllegalArgumentException("no practice " + practiceId));
    note(practiceId, "practice.rotate-key", null, null);
    changes.publish(ChangeStore.AGENT_KEY, practiceId).await();
    out.println("agent key " + key);
    out.println("Install it in the practice's agent.json (agentKey) and restart the agent: the old key no longer works.");
  }

  void quarantine(String practiceId, String reason, boolean rotateKey) {
    if (reason.isBlank() || reason.length() > QuarantineStore.MAX_REASON_CHARS) {
      throw new IllegalArgumentException("--reason must say why, in at most " + QuarantineStore.MAX_REASON_CHARS
          + " characters");
    }
    appendedTo.add(practiceId); // the store audits it in the practice's chain
    QuarantineStore.Started started = refusable(() -> quarantines.quarantine(practiceId, OPERATOR, reason.strip(), rotateKey)
        .await());
    Quarantine q = started.quarantine();
    out.println("practice " + practiceId + " quarantined at " + java.time.Instant.ofEpochMilli(q.startedAtMs())
        + " by " + OPERATOR + ": " + q.reason());
    for (Quarantine.Hold h : q.holds()) {
      out.printf("  %-9s  %s  %s  (%s before)%n", h.outcome() == Quarantine.Outcome.PAUSED ? "paused" : "unchanged",
          h.clientId(), h.name() == null ? "" : h.name(), h.saved().wire());
    }
    out.println(q.paused().size() + " integration(s) paused: their queries get 403 integration_disabled; "
        + started.pairingCodesVoided() + " unused pairing code(s) voided.");
    started.agentKey().ifPresent(key -> {
      out.println("agent key " + key);
      out.println(String.join("\n",
          "The old key no longer works: its agent was disconnected and is refused. This key is not shown again.",
          "Put it on the practice server:",
          "  1. In the agent's settings file, /etc/pms-relay/agent.json on Linux or",
          "     C:\\ProgramData\\pms-relay\\agent.json on Windows (as an administrator), set \"agentKey\" to it.",
          "     If the key is set in the environment instead (PMSRELAY_AGENT_KEY, e.g. in a systemd drop-in or the",
          "     service's environment), change it there: the environment wins over the file.",
          "  2. Restart the agent: sudo systemctl restart pms-relay-agent (Linux);",
          "     Restart-Service PmsRelayAgent in an elevated PowerShell (Windows).",
          "  3. Check that it connects: admin agents shows the practice online."));
    });
    out.println("Resume with: admin practice resume " + practiceId + " [--integrator CLIENT_ID]");
  }

  void resume(String practiceId, String clientId) {
    appendedTo.add(practiceId); // the store audits it in the practice's chain
    QuarantineStore.Resumed resumed = refusable(() -> quarantines.resume(practiceId, OPERATOR, clientId).await());
    if (resumed.settled().isEmpty() && clientId != null) {
      out.println(clientId + " was resumed already");
    }
    for (Quarantine.Hold h : resumed.settled()) {
      String now = h.settledStatus() == null ? "no grant" : h.settledStatus().wire();
      out.println(h.outcome() == Quarantine.Outcome.RESTORED
          ? "restored  " + h.clientId() + "  " + now + " (as before the quarantine)"
          : "kept      " + h.clientId() + "  " + now + " (changed during the quarantine; before it: " + h.saved().wire() + ")");
    }
    Quarantine q = resumed.quarantine();
    out.println(q.active() ? "practice " + practiceId + " is still quarantined: " + q.paused().size()
        + " integration(s) paused" : "practice " + practiceId + " is no longer quarantined");
  }

  /** A refusal of the store (unknown practice, not quarantined, ...) as a usage error, with its reason. */
  private static <T> T refusable(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (RelayException e) {
      throw new IllegalArgumentException(e.detail());
    }
  }

  void createIntegrator(String name) {
    // The store's webhook_url column is unused: integrators set their webhook themselves (PUT /v1/webhook).
    IntegratorStore.Created created = integrators.create(name, null).await();
    note(AuditRecord.NO_PRACTICE, "integrator.create", null, new JsonObject().put("clientId", created.clientId()).put("name", name));
    out.println("client id     " + created.clientId() + "  " + name);
    out.println("client secret " + created.clientSecret());
    out.println("Give the secret to the integrator now: it is not shown again.");
  }

  void listIntegrators() {
    for (Integrator i : integrators.list().await()) {
      out.printf("%s  %-40s  %s%n", i.clientId(), i.name(), i.blocked() ? "BLOCKED" : "active");
    }
  }

  void block(String clientId, boolean blocked) {
    if (!integrators.setBlocked(clientId, blocked).await()) {
      throw new IllegalArgumentException("no integrator " + clientId);
    }
    changes.publish(ChangeStore.INTEGRATOR, clientId).await();
    note(AuditRecord.NO_PRACTICE, blocked ? "integrator.block" : "integrator.unblock",
        new JsonObject().put("clientId", clientId).put("blocked", !blocked),
        new JsonObject().put("clientId", clientId).put("blocked", blocked));
    out.println(clientId + (blocked ? " blocked everywhere" : " unblocked"));
  }

  void rotateSecret(String clientId) {
    String secret = integrators.rotateSecret(clientId).await()
        .orElseThrow(() -> new IllegalArgumentException("no integrator " + clientId));
    note(AuditRecord.NO_PRACTICE, "integrator.rotate-secret", null, new JsonObject().put("clientId", clientId));
    out.println("client secret " + secret);
    out.println("Give it to the integrator now: it is not shown again; the old secret no longer works.");
  }

  void grant(String practiceId, String clientId, String status, GrantLimits limits) {
    GrantStatus next;
    try {
      next = GrantStatus.fromWire(status);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("status must be pending, enabled, disabled or blocked");
    }
    if (practices.find(practiceId).await().isEmpty() || integrators.find(clientId).await().isEmpty()) {
      throw new IllegalArgumentException("no such practice or integrator (admin practice list, admin integrator list)");
    }
    Optional<Grant> before = grants.find(practiceId, clientId).await();
    // A new grant starts from the documented defaults, an existing one from what it holds: only what is given changes.
    Grant grant = limits.applyTo(before.map(g -> new Grant(g.practiceId(), g.clientId(), next, g.scopes(), g.maxRows(),
        g.maxTimeoutMs(), g.maxQueueTimeoutMs(), g.ratePerMinute(), g.weight()))
        .orElse(Grant.withDefaults(practiceId, clientId, next)));
    grants.put(grant).await();
    changes.publish(ChangeStore.GRANT, practiceId + "/" + clientId).await();
    note(practiceId, "grant." + next.wire(), before.map(Grant::toJson).orElse(null), grant.toJson().put("clientId", clientId));
    out.println(clientId + " at " + practiceId + ": " + next.wire());
    out.println("  scopes " + (grant.scopes().isEmpty() ? "all tables and views (no restriction)"
        : String.join(", ", grant.scopes().stream().map(String::valueOf).toList())));
    out.println("  limits maxRows " + grant.maxRows() + ", maxTimeoutMs " + grant.maxTimeoutMs() + ", maxQueueTimeoutMs "
        + grant.maxQueueTimeoutMs() + ", ratePerMinute " + grant.ratePerMinute() + ", weight " + grant.weight());
  }

  void createPairing(String practiceId, String clientId) {
    if (practices.find(practiceId).await().isEmpty() || integrators.find(clientId).await().isEmpty()) {
      throw new IllegalArgumentException("no such practice or integrator");
    }
    PairingStore.Code code = pairings.create(practiceId, clientId, OPERATOR, PAIRING_TTL_MS).await();
    note(practiceId, "pairing.create", null, new JsonObject().put("clientId", clientId));
    out.println("pairing code " + code.code() + "  (for " + clientId + ", valid until "
        + java.time.Instant.ofEpochMilli(code.expiresAtMs()) + ", once)");
  }

  void rotateSigningKey() {
    String kid = TokenService.rotate(signingKeys).await();
    changes.publish(ChangeStore.SIGNING_KEYS, kid).await();
    note(AuditRecord.NO_PRACTICE, "jwt.rotate", null, new JsonObject().put("kid", kid));
    out.println("new signing key " + kid);
    out.println("Tokens signed by the previous key stay valid until they expire.");
  }

  void listAgents() {
    for (Practice p : practices.list().await()) {
      out.printf("%s  %-40s  %-11s  agent %-8s  pms %s  last seen %s%n", p.practiceId(), p.name(), status(p),
          p.agentVersion() == null ? "-" : p.agentVersion(), p.pmsVersion() == null ? "-" : p.pmsVersion(),
          p.agentLastSeen() == null ? "never" : p.agentLastSeen().toInstant());
    }
  }

  /** The most alerts one listing prints. */
  static final int MAX_ALERTS = 1_000;

  /**
   * One line per alert, newest first: time, alert id, practice, integrator (- for the practice's
   * agent), rule, paused or not, who acknowledged it (or OPEN), and the figures that tripped it.
   */
  void listAlerts(String practiceId, boolean unacknowledgedOnly) {
    if (practiceId != null && practices.find(practiceId).await().isEmpty()) {
      throw new IllegalArgumentException("no practice " + practiceId);
    }
    List<com.pmsrelay.cloud.store.Alert> found = alerts.list(practiceId, unacknowledgedOnly, MAX_ALERTS).await();
    for (com.pmsrelay.cloud.store.Alert a : found) {
      out.printf("%s  %s  %s  %-36s  %-13s  %-6s  %s  %s%n", java.time.Instant.ofEpochMilli(a.atMs()), a.alertId(),
          a.practiceId(), a.clientId() == null ? "-" : a.clientId(), a.rule(), a.paused() ? "paused" : "-",
          a.acknowledged() ? "acknowledged by " + a.acknowledgedBy() : "OPEN", a.figures().encode());
    }
    out.println(found.size() + (found.size() == 1 ? " alert" : " alerts") + (unacknowledgedOnly ? " unacknowledged" : ""));
  }

  /** The operator's view of one integrator's webhook: what the integrator sees at GET /v1/webhook(/deliveries). */
  void listWebhookDeliveries(String clientId, int limit) {
    if (limit < 1 || limit > 500) {
      throw new IllegalArgumentException("--limit must be a whole number from 1 to 500");
    }
    if (integrators.find(clientId).await().isEmpty()) {
      throw new IllegalArgumentException("no integrator " + clientId);
    }
    java.util.Optional<com.pmsrelay.cloud.webhook.WebhookStore.Webhook> hook = webhooks.find(clientId).await();
    out.println(hook.map(h -> "webhook " + h.url() + "  set " + java.time.Instant.ofEpochMilli(h.createdAtMs())
        + "  secret made " + java.time.Instant.ofEpochMilli(h.secretSetAtMs())).orElse("no webhook set"));
    List<com.pmsrelay.cloud.webhook.Delivery> found = webhooks.recent(clientId, limit).await();
    for (com.pmsrelay.cloud.webhook.Delivery d : found) {
      out.printf("%s  %s  %-9s  %2d attempt(s)  last %s (%s)  next %s  registration %s  result %s%n",
          java.time.Instant.ofEpochMilli(d.createdAtMs()), d.deliveryId(), d.state(), d.attempts(),
          d.lastStatus() == null ? "-" : d.lastStatus(),
          d.lastAttemptAtMs() == null ? "-" : java.time.Instant.ofEpochMilli(d.lastAttemptAtMs()),
          com.pmsrelay.cloud.webhook.Delivery.PENDING.equals(d.state()) && d.nextAttemptAtMs() != null
              ? java.time.Instant.ofEpochMilli(d.nextAttemptAtMs()) : "-",
          d.registrationId(), d.resultId());
    }
    out.println(found.size() + (found.size() == 1 ? " delivery" : " deliveries"));
  }

  int verifyAudit() {
    AuditStore.Verification v = audit.verify().await();
    if (v.intact()) {
      out.println("audit log intact: " + v.records() + " records verified");
    } else {
      out.println("audit log BROKEN in chain " + v.chain() + " at record " + v.seq() + ": " + v.problem());
    }
    SignedHeadStore.Verification signed = signedHeads.verify().await();
    out.println("signed heads: " + signed.checked() + " checked with Ed25519 key " + signedHeads.keys().current().id()
        + (signed.unverifiable() > 0 ? "; " + signed.unverifiable() + " under a key this node does not have"
            + " (keys.previous dropped?), vouched for only by later heads that link to them" : ""));
    for (SignedHeadStore.Broken broken : signed.broken()) {
      out.println("audit log BROKEN in chain " + broken.chain() + " at signed position " + broken.position() + ": "
          + broken.problem());
    }
    long now = System.currentTimeMillis();
    for (SignedHeadStore.Unsigned tail : signed.unsigned()) {
      boolean overdue = tail.oldestAtMs() != null && tail.oldestAtMs() < now - unsignedOverdueMs;
      out.println("chain " + tail.chain() + ": " + tail.records() + " record(s) " + (tail.afterPosition() == 0
          ? "never signed" : "after signed position " + tail.afterPosition() + " not yet signed")
          + (tail.oldestAtMs() == null ? "" : " (oldest written " + java.time.Instant.ofEpochMilli(tail.oldestAtMs()) + ")")
          + (overdue ? "; longer ago than signing allows: were its latest signed heads removed, or has no node run since?" : ""));
    }
    return v.intact() && signed.intact() ? 0 : 1;
  }

  private String status(Practice p) {
    if (!p.agentConnected()) {
      return "offline";
    }
    return p.agentLastSeen() != null && p.agentLastSeen().isAfter(OffsetDateTime.now().minus(heartbeatTimeout))
        ? "online" : "unreachable";
  }

  void note(String chain, String action, JsonObject before, JsonObject after) {
    audit.append(AuditRecord.admin(chain, OPERATOR, action, before, after)).await();
    appendedTo.add(chain);
  }

}
