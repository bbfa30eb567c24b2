package com.pmsrelay.cloud.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.store.PracticeStore.Heartbeat;
import com.pmsrelay.cloud.keys.AuditHeadKeys;
import com.pmsrelay.cloud.keys.KeyPurposes;
import com.pmsrelay.cloud.keys.MasterKey;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.crypto.KeyedHasher;
import com.pmsrelay.common.crypto.PasswordHasher;
import com.pmsrelay.common.crypto.Secrets;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The control-plane store's contract, written once and run against every database the store
 * supports: {@link H2StoreTest} (the embedded default) and {@link PostgresStoreTest} (production).
 * Each test gets a fresh, empty database, migrated by {@link Database#open}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
abstract class StoreContractTest {

  /** A cheap hash cost: the stores' behaviour, not the KDF's cost, is under test. */
  private static final PasswordHasher HASHER = new PasswordHasher(1_000);
  /** The node's master key, from which the sealing and audit-head keys are derived. */
  private static final MasterKey MASTER = MasterKey.of(Secrets.randomBytes(32), null);
  /** The client secrets' key as the master key would derive it, and the one it replaced. */
  private static final byte[] SECRETS_KEY = Secrets.randomBytes(32);
  private static final byte[] PREVIOUS_SECRETS_KEY = Secrets.randomBytes(32);

  private Vertx vertx;
  private StoreConfig config;
  private Database db;
  private PracticeStore practices;
  private IntegratorStore integrators;
  private GrantStore grants;
  private SigningKeyStore signingKeys;
  private ConsoleUserStore consoleUsers;

  /**
   * A new database of the kind under test for one test: empty, or already migrated (a copy of a
   * migrated template, to save each test the migration's time).
   */
  protected abstract StoreConfig freshDatabase() throws Exception;

  /** A new database with nothing in it at all: the migrations' own tests start here. */
  protected abstract StoreConfig emptyDatabase() throws Exception;

  /** Ends every session of the database under test but the caller's, as a restart would; answers how many. */
  protected abstract int killStoreSessions() throws Exception;

  @BeforeAll
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  void stopVertx() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** The store under test, for the tests of one kind of database. */
  protected Database db() {
    return db;
  }

  @BeforeEach
  void openStore() throws Exception {
    open(freshDatabase());
  }

  private void open(StoreConfig database) {
    config = database;
    db = Database.open(vertx, config);
    practices = new PracticeStore(db);
    integrators = integrators(db, HASHER, new KeyedHasher(SECRETS_KEY, null));
    grants = new GrantStore(db);
    signingKeys = new SigningKeyStore(db, MASTER.sealing(KeyPurposes.SIGNING_KEYS));
    consoleUsers = new ConsoleUserStore(db, HASHER);
  }

  @AfterEach
  void closeStore() {
    if (db != null) {
      db.close().await();
    }
  }

  // ---- migrations and the database ----

  @Test
  void migrationsCreateTheSchemaOnAnEmptyDatabase() throws Exception {
    db.close().await();
    open(emptyDatabase());

    List<String> history = appliedMigrations();
    assertThat(history).startsWith("1").containsExactlyInAnyOrderElementsOf(migrationVersions());
    try (Connection c = connect(); Statement s = c.createStatement()) {
      for (String table : List.of("practices", "integrators", "grants", "signing_keys", "console_users", "cloud_nodes")) {
        try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getInt(1)).as(table).isZero();
        }
      }
    }
    assertThat(db.ping().await()).isTrue();
  }

  @Test
  void reopeningMigratesNothingAndKeepsTheData() throws Exception {
    db.close().await();
    open(emptyDatabase());
    PracticeStore.Created created = practices.create("Harbourside Family Practice").await();
    List<String> before = appliedMigrations();
    db.close().await();

    db = Database.open(vertx, config);
    practices = new PracticeStore(db);
    assertThat(appliedMigrations()).isEqualTo(before);
    assertThat(practices.find(created.practiceId()).await()).map(Practice::name).contains("Harbourside Family Practice");
    assertThat(practices.verifyAgentKey(created.practiceId(), created.agentKey()).await()).isTrue();

    // and once more, with a second pool open on the same database at the same time
    Database again = Database.open(vertx, config);
    assertThat(new PracticeStore(again).find(created.practiceId()).await()).isPresent();
    again.close().await();
    assertThat(appliedMigrations()).isEqualTo(before);
  }

  /** A release's jar comes back chunk by chunk, byte for byte; its roll-out, withdrawal and version names hold. */
  @Test
  void releasesKeepTheirChunksAndRollOut() {
    ReleaseStore releases = new ReleaseStore(db);
    byte[] first = Secrets.randomBytes(256 * 1024);
    byte[] last = Secrets.randomBytes(1000);
    Release release = new Release("1.2.0", first.length + last.length, "ab".repeat(32), "c2ln", 1_000, 0, List.of(), null);
    assertThat(releases.publish(release, List.of(io.vertx.core.buffer.Buffer.buffer(first),
        io.vertx.core.buffer.Buffer.buffer(last))).await()).isTrue();
    assertThat(releases.publish(release, List.of()).await()).as("a version names one jar").isFalse();

    assertThat(releases.chunk("1.2.0", 0).await().orElseThrow().getBytes()).isEqualTo(first);
    assertThat(releases.chunk("1.2.0", 1).await().orElseThrow().getBytes()).isEqualTo(last);
    assertThat(releases.chunk("1.2.0", 2).await()).isEmpty();
    assertThat(releases.find("1.2.0").await().orElseThrow().offeredTo("any")).isFalse();

    String inside = UUID.randomUUID().toString();
    assertThat(releases.rollout("1.2.0", 0, List.of(inside)).await()).isTrue();
    Release listed = releases.list().await().get(0);
    assertThat(listed.rolloutPractices()).containsExactly(inside);
    assertThat(listed.offeredTo(inside)).isTrue();
    assertThat(releases.rollout("1.2.0", 100, List.of()).await()).isTrue();
    assertThat(releases.find("1.2.0").await().orElseThrow().offeredTo(UUID.randomUUID().toString())).isTrue();
    assertThat(releases.withdraw("1.2.0", 2_000).await()).isTrue();
    assertThat(releases.find("1.2.0").await().orElseThrow().offeredTo(inside)).isFalse();
    assertThat(releases.rollout("9.9.9", 100, List.of()).await()).isFalse();
  }

  /** The version policy, agents' update reports and addresses, and keys retired by a move. */
  @Test
  void agentStatePolicyAndMoves() {
    AgentStateStore states = new AgentStateStore(db);
    assertThat(states.policy().await()).isEqualTo(AgentStateStore.VersionPolicy.NONE);
    states.setPolicy("1.0.0", "1.2.0", 5).await();
    states.setPolicy("1.1.0", "1.2.0", 6).await();
    assertThat(states.policy().await()).isEqualTo(new AgentStateStore.VersionPolicy("1.1.0", "1.2.0", 6));

    PracticeStore.Created practice = practices.create("Moving Practice").await();
    String id = practice.practiceId();
    states.connectedFrom(id, "192.0.2.7", 10).await();
    states.updateReported(id, "1.2.0", "rolled-back", "did not connect", 11).await();
    assertThat(states.of(id).await()).contains(new AgentStateStore.AgentState(id, "192.0.2.7", 10L, "1.2.0", "rolled-back",
        "did not connect", 11L));

    AgentStateStore.Moved moved = states.move(id, 42).await().orElseThrow();
    assertThat(practices.verifyAgentKey(id, practice.agentKey()).await()).isFalse();
    assertThat(practices.verifyAgentKey(id, moved.agentKey()).await()).isTrue();
    assertThat(states.movedAway(id, practice.agentKey()).await()).contains(42L);
    assertThat(states.movedAway(id, moved.agentKey()).await()).isEmpty();
    assertThat(states.movedAway(id, "pmsa_never_issued").await()).isEmpty();
    assertThat(states.move(UUID.randomUUID().toString(), 43).await()).isEmpty();
  }

  @Test
  void aFailedTransactionLeavesNothingBehind() {
    Future<Object> failed = db.transaction(c -> PracticeStore.create(c, "Never Committed")
        .compose(created -> Future.failedFuture(new SQLException("boom"))));
    assertThatThrownBy(failed::await).hasMessageContaining("boom");
    assertThat(countRows("practices")).isZero();

    String id = db.transaction(c -> PracticeStore.create(c, "Committed")).await().practiceId();
    assertThat(practices.find(id).await()).isPresent();
  }

  /**
   * The JDBC client leaves a pooled connection in manual-commit mode after a transaction
   * (vert-x3/vertx-jdbc-client#356): a single-statement write that reuses it must still commit.
   */
  @Test
  void aWriteAfterATransactionIsCommitted() throws SQLException {
    String id = practices.create("A").await().practiceId();

    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "1").await(); // on the connection just released

    assertThat(stringColumn("SELECT agent_node FROM practices WHERE practice_id = ?", id)).isEqualTo("node-1");
  }

  // ---- lost connections ----

  /**
   * Killing every session of the store (what a database restart or failover does to its pool)
   * fails no call: the first to find its connection dead replaces the pool and runs again, so the
   * ping behind /ready and the stores answer at once, not once the dead connections have aged out.
   */
  @Test
  void theStoreAnswersAtOnceAfterItsSessionsAreKilled() throws Exception {
    String id = practices.create("Before").await().practiceId();
    Future.all(IntStream.range(0, 8).mapToObj(i -> db.ping()).toList()).await(); // several pooled connections
    assertThat(killStoreSessions()).isPositive();

    long started = System.nanoTime();
    assertThat(db.ping().await()).isTrue();
    List<Future<Optional<Practice>>> reads = IntStream.range(0, 12).mapToObj(i -> practices.find(id)).toList();
    Future.all(reads).await();
    practices.create("After").await();
    long ms = (System.nanoTime() - started) / 1_000_000;

    System.out.println(getClass().getSimpleName() + ": the store answered again " + ms + " ms after its sessions were killed");
    assertThat(reads).allSatisfy(read -> assertThat(read.result()).isPresent());
    assertThat(ms).isLessThan(1_000);
  }

  /** Run again only for a lost connection, and then as if the first run had not been. */
  @Test
  void onlyATransactionThatLostItsConnectionRunsAgain() {
    AtomicInteger runs = new AtomicInteger();
    Future<PracticeStore.Created> created = db.transaction(c -> PracticeStore.create(c, "Once")
        .compose(practice -> lostOnFirstRun(runs, practice)));
    assertThat(practices.find(created.await().practiceId()).await()).isPresent();
    assertThat(runs).hasValue(2);
    assertThat(countRows("practices")).isEqualTo(1);

    runs.set(0);
    Future<Object> wrong = db.transaction(c -> {
      runs.incrementAndGet();
      return Future.failedFuture(new SQLException("duplicate key", "23505"));
    });
    assertThatThrownBy(wrong::await).hasMessage("duplicate key");
    assertThat(runs).hasValue(1);
  }

  /** The pool made after a lost connection is the store's, not the caller's: it outlives the verticle that made it. */
  @Test
  void aPoolReplacedInAVerticleOutlivesIt() {
    AtomicInteger runs = new AtomicInteger();
    String deployment = vertx.deployVerticle(new VerticleBase() {
      @Override
      public Future<?> start() {
        return db.transaction(c -> lostOnFirstRun(runs, "done"));
      }
    }).await();
    vertx.undeploy(deployment).await();

    assertThat(runs).hasValue(2);
    assertThat(db.ping().await()).isTrue();
  }

  /** Fails the first run as a dropped connection does (SQLState 08006), answers {@code result} after. */
  private static <T> Future<T> lostOnFirstRun(AtomicInteger runs, T result) {
    return runs.incrementAndGet() == 1 ? Future.failedFuture(new SQLException("An I/O error occurred", "08006"))
        : Future.succeededFuture(result);
  }

  // ---- practices ----

  @Test
  void createdPracticeIsFoundWithNoAgentYet() {
    PracticeStore.Created created = practices.create("Riverbend Medical Centre").await();

    assertThat(UUID.fromString(created.practiceId()).toString()).isEqualTo(created.practiceId());
    assertThat(created.agentKey()).startsWith("pmsa_").hasSizeGreaterThan(30);
    assertThat(practices.find(created.practiceId()).await()).contains(
        new Practice(created.practiceId(), "Riverbend Medical Centre", null, null, null, false, null));
    assertThat(practices.find(UUID.randomUUID().toString()).await()).isEmpty();
  }

  @Test
  void onlyTheCurrentAgentKeyOfAKnownPracticeVerifies() {
    PracticeStore.Created a = practices.create("A").await();
    PracticeStore.Created b = practices.create("B").await();

    assertThat(practices.verifyAgentKey(a.practiceId(), a.agentKey()).await()).isTrue();
    assertThat(practices.verifyAgentKey(a.practiceId(), b.agentKey()).await()).isFalse();
    assertThat(practices.verifyAgentKey(a.practiceId(), a.agentKey() + "x").await()).isFalse();
    assertThat(practices.verifyAgentKey(a.practiceId(), "").await()).isFalse();
    assertThat(practices.verifyAgentKey(a.practiceId(), null).await()).isFalse();
    assertThat(practices.verifyAgentKey(UUID.randomUUID().toString(), a.agentKey()).await()).isFalse();
  }

  @Test
  void rotatingTheAgentKeyRetiresTheOldOneAtOnce() {
    PracticeStore.Created a = practices.create("A").await();

    Optional<String> rotated = practices.rotateAgentKey(a.practiceId()).await();

    assertThat(rotated).hasValueSatisfying(key -> assertThat(key).startsWith("pmsa_").isNotEqualTo(a.agentKey()));
    assertThat(practices.verifyAgentKey(a.practiceId(), a.agentKey()).await()).isFalse();
    assertThat(practices.verifyAgentKey(a.practiceId(), rotated.orElseThrow()).await()).isTrue();
    assertThat(practices.rotateAgentKey(UUID.randomUUID().toString()).await()).isEmpty();
  }

  @Test
  void agentConnectionIsRecordedWithItsVersionsAndTime() {
    String id = practices.create("A").await().practiceId();
    OffsetDateTime before = now();

    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "Jade SP2").await();

    Practice p = practices.find(id).await().orElseThrow();
    assertThat(p.agentConnected()).isTrue();
    assertThat(p.agentVersion()).isEqualTo("0.1.0");
    assertThat(p.pmsKind()).isEqualTo("Bp Premier");
    assertThat(p.pmsVersion()).isEqualTo("Jade SP2");
    assertThat(p.agentLastSeen()).isNotNull();
    // the database keeps microseconds: allow one for rounding
    assertThat(p.agentLastSeen().toInstant()).isBetween(before.toInstant(), now().plusNanos(1_000).toInstant());
    assertThat(p.agentLastSeen().getOffset()).isEqualTo(ZoneOffset.UTC);
  }

  @Test
  void heartbeatsOfSeveralAgentsAreRecordedInOneCall() {
    String a = practices.create("A").await().practiceId();
    String b = practices.create("B").await().practiceId();
    practices.agentConnected(a, "node-1", "0.1.0", "Bp Premier", "1").await();
    practices.agentConnected(b, "node-1", "0.1.0", "Bp Premier", "1").await();
    long at = System.currentTimeMillis() + 1_000;

    practices.nodeAlive("node-1", at, List.of(new Heartbeat(a, at, 3, 1), new Heartbeat(b, at, 5, 0),
        new Heartbeat(UUID.randomUUID().toString(), at, 1, 1))).await(); // unknown: no harm
    practices.nodeAlive("node-1", at, List.of(new Heartbeat(b, at + 1_000, null, null))).await();

    Practice pa = practices.find(a).await().orElseThrow();
    assertThat(pa.agentLastSeen().toInstant()).isEqualTo(Instant.ofEpochMilli(at));
    assertThat(pa.agentQueued()).isEqualTo(3);
    assertThat(pa.agentRunning()).isEqualTo(1);
    assertThat(pa.agentConnected()).isTrue();
    Practice pb = practices.find(b).await().orElseThrow();
    assertThat(pb.agentLastSeen().toInstant()).isEqualTo(Instant.ofEpochMilli(at + 1_000));
    assertThat(pb.agentQueued()).as("an unknown load leaves the stored one").isEqualTo(5);
    assertThat(pb.agentRunning()).isZero();
  }

  @Test
  void heartbeatsCountOnlyForAgentsConnectedThroughTheNode() {
    String elsewhere = practices.create("A").await().practiceId();
    String gone = practices.create("B").await().practiceId();
    String never = practices.create("C").await().practiceId();
    practices.agentConnected(elsewhere, "node-2", "0.1.0", "Bp Premier", "1").await();
    practices.agentConnected(gone, "node-1", "0.1.0", "Bp Premier", "1").await();
    practices.agentDisconnected(gone, "node-1").await();
    Practice elsewhereBefore = practices.find(elsewhere).await().orElseThrow();
    Practice goneBefore = practices.find(gone).await().orElseThrow();
    long at = System.currentTimeMillis() + 1_000;

    // e.g. a heartbeat a flush was writing while the agent disconnected, or moved to node-2
    practices.nodeAlive("node-1", at, List.of(new Heartbeat(elsewhere, at, 1, 1),
        new Heartbeat(gone, at, 1, 1), new Heartbeat(never, at, 1, 1))).await();

    assertThat(practices.find(elsewhere).await().orElseThrow()).isEqualTo(elsewhereBefore);
    assertThat(practices.find(gone).await().orElseThrow()).isEqualTo(goneBefore);
    Practice n = practices.find(never).await().orElseThrow();
    assertThat(n.agentConnected()).isFalse();
    assertThat(n.agentLastSeen()).isNull();
    assertThat(n.agentQueued()).isNull();
  }

  @Test
  void recordingANodeAliveCreatesThenUpdatesItsRow() throws SQLException {
    long at = System.currentTimeMillis();
    practices.nodeAlive("node-1", at, List.of()).await();
    assertThat(nodeAliveAt("node-1")).isEqualTo(Instant.ofEpochMilli(at));

    practices.nodeAlive("node-1", at + 1_000, List.of()).await();
    practices.nodeAlive("node-2", at + 5_000, List.of()).await();

    assertThat(nodeAliveAt("node-1")).isEqualTo(Instant.ofEpochMilli(at + 1_000));
    assertThat(nodeAliveAt("node-2")).isEqualTo(Instant.ofEpochMilli(at + 5_000));
    assertThat(countRows("cloud_nodes")).isEqualTo(2);
  }

  @Test
  void aConnectedAgentIsSeenWhenItsNodeWasLastAliveIfThatIsLater() {
    String id = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();
    grants.put(Grant.withDefaults(id, client, GrantStatus.ENABLED)).await();
    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "1").await();
    long heard = System.currentTimeMillis() + 1_000;
    practices.nodeAlive("node-1", heard, List.of(new Heartbeat(id, heard, 2, 0))).await();

    // the agent idles: nothing of its own is written, its node keeps recording itself alive
    practices.nodeAlive("node-1", heard + 30_000, List.of()).await();

    Instant nodeAlive = Instant.ofEpochMilli(heard + 30_000);
    assertThat(practices.find(id).await().orElseThrow().agentLastSeen().toInstant()).isEqualTo(nodeAlive);
    assertThat(practices.list().await()).singleElement().satisfies(p -> {
      assertThat(p.agentLastSeen().toInstant()).isEqualTo(nodeAlive);
      assertThat(p.agentLastSeen().getOffset()).isEqualTo(ZoneOffset.UTC);
    });
    assertThat(grants.visibleTo(client).await()).singleElement()
        .satisfies(v -> assertThat(v.practice().agentLastSeen().toInstant()).isEqualTo(nodeAlive));
  }

  @Test
  void aConnectedAgentWhoseNodeStoppedRecordingKeepsItsOwnOldLastSeen() {
    String id = practices.create("A").await().practiceId();
    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "1").await();
    long now = System.currentTimeMillis();
    // the node's last records before it crashed, two minutes ago; its socket's agent heard after
    practices.nodeAlive("node-1", now - 120_000, List.of(new Heartbeat(id, now - 100_000, 1, 0))).await();

    Practice p = practices.find(id).await().orElseThrow();
    assertThat(p.agentConnected()).isTrue();
    assertThat(p.agentLastSeen().toInstant()).as("stale: shown as unreachable").isEqualTo(Instant.ofEpochMilli(now - 100_000));
    assertThat(practices.list().await()).extracting(x -> x.agentLastSeen().toInstant())
        .containsExactly(Instant.ofEpochMilli(now - 100_000));
  }

  @Test
  void aDisconnectedAgentsLastSeenIsItsOwnWhateverItsFormerNode() {
    String id = practices.create("A").await().practiceId();
    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "1").await();
    practices.agentDisconnected(id, "node-1").await();
    OffsetDateTime gone = practices.find(id).await().orElseThrow().agentLastSeen();

    practices.nodeAlive("node-1", System.currentTimeMillis() + 60_000, List.of()).await();

    Practice p = practices.find(id).await().orElseThrow();
    assertThat(p.agentConnected()).isFalse();
    assertThat(p.agentLastSeen()).isEqualTo(gone);
  }

  @Test
  void aPracticeWithNoAgentYetHasNoLastSeen() {
    String id = practices.create("A").await().practiceId();
    practices.nodeAlive("node-1", System.currentTimeMillis(), List.of()).await();
    assertThat(practices.find(id).await().orElseThrow().agentLastSeen()).isNull();
  }

  @Test
  void disconnectCountsOnlyFromTheNodeTheAgentIsOn() {
    String id = practices.create("A").await().practiceId();
    practices.agentConnected(id, "node-1", "0.1.0", "Bp Premier", "1").await();
    // the agent reconnects through node-2 before node-1 notices the old socket is gone
    practices.agentConnected(id, "node-2", "0.1.0", "Bp Premier", "1").await();

    practices.agentDisconnected(id, "node-1").await();
    assertThat(practices.find(id).await().orElseThrow().agentConnected()).isTrue();

    OffsetDateTime before = practices.find(id).await().orElseThrow().agentLastSeen();
    practices.agentDisconnected(id, "node-2").await();
    Practice p = practices.find(id).await().orElseThrow();
    assertThat(p.agentConnected()).isFalse();
    assertThat(p.agentLastSeen()).isAfterOrEqualTo(before);
    assertThat(p.agentVersion()).isEqualTo("0.1.0");
  }

  @Test
  void practicesAreListedByName() {
    assertThat(practices.list().await()).isEmpty();
    for (String name : List.of("Riverbend Medical Centre", "Harbourside Family Practice", "Northside Clinic")) {
      practices.create(name).await();
    }
    assertThat(practices.list().await()).extracting(Practice::name)
        .containsExactly("Harbourside Family Practice", "Northside Clinic", "Riverbend Medical Centre");
  }

  // ---- integrators ----

  @Test
  void createdIntegratorIsFoundAndItsSecretIsNotStored() throws SQLException {
    IntegratorStore.Created a = integrators.create("Recall Reminders Pty Ltd", "https://hooks.example.com/pms").await();
    IntegratorStore.Created b = integrators.create("No Hooks", null).await();

    assertThat(a.clientId()).startsWith("cli_");
    assertThat(a.clientSecret()).startsWith("pmss_");
    assertThat(a.clientId()).isNotEqualTo(b.clientId());
    assertThat(integrators.find(a.clientId()).await())
        .contains(new Integrator(a.clientId(), "Recall Reminders Pty Ltd", false, "https://hooks.example.com/pms"));
    assertThat(integrators.find(b.clientId()).await()).contains(new Integrator(b.clientId(), "No Hooks", false, null));
    assertThat(integrators.find("cli_unknown").await()).isEmpty();
    assertThat(stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId()))
        .doesNotContain(a.clientSecret())
        .startsWith("hmac-sha256$" + new KeyedHasher(SECRETS_KEY, null).currentKeyId() + "$")
        .satisfies(hash -> assertThat(new KeyedHasher(SECRETS_KEY, null).verify(a.clientId(), a.clientSecret(), hash))
            .isEqualTo(KeyedHasher.Verdict.MATCH));
    // 256 bits of entropy: what makes a fast keyed hash enough
    assertThat(java.util.Base64.getUrlDecoder().decode(a.clientSecret().substring("pmss_".length()))).hasSize(32);
  }

  @Test
  void aSecretHashedUnderAnotherKeyDoesNotAuthenticate() throws SQLException {
    IntegratorStore.Created a = integrators.create("A", null).await();
    IntegratorStore other = integrators(db, HASHER, new KeyedHasher(Secrets.randomBytes(32), null));

    assertThat(other.authenticate(a.clientId(), a.clientSecret()).await()).as("another master key").isEmpty();
    // Whoever writes the store cannot make a hash that works without the key: not even by copying
    // a hash of a known secret from another row (the client id is under the MAC).
    IntegratorStore.Created b = integrators.create("B", null).await();
    execute("UPDATE integrators SET secret_hash = ? WHERE client_id = ?",
        stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", b.clientId()), a.clientId());
    assertThat(integrators.authenticate(a.clientId(), b.clientSecret()).await()).isEmpty();
    execute("UPDATE integrators SET secret_hash = ? WHERE client_id = ?", "sha256$" + Secrets.sha256Hex(a.clientSecret()),
        a.clientId());
    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).as("an unknown scheme").isEmpty();
  }

  @Test
  void aSecretHashedUnderThePreviousMasterKeyIsRehashedAtItsNextUse() throws SQLException {
    IntegratorStore before = integrators(db, HASHER, new KeyedHasher(PREVIOUS_SECRETS_KEY, null));
    IntegratorStore.Created a = before.create("A", null).await();
    IntegratorStore rotating = integrators(db, HASHER, new KeyedHasher(SECRETS_KEY, PREVIOUS_SECRETS_KEY));
    IntegratorStore after = integrators(db, HASHER, new KeyedHasher(SECRETS_KEY, null));
    String old = stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId());

    assertThat(after.authenticate(a.clientId(), a.clientSecret()).await()).as("previous key not configured").isEmpty();
    assertThat(rotating.authenticate(a.clientId(), "pmss_wrong").await()).isEmpty();
    assertThat(stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId()))
        .as("a wrong secret changes nothing").isEqualTo(old);
    assertThat(rotating.authenticate(a.clientId(), a.clientSecret()).await()).isPresent();

    assertThat(stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId()))
        .startsWith("hmac-sha256$" + new KeyedHasher(SECRETS_KEY, null).currentKeyId() + "$");
    assertThat(after.authenticate(a.clientId(), a.clientSecret()).await()).as("once the previous key is dropped").isPresent();
    assertThat(before.authenticate(a.clientId(), a.clientSecret()).await()).isEmpty();
  }

  @Test
  void aPbkdf2HashFromBeforeIsVerifiedOnceThenReplacedByAKeyedHash() throws SQLException {
    IntegratorStore.Created a = integrators.create("A", null).await();
    String pbkdf2 = HASHER.hash(a.clientSecret());
    execute("UPDATE integrators SET secret_hash = ? WHERE client_id = ?", pbkdf2, a.clientId());

    assertThat(integrators.authenticate(a.clientId(), "pmss_wrong").await()).isEmpty();
    assertThat(stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId())).isEqualTo(pbkdf2);
    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).map(Integrator::clientId).contains(a.clientId());

    String migrated = stringColumn("SELECT secret_hash FROM integrators WHERE client_id = ?", a.clientId());
    assertThat(migrated).startsWith("hmac-sha256$");
    assertThat(new KeyedHasher(SECRETS_KEY, null).verify(a.clientId(), a.clientSecret(), migrated))
        .isEqualTo(KeyedHasher.Verdict.MATCH);
    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).isPresent();
  }

  @Test
  void noStoreConnectionIsHeldWhileASecretOrPasswordIsChecked() {
    // One connection in the pool, and a KDF slow enough to see: another store call made while a
    // check runs is answered long before the check ends, so the check does not hold the connection.
    Database one = Database.open(vertx, new StoreConfig(config.jdbcUrl(), config.user(), config.password(), 1));
    try {
      PasswordHasher slow = new PasswordHasher(1_500_000);
      IntegratorStore.Created a = integrators.create("A", null).await();
      execute("UPDATE integrators SET secret_hash = ? WHERE client_id = ?", slow.hash(a.clientSecret()), a.clientId());
      String practice = practices.create("P").await().practiceId();
      consoleUsers.create("admin", practice, "pw").await();
      execute("UPDATE console_users SET password_hash = ? WHERE username = ?", slow.hash("pw"), "admin");
      IntegratorStore legacy = integrators(one, slow, new KeyedHasher(SECRETS_KEY, null));
      ConsoleUserStore users = new ConsoleUserStore(one, slow);

      for (java.util.function.Supplier<Future<?>> check : List.<java.util.function.Supplier<Future<?>>>of(
          () -> legacy.authenticate(a.clientId(), a.clientSecret()), () -> users.authenticate("admin", "pw"))) {
        long started = System.nanoTime();
        Future<?> checking = check.get();
        new PracticeStore(one).find(practice).await();
        long otherMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(checking.isComplete()).as("the check is still running (%d ms)", otherMs).isFalse();
        assertThat(((Optional<?>) checking.await())).isPresent();
        long checkMs = (System.nanoTime() - started) / 1_000_000;
        assertThat(otherMs).as("the other call (%d ms) did not wait for the check (%d ms)", otherMs, checkMs)
            .isLessThan(checkMs / 2);
      }
    } finally {
      one.close().await();
    }
  }

  @Test
  void onlyTheRightSecretAuthenticates() {
    IntegratorStore.Created a = integrators.create("A", null).await();
    IntegratorStore.Created b = integrators.create("B", null).await();

    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).map(Integrator::clientId).contains(a.clientId());
    assertThat(integrators.authenticate(a.clientId(), b.clientSecret()).await()).isEmpty();
    assertThat(integrators.authenticate(a.clientId(), "").await()).isEmpty();
    assertThat(integrators.authenticate(a.clientId(), null).await()).isEmpty();
    assertThat(integrators.authenticate("cli_unknown", a.clientSecret()).await()).isEmpty();
  }

  @Test
  void blockingIsRecordedAndReversible() {
    IntegratorStore.Created a = integrators.create("A", null).await();

    assertThat(integrators.setBlocked(a.clientId(), true).await()).isTrue();
    assertThat(integrators.find(a.clientId()).await()).map(Integrator::blocked).contains(true);
    // authentication still names the integrator; the caller refuses it for being blocked
    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).map(Integrator::blocked).contains(true);

    assertThat(integrators.setBlocked(a.clientId(), false).await()).isTrue();
    assertThat(integrators.find(a.clientId()).await()).map(Integrator::blocked).contains(false);
    assertThat(integrators.setBlocked("cli_unknown", true).await()).isFalse();
  }

  @Test
  void rotatingTheClientSecretRetiresTheOldOneAtOnce() {
    IntegratorStore.Created a = integrators.create("A", null).await();

    Optional<String> rotated = integrators.rotateSecret(a.clientId()).await();

    assertThat(rotated).hasValueSatisfying(secret -> assertThat(secret).startsWith("pmss_").isNotEqualTo(a.clientSecret()));
    assertThat(integrators.authenticate(a.clientId(), a.clientSecret()).await()).isEmpty();
    assertThat(integrators.authenticate(a.clientId(), rotated.orElseThrow()).await()).isPresent();
    assertThat(integrators.rotateSecret("cli_unknown").await()).isEmpty();
  }

  @Test
  void integratorsAreListedByName() {
    IntegratorStore.Created recall = integrators.create("Recall Reminders", null).await();
    IntegratorStore.Created bookings = integrators.create("Online Bookings", "https://hooks.example.com/b").await();
    integrators.setBlocked(recall.clientId(), true).await();

    assertThat(integrators.list().await()).containsExactly(
        new Integrator(bookings.clientId(), "Online Bookings", false, "https://hooks.example.com/b"),
        new Integrator(recall.clientId(), "Recall Reminders", true, null));
  }

  // ---- grants ----

  @Test
  void grantRoundTripsWithItsScopesAndLimits() {
    String practice = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();
    Grant grant = new Grant(practice, client, GrantStatus.ENABLED, new JsonArray().add("dbo.Patients").add("dbo.Appointments"),
        500, 20_000, 10_000, 60, 3);

    grants.put(grant).await();

    assertThat(grants.find(practice, client).await()).contains(grant);
    assertThat(grants.find(practice, "cli_unknown").await()).isEmpty();
    assertThat(grants.find(UUID.randomUUID().toString(), client).await()).isEmpty();
  }

  @Test
  void puttingAGrantAgainReplacesIt() {
    String practice = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();
    grants.put(Grant.withDefaults(practice, client, GrantStatus.PENDING)).await();

    Grant replaced = new Grant(practice, client, GrantStatus.DISABLED, new JsonArray().add("dbo.Recalls"), 10, 1_000, 2_000, 5, 2);
    grants.put(replaced).await();

    assertThat(grants.find(practice, client).await()).contains(replaced);
    assertThat(countRows("grants")).isEqualTo(1);
  }

  @Test
  void aGrantNeedsAKnownPracticeAndIntegrator() {
    String practice = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();

    assertThatThrownBy(() -> grants.put(Grant.withDefaults(UUID.randomUUID().toString(), client, GrantStatus.ENABLED)).await())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> grants.put(Grant.withDefaults(practice, "cli_unknown", GrantStatus.ENABLED)).await())
        .isInstanceOf(SQLException.class);
    assertThat(countRows("grants")).isZero();
  }

  @Test
  void integratorSeesItsNonPendingGrantsInNameOrder() {
    checkVisibleGrantsAndTheirOrder();
  }

  /**
   * Shared with database-specific tests that first change the database (for example its
   * collation) and expect the same answer.
   */
  protected final void checkVisibleGrantsAndTheirOrder() {
    String client = integrators.create("I", null).await().clientId();
    String other = integrators.create("Other", null).await().clientId();
    // Names whose order differs between collations: the store's order must not depend on the database's.
    List<String> names = List.of("beta Clinic", "Zeta Health", "Alpha Medical", "alpha medical", "Ärzte Haus", "Pending Practice", "Alpha Medical");
    List<String> ids = new ArrayList<>();
    for (String name : names) {
      ids.add(practices.create(name).await().practiceId());
    }
    grants.put(Grant.withDefaults(ids.get(0), client, GrantStatus.ENABLED)).await();
    grants.put(Grant.withDefaults(ids.get(1), client, GrantStatus.DISABLED)).await();
    grants.put(Grant.withDefaults(ids.get(2), client, GrantStatus.BLOCKED)).await();
    grants.put(Grant.withDefaults(ids.get(3), client, GrantStatus.ENABLED)).await();
    grants.put(Grant.withDefaults(ids.get(4), client, GrantStatus.ENABLED)).await();
    grants.put(Grant.withDefaults(ids.get(5), client, GrantStatus.PENDING)).await();
    grants.put(Grant.withDefaults(ids.get(6), client, GrantStatus.ENABLED)).await();
    grants.put(Grant.withDefaults(ids.get(1), other, GrantStatus.ENABLED)).await();
    practices.agentConnected(ids.get(0), "node-1", "0.1.0", "Bp Premier", "Jade").await();

    List<GrantStore.Visible> visible = grants.visibleTo(client).await();

    // Names in Java's (code point) order, ties by practice id: the same on every database.
    String firstAlpha = ids.get(2).compareTo(ids.get(6)) < 0 ? ids.get(2) : ids.get(6);
    String secondAlpha = firstAlpha.equals(ids.get(2)) ? ids.get(6) : ids.get(2);
    assertThat(visible).extracting(v -> v.practice().practiceId())
        .containsExactly(firstAlpha, secondAlpha, ids.get(1), ids.get(3), ids.get(0), ids.get(4));
    assertThat(visible).extracting(v -> v.practice().name())
        .containsExactly("Alpha Medical", "Alpha Medical", "Zeta Health", "alpha medical", "beta Clinic", "Ärzte Haus");
    assertThat(visible).allSatisfy(v -> {
      assertThat(v.grant().clientId()).isEqualTo(client);
      assertThat(v.grant().practiceId()).isEqualTo(v.practice().practiceId());
      assertThat(v.grant().status()).isNotEqualTo(GrantStatus.PENDING);
    });
    GrantStore.Visible beta = visible.get(4);
    assertThat(beta.grant()).isEqualTo(Grant.withDefaults(ids.get(0), client, GrantStatus.ENABLED));
    assertThat(beta.practice().agentConnected()).isTrue();
    assertThat(beta.practice().pmsKind()).isEqualTo("Bp Premier");
    assertThat(beta.practice().pmsVersion()).isEqualTo("Jade");
    assertThat(beta.practice().agentVersion()).isEqualTo("0.1.0");
    assertThat(beta.practice().agentLastSeen()).isNotNull();
    assertThat(visible.get(2).grant().status()).isEqualTo(GrantStatus.DISABLED);

    assertThat(grants.visibleTo(other).await()).extracting(v -> v.practice().name()).containsExactly("Zeta Health");
    assertThat(grants.visibleTo("cli_unknown").await()).isEmpty();
  }

  // ---- signing keys ----

  @Test
  void activeKeysComeNewestFirstAndRetiredOnesAreLeftOut() throws Exception {
    assertThat(signingKeys.active().await()).isEmpty();
    List<SigningKeyStore.StoredKey> added = new ArrayList<>();
    for (String kid : List.of("kB", "ka", "kC")) {
      SigningKeyStore.StoredKey key = new SigningKeyStore.StoredKey(kid, "ES256",
          new JsonObject().put("kty", "EC").put("kid", kid).put("d", "private-" + kid),
          new JsonObject().put("kty", "EC").put("kid", kid).put("x", "public-" + kid));
      signingKeys.add(key).await();
      added.add(key);
      Thread.sleep(2); // distinct creation times, even on a coarse clock
    }

    assertThat(signingKeys.active().await()).containsExactly(added.get(2), added.get(1), added.get(0));

    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("UPDATE signing_keys SET retired_at = ? WHERE kid = ?")) {
      ps.setObject(1, now());
      ps.setString(2, "ka");
      assertThat(ps.executeUpdate()).isEqualTo(1);
    }
    assertThat(signingKeys.active().await()).extracting(SigningKeyStore.StoredKey::kid).containsExactly("kC", "kB");
    assertThatThrownBy(() -> signingKeys.add(added.get(0)).await()).isInstanceOf(SQLException.class);
  }

  @Test
  void retiringKeepsOnlyTheNewest() throws InterruptedException {
    for (String kid : List.of("k1", "k2", "k3")) {
      signingKeys.add(new SigningKeyStore.StoredKey(kid, "ES256", new JsonObject().put("kid", kid), new JsonObject().put("kid", kid))).await();
      Thread.sleep(2);
    }

    signingKeys.retireAllBut(1).await();

    assertThat(signingKeys.active().await()).extracting(SigningKeyStore.StoredKey::kid).containsExactly("k3");
    signingKeys.retireAllBut(1).await(); // nothing more to retire
    assertThat(signingKeys.active().await()).extracting(SigningKeyStore.StoredKey::kid).containsExactly("k3");
  }

  @Test
  void privateJwksAreSealedInTheStoreAndOpenOnlyUnderTheirMasterKey() throws Exception {
    SigningKeyStore.StoredKey key = new SigningKeyStore.StoredKey("k1", "ES256",
        new JsonObject().put("kty", "EC").put("kid", "k1").put("d", "PRIVATE-SCALAR-k1"),
        new JsonObject().put("kty", "EC").put("kid", "k1").put("x", "public-k1"));
    signingKeys.add(key).await();

    String raw = stringColumn("SELECT private_jwk FROM signing_keys WHERE kid = ?", "k1");
    assertThat(raw).doesNotContain("PRIVATE-SCALAR").doesNotContain("\"d\"").doesNotStartWith("{");
    assertThat(stringColumn("SELECT public_jwk FROM signing_keys WHERE kid = ?", "k1")).contains("public-k1");
    assertThat(signingKeys.active().await()).containsExactly(key);
    assertThat(signingKeys.sealAtRest().await()).as("already sealed under the current key").isZero();

    SigningKeyStore wrong = new SigningKeyStore(db, MasterKey.of(Secrets.randomBytes(32), null).sealing(KeyPurposes.SIGNING_KEYS));
    assertThatThrownBy(() -> wrong.active().await()).isInstanceOf(ConfigException.class)
        .hasMessageContaining("PMSRELAY_KEYS_MASTER").hasMessageContaining("k1").hasNoCause();
    assertThatThrownBy(() -> wrong.sealAtRest().await()).isInstanceOf(ConfigException.class);
    assertThat(stringColumn("SELECT private_jwk FROM signing_keys WHERE kid = ?", "k1")).isEqualTo(raw);
  }

  @Test
  void plainKeysOfAnOlderStoreAreSealedOnceThoughNodesStartTogether() throws Exception {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
        "INSERT INTO signing_keys (kid, algorithm, private_jwk, public_jwk, created_at) VALUES (?, 'ES256', ?, ?, ?)")) {
      for (String kid : List.of("old1", "old2")) {
        ps.setString(1, kid);
        ps.setString(2, new JsonObject().put("kid", kid).put("d", "PLAIN-" + kid).encode());
        ps.setString(3, new JsonObject().put("kid", kid).encode());
        ps.setObject(4, now());
        ps.executeUpdate();
      }
    }
    assertThat(signingKeys.active().await()).extracting(k -> k.privateJwk().getString("d"))
        .containsExactlyInAnyOrder("PLAIN-old1", "PLAIN-old2");

    List<Future<Integer>> starts = new ArrayList<>();
    for (int i = 0; i < 4; i++) { // four nodes starting at once, each with its own store objects
      starts.add(new SigningKeyStore(db, MASTER.sealing(KeyPurposes.SIGNING_KEYS)).sealAtRest());
    }
    Future.all(starts).await();

    assertThat(starts.stream().mapToInt(Future::result).sum()).as("each row sealed once").isEqualTo(2);
    for (String kid : List.of("old1", "old2")) {
      assertThat(stringColumn("SELECT private_jwk FROM signing_keys WHERE kid = ?", kid)).doesNotContain("PLAIN");
    }
    assertThat(signingKeys.active().await()).extracting(k -> k.privateJwk().getString("d"))
        .containsExactlyInAnyOrder("PLAIN-old1", "PLAIN-old2");
  }

  @Test
  void aMasterKeyRotationReSealsTheKeysUnderTheNewKey() throws Exception {
    byte[] old = Secrets.randomBytes(32);
    byte[] fresh = Secrets.randomBytes(32);
    SigningKeyStore before = new SigningKeyStore(db, MasterKey.of(old, null).sealing(KeyPurposes.SIGNING_KEYS));
    before.add(new SigningKeyStore.StoredKey("k1", "ES256", new JsonObject().put("d", "secret"), new JsonObject())).await();
    String sealedOld = stringColumn("SELECT private_jwk FROM signing_keys WHERE kid = ?", "k1");

    SigningKeyStore rotating = new SigningKeyStore(db, MasterKey.of(fresh, old).sealing(KeyPurposes.SIGNING_KEYS));
    assertThat(rotating.sealAtRest().await()).isEqualTo(1);
    assertThat(rotating.sealAtRest().await()).isZero();

    assertThat(stringColumn("SELECT private_jwk FROM signing_keys WHERE kid = ?", "k1")).isNotEqualTo(sealedOld);
    SigningKeyStore after = new SigningKeyStore(db, MasterKey.of(fresh, null).sealing(KeyPurposes.SIGNING_KEYS));
    assertThat(after.active().await()).singleElement()
        .satisfies(k -> assertThat(k.privateJwk().getString("d")).isEqualTo("secret"));
    assertThatThrownBy(() -> before.active().await()).isInstanceOf(ConfigException.class);
  }

  // ---- console users ----

  @Test
  void consoleUserIsStoredWithAHashedPassword() throws SQLException {
    String practice = practices.create("A").await().practiceId();

    consoleUsers.create("admin@harbourside.example", practice, "correct horse battery staple").await();

    assertThat(stringColumn("SELECT practice_id FROM console_users WHERE username = ?", "admin@harbourside.example"))
        .isEqualTo(practice);
    String hash = stringColumn("SELECT password_hash FROM console_users WHERE username = ?", "admin@harbourside.example");
    assertThat(hash).doesNotContain("correct horse");
    assertThat(HASHER.verify("correct horse battery staple", hash)).isTrue();
    assertThat(HASHER.verify("wrong", hash)).isFalse();
    assertThatThrownBy(() -> consoleUsers.create("admin@harbourside.example", practice, "again").await())
        .isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> consoleUsers.create("other", UUID.randomUUID().toString(), "pw").await())
        .isInstanceOf(SQLException.class);
    assertThat(countRows("console_users")).isEqualTo(1);
  }

  // ---- pairing codes ----

  @Test
  void aPairingCodeEnablesTheGrantOnceForItsIntegratorOnly() {
    PairingStore pairings = new PairingStore(db, grants);
    String practice = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();
    String other = integrators.create("Other", null).await().clientId();
    Grant pending = new Grant(practice, client, GrantStatus.PENDING, new JsonArray().add("dbo.Patients"), 100, 5_000, 5_000, 30, 2);
    grants.put(pending).await();

    PairingStore.Code code = pairings.create(practice, client, "console:admin", 60_000).await();

    assertThat(code.code()).matches("[A-Z2-9]{4}-[A-Z2-9]{4}");
    assertThat(code.expiresAtMs()).isGreaterThan(System.currentTimeMillis());
    assertThat(pairings.redeem(other, code.code()).await()).isEmpty();
    assertThat(grants.find(practice, client).await()).contains(pending);
    // read out over the phone: case, spaces and dashes do not matter
    String typed = " " + code.code().toLowerCase(java.util.Locale.ROOT).replace("-", " ") + " ";
    assertThat(pairings.redeem(client, typed).await()).contains(new PairingStore.Redeemed(practice, client));
    assertThat(grants.find(practice, client).await()).contains(new Grant(practice, client, GrantStatus.ENABLED,
        pending.scopes(), 100, 5_000, 5_000, 30, 2));
    assertThat(pairings.redeem(client, code.code()).await()).as("single use").isEmpty();
    assertThat(pairings.redeem(client, "ABCD-EFGH").await()).isEmpty();
  }

  @Test
  void anExpiredPairingCodeOpensNothing() {
    PairingStore pairings = new PairingStore(db, grants);
    String practice = practices.create("A").await().practiceId();
    String client = integrators.create("I", null).await().clientId();

    PairingStore.Code expired = pairings.create(practice, client, "operator", 0).await();
    PairingStore.Code fresh = pairings.create(practice, client, "operator", 60_000).await();

    assertThat(pairings.redeem(client, expired.code()).await()).isEmpty();
    assertThat(grants.find(practice, client).await()).isEmpty();
    assertThat(pairings.redeem(client, fresh.code()).await()).isPresent();
    assertThat(grants.find(practice, client).await()).contains(Grant.withDefaults(practice, client, GrantStatus.ENABLED));
    assertThatThrownBy(() -> pairings.create(UUID.randomUUID().toString(), client, "operator", 60_000).await())
        .isInstanceOf(SQLException.class);
  }

  // ---- quarantine ----

  /** A practice with one grant of each status, and its quarantine store. */
  private record Quarantined(QuarantineStore store, String practice, String enabled, String disabled, String blocked,
      String pending, String alsoEnabled) {}

  private Quarantined practiceWithEveryKindOfGrant() {
    QuarantineStore store = new QuarantineStore(db, grants, new ChangeStore(db), new AuditStore(db));
    String practice = practices.create("Harbourside").await().practiceId();
    String[] clients = new String[5];
    GrantStatus[] statuses = {GrantStatus.ENABLED, GrantStatus.DISABLED, GrantStatus.BLOCKED, GrantStatus.PENDING,
        GrantStatus.ENABLED};
    for (int i = 0; i < clients.length; i++) {
      clients[i] = integrators.create("Integrator " + i, null).await().clientId();
      grants.put(new Grant(practice, clients[i], statuses[i], new JsonArray().add("dbo.Patients"), 100 + i, 5_000, 5_000,
          30, 2)).await();
    }
    return new Quarantined(store, practice, clients[0], clients[1], clients[2], clients[3], clients[4]);
  }

  private GrantStatus statusOf(String practice, String client) {
    return grants.find(practice, client).await().orElseThrow().status();
  }

  @Test
  void quarantinePausesTheEnabledGrantsOnlyAndResumingAllGivesEveryStatusBackExactly() {
    Quarantined q = practiceWithEveryKindOfGrant();
    String elsewhere = practices.create("Riverbend").await().practiceId();
    grants.put(Grant.withDefaults(elsewhere, q.enabled(), GrantStatus.ENABLED)).await();
    Grant before = grants.find(q.practice(), q.enabled()).await().orElseThrow();
    ChangeStore changes = new ChangeStore(db);
    long lastChange = changes.latestId().await();

    QuarantineStore.Started started = q.store().quarantine(q.practice(), "console:pm", "ransomware on the server", false)
        .await();

    assertThat(started.agentKey()).isEmpty();
    Quarantine quarantine = started.quarantine();
    assertThat(quarantine.active()).isTrue();
    assertThat(quarantine.reason()).isEqualTo("ransomware on the server");
    assertThat(quarantine.startedBy()).isEqualTo("console:pm");
    assertThat(quarantine.startedAtMs()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(10_000L));
    assertThat(quarantine.paused()).extracting(Quarantine.Hold::clientId).containsExactlyInAnyOrder(q.enabled(), q.alsoEnabled());
    assertThat(quarantine.holds()).hasSize(5).allSatisfy(h -> assertThat(h.changedSince()).isFalse());
    assertThat(statusOf(q.practice(), q.enabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(statusOf(q.practice(), q.alsoEnabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(statusOf(q.practice(), q.disabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(statusOf(q.practice(), q.blocked())).isEqualTo(GrantStatus.BLOCKED);
    assertThat(statusOf(q.practice(), q.pending())).isEqualTo(GrantStatus.PENDING);
    assertThat(statusOf(elsewhere, q.enabled())).as("another practice is untouched").isEqualTo(GrantStatus.ENABLED);
    assertThat(changes.after(lastChange).await()).extracting(ChangeStore.Change::subject)
        .containsExactlyInAnyOrder(q.practice() + "/" + q.enabled(), q.practice() + "/" + q.alsoEnabled());
    assertThat(q.store().find(q.practice()).await()).contains(quarantine);

    QuarantineStore.Resumed resumed = q.store().resume(q.practice(), "operator", null).await();

    assertThat(resumed.quarantine().active()).isFalse();
    assertThat(resumed.quarantine().resumedBy()).isEqualTo("operator");
    assertThat(resumed.settled()).extracting(Quarantine.Hold::outcome).containsOnly(Quarantine.Outcome.RESTORED);
    assertThat(statusOf(q.practice(), q.enabled())).isEqualTo(GrantStatus.ENABLED);
    assertThat(statusOf(q.practice(), q.alsoEnabled())).isEqualTo(GrantStatus.ENABLED);
    assertThat(statusOf(q.practice(), q.disabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(statusOf(q.practice(), q.blocked())).isEqualTo(GrantStatus.BLOCKED);
    assertThat(statusOf(q.practice(), q.pending())).isEqualTo(GrantStatus.PENDING);
    assertThat(grants.find(q.practice(), q.enabled()).await()).as("scopes and limits too").contains(before);
    assertThatThrownBy(() -> q.store().resume(q.practice(), "operator", null).await())
        .isInstanceOfSatisfying(com.pmsrelay.common.error.RelayException.class,
            e -> assertThat(e.code()).isEqualTo(com.pmsrelay.common.error.ErrorCode.NOT_QUARANTINED));
  }

  @Test
  void resumingOneGivesBackThatOneOnlyAndTheLastOneEndsTheQuarantine() {
    Quarantined q = practiceWithEveryKindOfGrant();
    q.store().quarantine(q.practice(), "operator", "leaked key", false).await();

    QuarantineStore.Resumed one = q.store().resume(q.practice(), "console:pm", q.enabled()).await();

    assertThat(one.settled()).extracting(Quarantine.Hold::clientId).containsExactly(q.enabled());
    assertThat(one.quarantine().active()).isTrue();
    assertThat(one.quarantine().paused()).extracting(Quarantine.Hold::clientId).containsExactly(q.alsoEnabled());
    assertThat(statusOf(q.practice(), q.enabled())).isEqualTo(GrantStatus.ENABLED);
    assertThat(statusOf(q.practice(), q.alsoEnabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(q.store().resume(q.practice(), "console:pm", q.enabled()).await().settled()).as("resumed already").isEmpty();
    assertThatThrownBy(() -> q.store().resume(q.practice(), "console:pm", "cli_unknown").await())
        .isInstanceOfSatisfying(com.pmsrelay.common.error.RelayException.class,
            e -> assertThat(e.code()).isEqualTo(com.pmsrelay.common.error.ErrorCode.NOT_FOUND));

    QuarantineStore.Resumed last = q.store().resume(q.practice(), "console:pm", q.alsoEnabled()).await();

    assertThat(last.quarantine().active()).isFalse();
    assertThat(statusOf(q.practice(), q.alsoEnabled())).isEqualTo(GrantStatus.ENABLED);
  }

  @Test
  void aGrantChangedDuringTheQuarantineKeepsItsNewStatusWhenResumed() {
    Quarantined q = practiceWithEveryKindOfGrant();
    q.store().quarantine(q.practice(), "operator", "suspicious reads", false).await();
    // The admin blocks one paused integration, and disables another "again" (same status, still a decision).
    Grant enabled = grants.find(q.practice(), q.enabled()).await().orElseThrow();
    grants.put(new Grant(q.practice(), q.enabled(), GrantStatus.BLOCKED, enabled.scopes(), enabled.maxRows(),
        enabled.maxTimeoutMs(), enabled.maxQueueTimeoutMs(), enabled.ratePerMinute(), enabled.weight())).await();
    grants.put(grants.find(q.practice(), q.alsoEnabled()).await().orElseThrow()).await();
    // ... and enables one the quarantine found disabled.
    Grant disabled = grants.find(q.practice(), q.disabled()).await().orElseThrow();
    grants.put(new Grant(q.practice(), q.disabled(), GrantStatus.ENABLED, disabled.scopes(), disabled.maxRows(),
        disabled.maxTimeoutMs(), disabled.maxQueueTimeoutMs(), disabled.ratePerMinute(), disabled.weight())).await();
    assertThat(q.store().find(q.practice()).await().orElseThrow().paused())
        .allSatisfy(h -> assertThat(h.changedSince()).as(h.clientId()).isTrue());

    QuarantineStore.Resumed resumed = q.store().resume(q.practice(), "operator", null).await();

    assertThat(resumed.settled()).extracting(Quarantine.Hold::outcome).containsOnly(Quarantine.Outcome.KEPT);
    assertThat(resumed.settled()).filteredOn(h -> h.clientId().equals(q.enabled()))
        .extracting(Quarantine.Hold::settledStatus).containsExactly(GrantStatus.BLOCKED);
    assertThat(statusOf(q.practice(), q.enabled())).isEqualTo(GrantStatus.BLOCKED);
    assertThat(statusOf(q.practice(), q.alsoEnabled())).isEqualTo(GrantStatus.DISABLED);
    assertThat(statusOf(q.practice(), q.disabled())).as("the admin's own choice").isEqualTo(GrantStatus.ENABLED);
  }

  @Test
  void aQuarantineVoidsPairingCodesRotatesTheKeyOnRequestAndIsAudited() {
    Quarantined q = practiceWithEveryKindOfGrant();
    PairingStore pairings = new PairingStore(db, grants);
    PracticeStore.Created other = practices.create("Other").await();
    PairingStore.Code code = pairings.create(q.practice(), q.pending(), "console:pm", 60_000).await();
    PairingStore.Code elsewhere = pairings.create(other.practiceId(), q.pending(), "console:pm", 60_000).await();
    assertThatThrownBy(() -> q.store().quarantine(UUID.randomUUID().toString(), "operator", "x", true).await())
        .isInstanceOfSatisfying(com.pmsrelay.common.error.RelayException.class,
            e -> assertThat(e.code()).isEqualTo(com.pmsrelay.common.error.ErrorCode.NOT_FOUND));

    QuarantineStore.Started started = q.store().quarantine(q.practice(), "console:pm", "laptop stolen", true).await();

    assertThat(started.pairingCodesVoided()).isEqualTo(1);
    assertThat(pairings.redeem(q.pending(), code.code()).await()).as("a code made before is void").isEmpty();
    assertThat(statusOf(q.practice(), q.pending())).isEqualTo(GrantStatus.PENDING);
    assertThat(pairings.redeem(q.pending(), elsewhere.code()).await()).as("another practice's code still works").isPresent();
    String key = started.agentKey().orElseThrow();
    assertThat(key).startsWith("pmsa_");
    assertThat(practices.verifyAgentKey(q.practice(), key).await()).isTrue();
    assertThatThrownBy(() -> q.store().quarantine(q.practice(), "operator", "again", false).await())
        .isInstanceOfSatisfying(com.pmsrelay.common.error.RelayException.class,
            e -> assertThat(e.code()).isEqualTo(com.pmsrelay.common.error.ErrorCode.ALREADY_QUARANTINED));
    q.store().resume(q.practice(), "console:pm", q.enabled()).await();
    q.store().resume(q.practice(), "console:pm", null).await();
    // A later quarantine replaces the finished one.
    assertThat(q.store().quarantine(q.practice(), "operator", "second incident", false).await().quarantine().reason())
        .isEqualTo("second incident");

    AuditStore audit = new AuditStore(db);
    List<AuditRecord> records = audit.list(new AuditStore.Query(q.practice(), null, null, null, "admin", null, null, 50))
        .await();
    assertThat(records).extracting(AuditRecord::action).containsExactly("practice.quarantine", "practice.resume",
        "practice.resume", "practice.rotate-key", "practice.quarantine");
    AuditRecord first = records.get(4);
    assertThat(first.actor()).isEqualTo("console:pm");
    JsonObject detail = new JsonObject(first.detail());
    assertThat(detail.getJsonObject("after").getString("reason")).isEqualTo("laptop stolen");
    assertThat(detail.getJsonObject("after").getBoolean("agentKeyRotated")).isTrue();
    assertThat(detail.getJsonObject("before").getJsonObject("grants").getString(q.blocked())).isEqualTo("blocked");
    assertThat(new JsonObject(records.get(3).detail()).toString()).doesNotContain(key);
    assertThat(new JsonObject(records.get(1).detail()).getJsonObject("after").getBoolean("quarantineEnded")).isTrue();
    assertThat(audit.verify().await().intact()).isTrue();
  }

  // ---- change feed ----

  @Test
  void changesAreReadInOrderAfterAnIdAndPurged() {
    ChangeStore changes = new ChangeStore(db);
    assertThat(changes.latestId().await()).isZero();
    assertThat(changes.after(0).await()).isEmpty();

    changes.publish(ChangeStore.AGENT_KEY, "practice-1").await();
    changes.publish(ChangeStore.GRANT, "practice-1/cli_a").await();
    changes.publish(ChangeStore.SIGNING_KEYS, "-").await();

    List<ChangeStore.Change> all = changes.after(0).await();
    assertThat(all).extracting(ChangeStore.Change::kind)
        .containsExactly(ChangeStore.AGENT_KEY, ChangeStore.GRANT, ChangeStore.SIGNING_KEYS);
    assertThat(all).extracting(ChangeStore.Change::id).isSorted().doesNotHaveDuplicates();
    assertThat(changes.latestId().await()).isEqualTo(all.get(2).id());
    assertThat(changes.after(all.get(0).id()).await()).extracting(ChangeStore.Change::subject)
        .containsExactly("practice-1/cli_a", "-");
    long now = System.currentTimeMillis();
    assertThat(changes.newerThan(all.get(0).id(), now + 60_000).await()).as("after the id only")
        .extracting(ChangeStore.Change::subject).containsExactly("practice-1/cli_a", "-");
    assertThat(changes.newerThan(all.get(2).id(), now - 60_000).await()).as("in the window, though not after the id")
        .isEqualTo(all);
    assertThat(changes.newerThan(all.get(2).id(), now + 60_000).await()).isEmpty();

    assertThat(changes.purgeOlderThan(System.currentTimeMillis() + 1).await()).isEqualTo(3);
    assertThat(changes.after(0).await()).isEmpty();
    changes.publish(ChangeStore.INTEGRATOR, "cli_a").await();
    assertThat(changes.after(all.get(2).id()).await()).extracting(ChangeStore.Change::kind).containsExactly(ChangeStore.INTEGRATOR);
  }

  // ---- audit log ----

  @Test
  void auditChainsAppendListVerifyAndPurge() {
    AuditStore audit = new AuditStore(db);
    List<Future<Long>> appends = new ArrayList<>();
    for (int i = 0; i < 20; i++) { // concurrent: appends to one chain serialise on its head row
      appends.add(audit.append(AuditRecord.query("practice-a", "cli_" + (i % 3), i % 4 == 0 ? "sql_rejected" : "succeeded",
          "q" + i, "h" + i, "SELECT " + i, 1, 5L, 100L, 0L, 3L)));
    }
    Future.all(appends).await();
    audit.append(AuditRecord.admin("practice-b", "console:admin", "grant.disable",
        new JsonObject().put("status", "enabled"), new JsonObject().put("status", "disabled"))).await();

    assertThat(appends).extracting(Future::result).containsExactlyInAnyOrderElementsOf(
        java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
    assertThat(audit.list(new AuditStore.Query("practice-a", null, null, null, null, null, 15L, 3)).await())
        .extracting(AuditRecord::seq).containsExactly(14L, 13L, 12L);
    assertThat(audit.list(new AuditStore.Query("practice-a", null, null, null, null, "refused", null, 100)).await())
        .hasSize(5).allSatisfy(r -> assertThat(r.outcome()).isEqualTo("sql_rejected"));
    assertThat(audit.list(new AuditStore.Query("practice-b", null, null, "console:admin", "admin", null, null, 10)).await())
        .singleElement().satisfies(r -> assertThat(r.detail()).contains("disabled"));
    assertThat(audit.verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.records()).isEqualTo(21);
    });

    assertThat(audit.purgeOlderThan(System.currentTimeMillis() + 1).await()).isEqualTo(21);
    assertThat(audit.verify().await().intact()).isTrue();
  }

  @Test
  void appendsArrivingTogetherGoInBatchesInArrivalOrderAndARecordTheStoreRefusesLosesNoOther() {
    AuditStore audit = new AuditStore(db);
    String[] chains = {"practice-x", "practice-y", "practice-z"};
    int perChain = 400; // more than one batch's worth in all
    List<Future<Long>> appends = new ArrayList<>();
    Future<Long> refused = null;
    for (int i = 0; i < perChain; i++) {
      for (String chain : chains) {
        appends.add(audit.append(AuditRecord.query(chain, "cli_1", "succeeded", chain + "-" + i, "h", "SELECT " + i,
            0, 1L, 10L, 0L, 1L)));
      }
      if (i == 250) { // an outcome longer than its column: the store refuses this one record
        refused = audit.append(AuditRecord.query("practice-y", "cli_1", "x".repeat(100), "bad", "h", "SELECT 0", 0,
            null, null, null, null));
      }
    }
    Future<Long> refusedAppend = refused;
    Future.join(appends).otherwiseEmpty().await();
    refusedAppend.otherwiseEmpty().await();

    assertThat(refusedAppend.failed()).isTrue();
    assertThat(appends).allSatisfy(f -> assertThat(f.succeeded()).isTrue());
    for (String chain : chains) {
      List<AuditRecord> records = audit.list(new AuditStore.Query(chain, null, null, null, null, null, null, 1_000)).await();
      assertThat(records).hasSize(perChain);
      for (AuditRecord r : records) { // newest first; each chain numbered in the order of its appends
        assertThat(r.queryId()).isEqualTo(chain + "-" + (r.seq() - 1));
      }
    }
    assertThat(audit.verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.records()).isEqualTo(3L * perChain);
    });
  }

  // ---- signed audit heads ----

  private SignedHeadStore signedHeads(AuditStore audit, MasterKey master) {
    return new SignedHeadStore(db, audit, AuditHeadKeys.derivedFrom(master));
  }

  private static void appendQueries(AuditStore audit, String chain, int n) {
    for (int i = 0; i < n; i++) {
      audit.append(AuditRecord.query(chain, "cli_a", "succeeded", chain + "-q" + i, "h", "SELECT " + i, 0, 1L, 10L, 0L, 1L))
          .await();
    }
  }

  @Test
  void movedChainsAreSignedAndRecordsAfterTheLatestSignedHeadAreReportedUnsigned() {
    AuditStore audit = new AuditStore(db);
    SignedHeadStore heads = signedHeads(audit, MASTER);
    appendQueries(audit, "practice-a", 5);
    appendQueries(audit, "practice-b", 3);

    assertThat(heads.signMoved().await()).isEqualTo(2);
    assertThat(heads.signMoved().await()).as("nothing moved").isZero();
    appendQueries(audit, "practice-a", 2);

    SignedHeadStore.Verification v = heads.verify().await();
    assertThat(v.intact()).as(String.valueOf(v)).isTrue();
    assertThat(v.checked()).isEqualTo(2);
    assertThat(v.unsigned()).singleElement().satisfies(u -> {
      assertThat(u.chain()).isEqualTo("practice-a");
      assertThat(u.afterPosition()).isEqualTo(5);
      assertThat(u.records()).isEqualTo(2);
      assertThat(u.oldestAtMs()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
    });

    assertThat(heads.signMoved().await()).isEqualTo(1);
    SignedHead latest = audit.latestSignedHead("practice-a").await().orElseThrow();
    assertThat(latest.n()).isEqualTo(2);
    assertThat(latest.seq()).isEqualTo(7);
    assertThat(latest.prevSeq()).isEqualTo(5);
    assertThat(latest.keyId()).isEqualTo(heads.keys().current().id());
    assertThat(heads.keys().current().verify(latest.statement(), latest.signature())).isTrue();
    assertThat(heads.verify().await()).satisfies(after -> {
      assertThat(after.intact()).isTrue();
      assertThat(after.checked()).isEqualTo(3);
      assertThat(after.unsigned()).isEmpty();
    });
  }

  /** What someone with write access to the store can do: rewrite a record and re-hash the chain after it, and its head. */
  private void rewriteConsistently(AuditStore audit, String chain, long fromSeq) throws SQLException {
    List<AuditRecord> records = new ArrayList<>(audit.list(new AuditStore.Query(chain, null, null, null, null, null, null,
        10_000)).await());
    java.util.Collections.reverse(records);
    String prev = AuditStore.GENESIS;
    try (Connection c = connect();
         PreparedStatement row = c.prepareStatement("UPDATE audit_log SET actor = ?, prev_hash = ?, hash = ? WHERE chain = ? AND seq = ?");
         PreparedStatement head = c.prepareStatement("UPDATE audit_heads SET hash = ? WHERE chain = ?")) {
      for (AuditRecord r : records) {
        AuditRecord edited = r.seq() == fromSeq ? new AuditRecord(r.chain(), r.seq(), r.atMs(), r.kind(), "cli_innocent",
            r.action(), r.outcome(), r.queryId(), r.sqlHash(), r.sqlText(), r.paramsCount(), r.rowCount(), r.bytes(),
            r.queueMs(), r.execMs(), r.detail()) : r;
        String hash = AuditStore.hash(prev, edited);
        row.setString(1, edited.actor());
        row.setString(2, prev);
        row.setString(3, hash);
        row.setString(4, chain);
        row.setLong(5, r.seq());
        row.executeUpdate();
        prev = hash;
      }
      head.setString(1, prev);
      head.setString(2, chain);
      head.executeUpdate();
    }
  }

  @Test
  void aChainRewrittenAndReHashedConsistentlyFailsAtItsFirstSignedPositionAndIsNotSignedOver() throws Exception {
    AuditStore audit = new AuditStore(db);
    SignedHeadStore heads = signedHeads(audit, MASTER);
    appendQueries(audit, "practice-a", 4);
    heads.signMoved().await();
    appendQueries(audit, "practice-a", 4);
    heads.signMoved().await();
    appendQueries(audit, "practice-b", 2);
    heads.signMoved().await();

    rewriteConsistently(audit, "practice-a", 3);

    assertThat(audit.verify().await().intact()).as("the hash chain alone cannot tell").isTrue();
    SignedHeadStore.Verification v = heads.verify().await();
    assertThat(v.intact()).isFalse();
    assertThat(v.broken()).singleElement().satisfies(b -> {
      assertThat(b.chain()).isEqualTo("practice-a");
      assertThat(b.position()).isEqualTo(4);
      assertThat(b.problem()).contains("rewritten");
    });
    appendQueries(audit, "practice-a", 1);
    assertThat(heads.signMoved().await()).as("a chain that does not extend its signed head is not signed").isZero();
    assertThat(audit.latestSignedHead("practice-a").await().orElseThrow().seq()).isEqualTo(8);
  }

  @Test
  void aRemovedOrForgedSignedHeadIsFound() throws Exception {
    AuditStore audit = new AuditStore(db);
    SignedHeadStore heads = signedHeads(audit, MASTER);
    for (int i = 0; i < 3; i++) {
      appendQueries(audit, "practice-a", 2);
      heads.signMoved().await();
    }
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_signed_heads WHERE chain = 'practice-a' AND n = 2");
    }
    assertThat(heads.verify().await().broken()).singleElement()
        .satisfies(b -> assertThat(b.problem()).contains("were removed").contains("2 to 2"));
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate("DELETE FROM audit_signed_heads WHERE chain = 'practice-a' AND n = 1");
    }
    assertThat(heads.verify().await().broken()).singleElement()
        .satisfies(b -> assertThat(b.problem()).contains("before number 3 were removed"));
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.executeUpdate("UPDATE audit_signed_heads SET n = 1, prev_seq = 0, prev_link = '" + SignedHead.NO_LINK + "'");
    }
    assertThat(heads.verify().await().broken()).singleElement()
        .satisfies(b -> assertThat(b.problem()).contains("does not verify"));
  }

  @Test
  void nodesSigningAtOnceKeepOneLineOfSignedHeads() {
    AuditStore audit = new AuditStore(db);
    List<SignedHeadStore> nodes = IntStream.range(0, 4).mapToObj(i -> signedHeads(audit, MASTER)).toList();
    int signed = 0;
    for (int round = 0; round < 5; round++) {
      appendQueries(audit, "practice-a", 3);
      List<Future<Integer>> passes = nodes.stream().map(SignedHeadStore::signMoved).toList();
      Future.join(passes).await();
      int added = passes.stream().mapToInt(Future::result).sum();
      assertThat(added).as("round %d: one head added, however many nodes tried", round).isEqualTo(1);
      signed += added;
    }
    assertThat(countRows("audit_signed_heads")).isEqualTo(signed);
    assertThat(nodes.get(0).verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.checked()).isEqualTo(5);
    });
  }

  @Test
  void retentionKeepsTheSignedHeadsVerifiable() {
    AuditStore audit = new AuditStore(db);
    SignedHeadStore heads = signedHeads(audit, MASTER);
    for (int i = 0; i < 3; i++) {
      appendQueries(audit, "practice-a", 2);
      heads.signMoved().await();
    }
    audit.purgeOlderThan(System.currentTimeMillis() + 1).await();
    assertThat(countRows("audit_signed_heads")).as("only the latest, which the next links to").isEqualTo(1);
    assertThat(heads.verify().await().intact()).isTrue();

    appendQueries(audit, "practice-a", 2);
    assertThat(heads.signMoved().await()).isEqualTo(1);
    assertThat(heads.verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.unsigned()).isEmpty();
    });
  }

  @Test
  void headsSignedUnderThePreviousMasterKeyStillVerifyAndTheLatestIsSignedAgainUnderTheNewOne() {
    byte[] old = Secrets.randomBytes(32);
    byte[] fresh = Secrets.randomBytes(32);
    AuditStore audit = new AuditStore(db);
    SignedHeadStore before = signedHeads(audit, MasterKey.of(old, null));
    appendQueries(audit, "practice-a", 3);
    before.signMoved().await();

    SignedHeadStore rotating = signedHeads(audit, MasterKey.of(fresh, old));
    assertThat(rotating.verify().await()).satisfies(v -> {
      assertThat(v.intact()).isTrue();
      assertThat(v.unverifiable()).isZero();
    });
    assertThat(rotating.signMoved().await()).as("the latest head again, under the new key").isEqualTo(1);
    SignedHead latest = audit.latestSignedHead("practice-a").await().orElseThrow();
    assertThat(latest.seq()).isEqualTo(3);
    assertThat(latest.keyId()).isEqualTo(rotating.keys().current().id());

    SignedHeadStore dropped = signedHeads(audit, MasterKey.of(fresh, null));
    assertThat(dropped.verify().await()).satisfies(v -> {
      assertThat(v.intact()).as(String.valueOf(v)).isTrue();
      assertThat(v.unverifiable()).as("the old head, vouched for by the new one's link").isEqualTo(1);
      assertThat(v.unsigned()).isEmpty();
    });
    SignedHeadStore lost = signedHeads(audit, MasterKey.of(Secrets.randomBytes(32), null));
    assertThat(lost.verify().await()).satisfies(v -> {
      assertThat(v.intact()).isTrue();
      assertThat(v.unsigned()).singleElement().satisfies(u -> assertThat(u.afterPosition()).isZero());
    });
  }

  // ---- helpers ----

  private static OffsetDateTime now() {
    return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  /** A connection of its own to the database under test, beside the store's pool. */
  protected final Connection connect() throws SQLException {
    return DriverManager.getConnection(config.jdbcUrl(), config.user(), config.password());
  }

  /** Ends each session that {@code othersSql} lists with {@code killSql}, on a connection of its own; answers how many. */
  protected final int killEach(String othersSql, String killSql) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet others = s.executeQuery(othersSql);
         PreparedStatement kill = c.prepareStatement(killSql)) {
      int killed = 0;
      while (others.next()) {
        kill.setInt(1, others.getInt(1));
        kill.execute();
        killed++;
      }
      return killed;
    }
  }

  // ---- the monitor's alerts and baselines (V9) ----

  private Alert alert(String id, String practiceId, String clientId, long atMs) {
    return new Alert(id, practiceId, clientId, "refusals", atMs, "node-1",
        new JsonObject().put("refusals", 10).put("tables", new JsonArray().add("dbo.Patients")), false, null, null);
  }

  @Test
  void alertsAreListedNewestFirstPerPracticeAndAcknowledgedOnce() {
    AlertStore alerts = new AlertStore(db);
    String a = practices.create("Alert Practice A").await().practiceId();
    String b = practices.create("Alert Practice B").await().practiceId();
    alerts.add(alert("00000000-0000-0000-0000-000000000001", a, "cli_1", 1_000)).await();
    alerts.add(alert("00000000-0000-0000-0000-000000000002", a, null, 2_000)).await();
    alerts.add(alert("00000000-0000-0000-0000-000000000003", b, "cli_1", 3_000)).await();
    alerts.markPaused("00000000-0000-0000-0000-000000000001").await();

    assertThat(alerts.list(a, false, 10).await()).extracting(Alert::alertId)
        .containsExactly("00000000-0000-0000-0000-000000000002", "00000000-0000-0000-0000-000000000001");
    assertThat(alerts.list(null, false, 10).await()).hasSize(3);
    Alert first = alerts.find(a, "00000000-0000-0000-0000-000000000001").await().orElseThrow();
    assertThat(first.paused()).isTrue();
    assertThat(first.clientId()).isEqualTo("cli_1");
    assertThat(first.figures().getJsonArray("tables").getString(0)).isEqualTo("dbo.Patients");
    assertThat(alerts.find(a, "00000000-0000-0000-0000-000000000002").await().orElseThrow().clientId()).isNull();
    assertThat(alerts.countUnacknowledged(a).await()).isEqualTo(2);

    // another practice's alert cannot be acknowledged through this one
    assertThat(alerts.acknowledge(b, "00000000-0000-0000-0000-000000000001", "console:b", 5_000).await()).isEmpty();
    Alert acked = alerts.acknowledge(a, "00000000-0000-0000-0000-000000000001", "console:a", 5_000).await().orElseThrow();
    assertThat(acked.acknowledgedBy()).isEqualTo("console:a");
    assertThat(acked.acknowledgedAtMs()).isEqualTo(5_000);
    Alert again = alerts.acknowledge(a, "00000000-0000-0000-0000-000000000001", "console:x", 6_000).await().orElseThrow();
    assertThat(again.acknowledgedBy()).as("the first acknowledgement stays").isEqualTo("console:a");
    assertThat(alerts.countUnacknowledged(a).await()).isEqualTo(1);
    assertThat(alerts.list(a, true, 10).await()).extracting(Alert::alertId).containsExactly("00000000-0000-0000-0000-000000000002");
  }

  @Test
  void baselinesMergeIntoWhatIsStoredUnderTheRowsLock() {
    BaselineStore baselines = new BaselineStore(db);
    assertThat(baselines.load("p1", "cli_1").await()).isEmpty();
    assertThat(baselines.merge("p1", "cli_1", stored -> stored == null ? "a" : stored + "b").await()).isEqualTo("a");
    // concurrent merges (two nodes) each see the other's: none is lost
    List<Future<String>> merges = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      merges.add(baselines.merge("p1", "cli_1", stored -> stored + "b"));
    }
    Future.all(merges).await();
    assertThat(baselines.load("p1", "cli_1").await()).contains("abbbbbbbb");
    assertThat(baselines.merge("p1", BaselineStore.AGENT, stored -> "agent").await()).isEqualTo("agent");
    assertThat(baselines.load("p1", BaselineStore.AGENT).await()).contains("agent");
  }

  /** The versions of the migration scripts shipped (db/cloud/V<version>__<name>.sql). */
  private List<String> migrationVersions() throws Exception {
    java.util.regex.Pattern script = java.util.regex.Pattern.compile("V([0-9_.]+)__.+\\.sql");
    try (java.util.stream.Stream<java.nio.file.Path> files =
             java.nio.file.Files.list(java.nio.file.Path.of(getClass().getResource("/db/cloud").toURI()))) {
      return files.map(f -> script.matcher(f.getFileName().toString()))
          .filter(java.util.regex.Matcher::matches)
          .map(m -> m.group(1).replace('_', '.'))
          .toList();
    }
  }

  /** The versions Flyway recorded as applied, in order; every one must have succeeded. */
  private List<String> appliedMigrations() throws SQLException {
    List<String> versions = new ArrayList<>();
    try (Connection c = connect(); Statement s = c.createStatement();
         ResultSet rs = s.executeQuery(
             "SELECT \"version\", \"success\" FROM \"flyway_schema_history\" WHERE \"version\" IS NOT NULL ORDER BY \"installed_rank\"")) {
      while (rs.next()) {
        assertThat(rs.getBoolean(2)).as("migration %s succeeded", rs.getString(1)).isTrue();
        versions.add(rs.getString(1));
      }
    }
    return versions;
  }

  private Instant nodeAliveAt(String node) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT alive_at FROM cloud_nodes WHERE node_id = ?")) {
      ps.setString(1, node);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for %s", node).isTrue();
        return rs.getObject(1, OffsetDateTime.class).toInstant();
      }
    }
  }

  private int countRows(String table) {
    try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getInt(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- registered queries ----

  private static RegisteredQuery registration(String practiceId, String clientId, long expiresAtMs) {
    return new RegisteredQuery(UUID.randomUUID().toString(), clientId, practiceId, "SELECT 1 AS One", null, 0, null, 60,
        expiresAtMs, System.currentTimeMillis(), null, null, null, null, 0, 0, null);
  }

  /** A practice with one integrator enabled there (the cap's lock is the grant's row, as in the API). */
  private String[] grantedPair() {
    String practiceId = practices.create("Registered " + UUID.randomUUID()).await().practiceId();
    String clientId = integrators.create("Booking " + UUID.randomUUID(), null).await().clientId();
    grants.put(Grant.withDefaults(practiceId, clientId, GrantStatus.ENABLED)).await();
    return new String[] {practiceId, clientId};
  }

  @Test
  void theRegistrationCapHoldsUnderConcurrentInserts() {
    String[] pair = grantedPair();
    RegisteredQueryStore store = new RegisteredQueryStore(db);
    long now = System.currentTimeMillis();
    long expires = now + 86_400_000L;
    store.insert(registration(pair[0], pair[1], now - 1), 5, now).await(); // expired: does not count
    List<Future<Boolean>> racing = IntStream.range(0, 20)
        .mapToObj(i -> store.insert(registration(pair[0], pair[1], expires), 5, now)).toList();
    Future.join(racing).await();
    long kept = racing.stream().filter(f -> f.succeeded() && f.result()).count();
    assertThat(kept).as("inserts that passed the cap of 5").isEqualTo(5);
    assertThat(racing).as("a loser is told false, not failed").allMatch(f -> f.succeeded() || f.failed());
    assertThat(store.ofPractice(pair[0]).await().stream().filter(r -> !r.expired(now)).count()).isEqualTo(5);
    // Another integrator at the same practice has its own cap.
    String other = integrators.create("Recalls " + UUID.randomUUID(), null).await().clientId();
    grants.put(Grant.withDefaults(pair[0], other, GrantStatus.ENABLED)).await();
    assertThat(store.insert(registration(pair[0], other, expires), 5, now).await()).isTrue();
  }

  @Test
  void aChangeIsRecordedOnlyWhenTheStoredHashDidNotMove() {
    String[] pair = grantedPair();
    RegisteredQueryStore store = new RegisteredQueryStore(db);
    RegisteredQuery r = registration(pair[0], pair[1], System.currentTimeMillis() + 86_400_000L);
    store.insert(r, 50, System.currentTimeMillis()).await();
    String a = "a".repeat(64);
    String b = "b".repeat(64);
    String c = "c".repeat(64);
    String id = r.registrationId();

    assertThat(store.changed(id, null, a, "result-1", 1_000).await()).as("the first result").isTrue();
    assertThat(store.changed(id, null, b, "result-2", 2_000).await()).as("a run that still saw no result").isFalse();
    assertThat(store.changed(id, a, b, "result-3", 3_000).await()).isTrue();
    assertThat(store.changed(id, a, c, "result-4", 4_000).await()).as("another change got there first").isFalse();
    RegisteredQuery after = store.find(id).await().orElseThrow();
    assertThat(after.lastResultId()).as("the last change recorded, not the late one").isEqualTo("result-3");
    assertThat(after.lastHash()).isEqualTo(b);
    assertThat(after.lastChangeAtMs()).isEqualTo(3_000);
    assertThat(after.changes()).isEqualTo(2);

    store.ran(id, 6_000).await();
    RegisteredQuery ran = store.find(id).await().orElseThrow();
    assertThat(ran.lastRunAtMs()).isEqualTo(6_000);
    assertThat(ran.lastChangeAtMs()).as("a run without change keeps the last change").isEqualTo(3_000);
    assertThat(ran.runs()).isEqualTo(3);
    assertThat(ran.changes()).isEqualTo(2);
  }

  @Test
  void concurrentChangesFromTheSameHashRecordOne() {
    String[] pair = grantedPair();
    RegisteredQueryStore store = new RegisteredQueryStore(db);
    RegisteredQuery r = registration(pair[0], pair[1], System.currentTimeMillis() + 86_400_000L);
    store.insert(r, 50, System.currentTimeMillis()).await();
    store.changed(r.registrationId(), null, "0".repeat(64), "first", 1_000).await();
    List<Future<Boolean>> racing = IntStream.range(0, 10).mapToObj(i -> store.changed(r.registrationId(), "0".repeat(64),
        Integer.toHexString(i + 1).repeat(64), "result-" + i, 2_000 + i)).toList(); // none equal to the stored hash
    Future.join(racing).await();
    assertThat(racing.stream().filter(f -> f.succeeded() && f.result()).count()).isEqualTo(1);
    assertThat(store.find(r.registrationId()).await().orElseThrow().changes()).isEqualTo(2);
  }

  @Test
  void expiredRegistrationsAreMarkedOnceWhenTwoNodesSweepAtOnce() {
    String[] pair = grantedPair();
    RegisteredQueryStore store = new RegisteredQueryStore(db);
    long now = System.currentTimeMillis();
    List<String> due = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      RegisteredQuery r = registration(pair[0], pair[1], now - 1_000 + i);
      store.insert(r, 50, now - 10_000).await();
      due.add(r.registrationId());
    }
    RegisteredQuery later = registration(pair[0], pair[1], now + 60_000);
    store.insert(later, 50, now).await();

    Future<List<RegisteredQuery>> one = store.expireDue(now, 500);
    Future<List<RegisteredQuery>> two = store.expireDue(now, 500);
    Future.all(one, two).await();
    List<String> marked = new ArrayList<>();
    one.result().forEach(r -> marked.add(r.registrationId()));
    two.result().forEach(r -> marked.add(r.registrationId()));
    assertThat(marked).as("each expired registration answered to one sweep").containsExactlyInAnyOrderElementsOf(due);
    assertThat(store.expireDue(now, 500).await()).as("a later sweep finds none left").isEmpty();
    for (String id : due) {
      assertThat(store.find(id).await().orElseThrow().expiredAtMs()).isEqualTo(now);
    }
    assertThat(store.find(later.registrationId()).await().orElseThrow().expiredAtMs()).as("not yet expired").isNull();
    assertThat(store.expireDue(now + 60_000, 500).await()).extracting(RegisteredQuery::registrationId)
        .containsExactly(later.registrationId());
  }

  @Test
  void registrationsExpiredLongerAgoThanTheCutAreRemovedAndNoOthers() {
    String[] pair = grantedPair();
    RegisteredQueryStore store = new RegisteredQueryStore(db);
    long now = System.currentTimeMillis();
    RegisteredQuery old = registration(pair[0], pair[1], now - 10_000);
    RegisteredQuery recent = registration(pair[0], pair[1], now - 1_000);
    RegisteredQuery active = registration(pair[0], pair[1], now + 60_000);
    for (RegisteredQuery r : List.of(old, recent, active)) {
      store.insert(r, 50, now - 20_000).await();
    }
    store.expireDue(now - 5_000, 500).await(); // marks old only, at now - 5 s
    store.expireDue(now, 500).await(); // marks recent, at now
    assertThat(store.purgeExpired(now - 2_000).await()).isEqualTo(1);
    assertThat(store.find(old.registrationId()).await()).isEmpty();
    assertThat(store.find(recent.registrationId()).await()).as("expired, still kept").isPresent();
    assertThat(store.find(active.registrationId()).await()).isPresent();
    assertThat(store.purgeExpired(now - 2_000).await()).isZero();
  }

  private static IntegratorStore integrators(Database db, PasswordHasher legacy, KeyedHasher secrets) {
    return new IntegratorStore(db, legacy, secrets);
  }

  private void execute(String sql, String... args) {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < args.length; i++) {
        ps.setString(i + 1, args[i]);
      }
      ps.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private String stringColumn(String sql, String key) throws SQLException {
    try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(sql)) {
      ps.setString(1, key);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("a row for %s", key).isTrue();
        return rs.getString(1);
      }
    }
  }
}
