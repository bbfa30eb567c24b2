package com.pmsrelay.admin;

import com.pmsrelay.cloud.auth.TokenService;
import com.pmsrelay.cloud.config.CloudConfig;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.cloud.store.AuditRecord;
import com.pmsrelay.cloud.store.AuditStore;
import com.pmsrelay.cloud.store.ChangeStore;
import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.Grant;
import com.pmsrelay.cloud.store.GrantStatus;
import com.pmsrelay.cloud.store.GrantStore;
import com.pmsrelay.cloud.store.Integrator;
import com.pmsrelay.cloud.store.IntegratorStore;
import com.pmsrelay.cloud.store.PairingStore;
import com.pmsrelay.cloud.store.Practice;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.SignedHeadStore;
import com.pmsrelay.cloud.store.Quarantine;
import com.pmsrelay.cloud.store.QuarantineStore;
import com.pmsrelay.cloud.store.SigningKeyStore;
import com.pmsrelay.cloud.store.Stores;
import com.pmsrelay.common.VertxRuntime;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.error.RelayException;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code java -jar pms-relay.jar admin …}: the operator's commands, run against the cloud's store
 * (the same {@code --config} as the cloud). Secrets are printed once, at creation or rotation, and
 * never stored in the clear. Every change is written to the audit log as the operator's action.
 */
public final class AdminCommands {
  static final String USAGE = String.join("\n",
      "usage: java -jar pms-relay.jar admin [--config cloud.json] <command>",
      "",
      "  practice create <name>                 new practice; prints its agent key once",
      "  practice list",
      "  practice rotate-key <practiceId>       new agent key (printed once); the old one stops working",
      "  practice quarantine <practiceId> --reason TEXT [--rotate-agent-key]",
      "                                         pauses every integration at once (and rotates the agent key)",
      "  practice resume <practiceId> [--integrator CLIENT_ID]",
      "                                         gives one integration (or all) back its status from before",
      "  integrator create <name> [--webhook URL]  new integrator; prints its client secret once",
      "  integrator list",
      "  integrator block <clientId>            blocked everywhere: its tokens stop working at once",
      "  integrator unblock <clientId>",
      "  integrator rotate-secret <clientId>    new client secret (printed once)",
      "  grant <practiceId> <clientId> <pending|enabled|disabled|blocked>",
      "  pairing create <practiceId> <clientId>  one-time pairing code for the integrator (15 minutes)",
      "  jwt rotate                             new token signing key; tokens of the previous one stay valid",
      "  agents                                 every practice's agent: status, version, last seen",
      "  audit-verify                           checks the audit log's hash chains and their signed heads; exit 1 if broken",
      "  alerts [--practice ID] [--unacknowledged]  the monitor's alerts of suspicious activity, newest first",
      "  webhooks <clientId> [--limit N]        the integrator's webhook (never its secret) and its recent deliveries",
      ReleaseCommands.USAGE);
  private static final String OPERATOR = "operator";
  static final long PAIRING_TTL_MS = 15 * 60 * 1000;
  /**
   * Records unsigned for longer than two signing intervals and this are flagged (not failed): a
   * running node signs every interval, at start and at stop, so only removed signed heads, a node
   * that cannot reach the store, or no node at all since leave them so.
   */
  static final long UNSIGNED_SLACK_MS = 15 * 60 * 1000;

  private final PrintStream out;
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
  private final Duration heartbeatTimeout;
  private final long unsignedOverdueMs;
  /** The audit chains this command appended to: their heads are signed before it ends. */
  private final java.util.Set<String> appendedTo = new java.util.TreeSet<>();

  private final com.pmsrelay.cloud.webhook.WebhookStore webhooks;
  /** Releases, the version policy and server moves. */
  private final ReleaseCommands releaseCommands;

  private AdminCommands(PrintStream out, Stores stores, com.pmsrelay.cloud.webhook.WebhookStore webhooks,
      Duration heartbeatTimeout, long signEveryMs) {
    this.webhooks = webhooks;
    this.unsignedOverdueMs = 2 * signEveryMs + UNSIGNED_SLACK_MS;
    this.out = out;
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
    this.heartbeatTimeout = heartbeatTimeout;
    this.releaseCommands = new ReleaseCommands(out, stores, this::note);
  }

  /** Runs one command; returns the process exit status. */
  public static int run(List<String> args, PrintStream out, PrintStream err) {
    List<String> words = new ArrayList<>(args);
    Path configFile = null;
    int config = words.indexOf("--config");
    if (config >= 0) {
      if (config + 1 >= words.size()) {
        err.println("pms-relay admin: --config needs a file");
        return 2;
      }
      configFile = Path.of(words.get(config + 1));
      words.remove(config + 1);
      words.remove(config);
    }
    if (words.isEmpty() || words.get(0).equals("help")) {
      out.println(USAGE);
      return words.isEmpty() ? 2 : 0;
    }
    if (ReleaseCommands.isKeygen(words)) {
      try {
        ReleaseCommands.keygen(out, Path.of(required(words, "--out")));
        return 0;
      } catch (IllegalArgumentException | java.io.IOException e) {
        err.println("pms-relay admin: " + e.getMessage());
        return 2;
      }
    }
    CloudConfig cloud = CloudConfig.from(ConfigLoader.load("cloud", configFile, System.getenv()));
    Vertx vertx = VertxRuntime.create();
    Database db = null;
    try {
      db = Database.open(vertx, cloud.store());
      // The node's master key: the keys at rest (client secrets' hashes, ...) are derived from it.
      MasterKey keys = MasterKey.load(cloud.keys(), cloud.dataDir());
      return new AdminCommands(out, Stores.over(db, keys), new com.pmsrelay.cloud.webhook.WebhookStore(db,
          keys.sealing(com.pmsrelay.cloud.keys.KeyPurposes.WEBHOOK_SECRETS)), Duration.ofMillis(cloud.bridge().heartbeatTimeoutMs()),
          cloud.auditSignEveryMs()).dispatch(words, err);
    } catch (IllegalArgumentException e) {
      err.println("pms-relay admin: " + e.getMessage());
      err.println(USAGE);
      return 2;
    } catch (java.io.IOException e) {
      err.println("pms-relay admin: cannot read or make the master key under " + cloud.dataDir() + ": " + e.getMessage());
      return 2;
    } finally {
      if (db != null) {
        db.close().await();
      }
      vertx.close().await();
    }
  }

  private int dispatch(List<String> w, PrintStream err) {
    String command = w.get(0) + (w.size() > 1 ? " " + w.get(1) : "");
    switch (w.get(0).equals("agents") ? "agents" : w.get(0).equals("audit-verify") ? "audit-verify"
        : w.get(0).equals("grant") ? "grant" : w.get(0).equals("alerts") ? "alerts"
        : w.get(0).equals("webhooks") ? "webhooks" : command) {
      case "practice create" -> createPractice(arg(w, 2, "name"));
      case "practice list" -> listPractices();
      case "practice rotate-key" -> rotateAgentKey(arg(w, 2, "practiceId"));
      case "practice quarantine" -> quarantine(arg(w, 2, "practiceId"), required(w, "--reason"),
          w.contains("--rotate-agent-key"));
      case "practice resume" -> resume(arg(w, 2, "practiceId"), option(w, "--integrator"));
      case "integrator create" -> createIntegrator(arg(w, 2, "name"), option(w, "--webhook"));
      case "integrator list" -> listIntegrators();
      case "integrator block" -> block(arg(w, 2, "clientId"), true);
      case "integrator unblock" -> block(arg(w, 2, "clientId"), false);
      case "integrator rotate-secret" -> rotateSecret(arg(w, 2, "clientId"));
      case "grant" -> grant(arg(w, 1, "practiceId"), arg(w, 2, "clientId"), arg(w, 3, "status"));
      case "pairing create" -> createPairing(arg(w, 2, "practiceId"), arg(w, 3, "clientId"));
      case "jwt rotate" -> rotateSigningKey();
      case "agents" -> listAgents();
      case "alerts" -> listAlerts(option(w, "--practice"), w.contains("--unacknowledged"));
      case "webhooks" -> listWebhookDeliveries(arg(w, 1, "clientId"), option(w, "--limit"));
      case "audit-verify" -> {
        return verifyAudit();
      }
      default -> {
        if (!releaseCommands.dispatch(w)) {
          throw new IllegalArgumentException("unknown command '" + String.join(" ", w) + "'");
        }
      }
    }
    if (!appendedTo.isEmpty()) {
      // No node may be running to sign them: the operator's own records are signed at once.
      signedHeads.sign(appendedTo).onFailure(e -> err.println("pms-relay admin: the audit heads were not signed now ("
          + e + "); a cloud node signs them when it runs")).otherwiseEmpty().await();
    }
    return 0;
  }

  private void createPractice(String name) {
    PracticeStore.Created created = practices.create(name).await();
    note(created.practiceId(), "practice.create", null, new JsonObject().put("name", name));
    out.println("practice  " + created.practiceId() + "  " + name);
    out.println("agent key " + created.agentKey());
    out.println("Store the agent key in the practice's agent.json (agentKey) now: it is not shown again.");
  }

  private void listPractices() {
    for (Practice p : practices.list().await()) {
      out.printf("%s  %-40s  agent %s%n", p.practiceId(), p.name(), status(p));
    }
  }

  private void rotateAgentKey(String practiceId) {
    String key = practices.rotateAgentKey(practiceId).await()
        .orElseThrow(() -> new IllegalArgumentException("no practice " + practiceId));
    note(practiceId, "practice.rotate-key", null, null);
    changes.publish(ChangeStore.AGENT_KEY, practiceId).await();
    out.println("agent key " + key);
    out.println("Install it in the practice's agent.json (agentKey) and restart the agent: the old key no longer works.");
  }

  private void quarantine(String practiceId, String reason, boolean rotateKey) {
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

  private void resume(String practiceId, String clientId) {
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

  private void createIntegrator(String name, String webhook) {
    IntegratorStore.Created created = integrators.create(name, webhook).await();
    note(AuditRecord.NO_PRACTICE, "integrator.create", null, new JsonObject().put("clientId", created.clientId()).put("name", name));
    out.println("client id     " + created.clientId() + "  " + name);
    out.println("client secret " + created.clientSecret());
    out.println("Give the secret to the integrator now: it is not shown again.");
  }

  private void listIntegrators() {
    for (Integrator i : integrators.list().await()) {
      out.printf("%s  %-40s  %s%n", i.clientId(), i.name(), i.blocked() ? "BLOCKED" : "active");
    }
  }

  private void block(String clientId, boolean blocked) {
    if (!integrators.setBlocked(clientId, blocked).await()) {
      throw new IllegalArgumentException("no integrator " + clientId);
    }
    changes.publish(ChangeStore.INTEGRATOR, clientId).await();
    note(AuditRecord.NO_PRACTICE, blocked ? "integrator.block" : "integrator.unblock",
        new JsonObject().put("clientId", clientId).put("blocked", !blocked),
        new JsonObject().put("clientId", clientId).put("blocked", blocked));
    out.println(clientId + (blocked ? " blocked everywhere" : " unblocked"));
  }

  private void rotateSecret(String clientId) {
    String secret = integrators.rotateSecret(clientId).await()
        .orElseThrow(() -> new IllegalArgumentException("no integrator " + clientId));
    note(AuditRecord.NO_PRACTICE, "integrator.rotate-secret", null, new JsonObject().put("clientId", clientId));
    out.println("client secret " + secret);
    out.println("Give it to the integrator now: it is not shown again; the old secret no longer works.");
  }

  private void grant(String practiceId, String clientId, String status) {
    GrantStatus next;
    try {
      next = GrantStatus.fromWire(status);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("status must be pending, enabled, disabled or blocked");
    }
    if (practices.find(practiceId).await().isEmpty() || integrators.find(clientId).await().isEmpty()) {
      throw new IllegalArgumentException("no such practice or integrator");
    }
    Optional<Grant> before = grants.find(practiceId, clientId).await();
    Grant grant = before.map(g -> new Grant(g.practiceId(), g.clientId(), next, g.scopes(), g.maxRows(),
        g.maxTimeoutMs(), g.maxQueueTimeoutMs(), g.ratePerMinute(), g.weight()))
        .orElse(Grant.withDefaults(practiceId, clientId, next));
    grants.put(grant).await();
    changes.publish(ChangeStore.GRANT, practiceId + "/" + clientId).await();
    note(practiceId, "grant." + next.wire(), before.map(Grant::toJson).orElse(null), grant.toJson().put("clientId", clientId));
    out.println(clientId + " at " + practiceId + ": " + next.wire());
  }

  private void createPairing(String practiceId, String clientId) {
    if (practices.find(practiceId).await().isEmpty() || integrators.find(clientId).await().isEmpty()) {
      throw new IllegalArgumentException("no such practice or integrator");
    }
    PairingStore.Code code = pairings.create(practiceId, clientId, OPERATOR, PAIRING_TTL_MS).await();
    note(practiceId, "pairing.create", null, new JsonObject().put("clientId", clientId));
    out.println("pairing code " + code.code() + "  (for " + clientId + ", valid until "
        + java.time.Instant.ofEpochMilli(code.expiresAtMs()) + ", once)");
  }

  private void rotateSigningKey() {
    String kid = TokenService.rotate(signingKeys).await();
    changes.publish(ChangeStore.SIGNING_KEYS, kid).await();
    note(AuditRecord.NO_PRACTICE, "jwt.rotate", null, new JsonObject().put("kid", kid));
    out.println("new signing key " + kid);
    out.println("Tokens signed by the previous key stay valid until they expire.");
  }

  private void listAgents() {
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
  private void listAlerts(String practiceId, boolean unacknowledgedOnly) {
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
  private void listWebhookDeliveries(String clientId, String limitText) {
    int limit;
    try {
      limit = limitText == null ? 50 : Integer.parseInt(limitText);
    } catch (NumberFormatException e) {
      limit = -1;
    }
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

  private int verifyAudit() {
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

  private void note(String chain, String action, JsonObject before, JsonObject after) {
    audit.append(AuditRecord.admin(chain, OPERATOR, action, before, after)).await();
    appendedTo.add(chain);
  }

  private static String arg(List<String> w, int index, String name) {
    if (index >= w.size() || w.get(index).startsWith("--")) {
      throw new IllegalArgumentException("missing <" + name + ">");
    }
    return w.get(index);
  }

  private static String required(List<String> w, String name) {
    String value = option(w, name);
    if (value == null) {
      throw new IllegalArgumentException("missing " + name);
    }
    return value;
  }

  private static String option(List<String> w, String name) {
    int i = w.indexOf(name);
    return i >= 0 && i + 1 < w.size() ? w.get(i + 1) : null;
  }

}
