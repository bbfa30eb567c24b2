package com.pmsrelay.cloud.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.pmsrelay.cloud.store.Database;
import com.pmsrelay.cloud.store.Practice;
import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.cloud.store.StoreConfig;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Tuple;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The batched heartbeat writer, on a real H2 store, with a clock the test moves. */
@Timeout(30)
class HeartbeatRecorderTest {
  private static final String NODE = "node-1";

  @TempDir static Path dir;
  static Vertx vertx;
  static Database db;
  static PracticeStore practices;

  private final AtomicLong clock = new AtomicLong(System.currentTimeMillis());
  private HeartbeatRecorder recorder;

  @BeforeAll
  static void open() {
    vertx = Vertx.vertx();
    db = Database.open(vertx, new StoreConfig(StoreConfig.embeddedH2(dir.resolve("control")), "", "", 4));
    practices = new PracticeStore(db);
  }

  @AfterAll
  static void close() {
    db.close().await();
    vertx.close().await();
  }

  @BeforeEach
  void newRecorder() {
    recorder = new HeartbeatRecorder(vertx, practices, NODE, 60_000, clock::get);
  }

  @Test
  void oneFlushWritesTheHeartbeatsOfManyAgents() {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      String id = connectedPractice();
      ids.add(id);
      HeartbeatRecorder.Agent agent = onRecord(id);
      agent.heard(i, i % 3);
    }

    recorder.flush().await();

    for (int i = 0; i < ids.size(); i++) {
      Practice p = find(ids.get(i));
      assertThat(p.agentLastSeen().toInstant()).isEqualTo(Instant.ofEpochMilli(clock.get()));
      assertThat(p.agentQueued()).isEqualTo(i);
      assertThat(p.agentRunning()).isEqualTo(i % 3);
    }
  }

  @Test
  void anUnchangedLoadIsWrittenOnceAndNeverAgain() {
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = onRecord(id);
    long first = clock.get();
    agent.heard(1, 0);
    recorder.flush().await();
    assertThat(ownLastSeen(id)).isEqualTo(Instant.ofEpochMilli(first));

    for (int i = 0; i < 5; i++) {
      clock.addAndGet(3_600_000); // however old the stored heartbeat gets
      agent.heard(1, 0);
      recorder.flush().await();
    }

    assertThat(ownLastSeen(id)).isEqualTo(Instant.ofEpochMilli(first));
    // the node vouches for the open connection instead
    assertThat(find(id).agentLastSeen().toInstant()).isEqualTo(Instant.ofEpochMilli(clock.get()));
  }

  @Test
  void eachFlushRecordsTheNodeAliveWithOrWithoutHeartbeats() {
    recorder.flush().await();
    assertThat(nodeAliveAt()).isEqualTo(Instant.ofEpochMilli(clock.get()));

    clock.addAndGet(1_000);
    onRecord(connectedPractice()).heard(2, 0);
    recorder.flush().await();
    assertThat(nodeAliveAt()).isEqualTo(Instant.ofEpochMilli(clock.get()));

    clock.addAndGet(1_000);
    recorder.flush().await();
    assertThat(nodeAliveAt()).isEqualTo(Instant.ofEpochMilli(clock.get()));
  }

  @Test
  void aChangedLoadIsWrittenAtTheNextFlush() {
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = onRecord(id);
    agent.heard(1, 0);
    recorder.flush().await();

    clock.addAndGet(1_000);
    agent.heard(2, 1);
    recorder.flush().await();

    assertThat(ownLastSeen(id)).isEqualTo(Instant.ofEpochMilli(clock.get()));
    Practice p = find(id);
    assertThat(p.agentQueued()).isEqualTo(2);
    assertThat(p.agentRunning()).isEqualTo(1);
  }

  @Test
  void aLoadThatChangesAndChangesBackBeforeAFlushIsNotWrittenAgain() {
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = onRecord(id);
    long first = clock.get();
    agent.heard(1, 0);
    recorder.flush().await();

    clock.addAndGet(1_000);
    agent.heard(2, 0);
    agent.heard(1, 0);
    recorder.flush().await();

    assertThat(ownLastSeen(id)).isEqualTo(Instant.ofEpochMilli(first));
  }

  @Test
  void heartbeatsWaitUntilTheConnectionIsOnRecord() {
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = recorder.track(id);
    agent.heard(4, 1); // the agent's ping right after authenticating, before its connection is written

    recorder.flush().await();
    assertThat(find(id).agentQueued()).isNull();

    agent.connectionRecorded();
    recorder.flush().await();
    assertThat(find(id).agentQueued()).isEqualTo(4);
  }

  @Test
  void aClosedConnectionsHeartbeatIsNotWritten() {
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = onRecord(id);
    agent.heard(4, 1);

    agent.closed();
    recorder.flush().await();

    assertThat(find(id).agentQueued()).isNull();
  }

  @Test
  void heartbeatsAFailedFlushCouldNotWriteGoWithTheNext() {
    String id = connectedPractice();
    onRecord(id).heard(3, 2);

    renamePractices("practices", "practices_away");
    try {
      assertThatThrownBy(() -> recorder.flush().await()).hasStackTraceContaining("PRACTICES");
    } finally {
      renamePractices("practices_away", "practices");
    }
    recorder.flush().await();

    assertThat(find(id).agentQueued()).isEqualTo(3);
  }

  @Test
  void theTimerKeepsFlushingAfterAFailureUntilStopped() throws InterruptedException {
    recorder = new HeartbeatRecorder(vertx, practices, NODE, 20, clock::get);
    String id = connectedPractice();
    HeartbeatRecorder.Agent agent = onRecord(id);
    renamePractices("practices", "practices_away");
    recorder.start();
    try {
      agent.heard(3, 2);
      Thread.sleep(100); // a few flushes fail
    } finally {
      renamePractices("practices_away", "practices");
    }
    while (find(id).agentQueued() == null) {
      Thread.sleep(20);
    }
    assertThat(find(id).agentRunning()).isEqualTo(2);

    recorder.stop();
    Thread.sleep(40); // a flush under way when stopped ends
    agent.heard(5, 0);
    Thread.sleep(100);
    assertThat(find(id).agentQueued()).isEqualTo(3);
  }

  private HeartbeatRecorder.Agent onRecord(String practiceId) {
    HeartbeatRecorder.Agent agent = recorder.track(practiceId);
    agent.connectionRecorded();
    return agent;
  }

  private static String connectedPractice() {
    String id = practices.create("P").await().practiceId();
    practices.agentConnected(id, NODE, "0.1.0", "demo", "1").await();
    return id;
  }

  private static Practice find(String practiceId) {
    return practices.find(practiceId).await().orElseThrow();
  }

  /** The agent's own last-seen, as heartbeats wrote it (the store's reads add its node's alive time). */
  private static Instant ownLastSeen(String practiceId) {
    return instant("SELECT agent_last_seen FROM practices WHERE practice_id = ?", practiceId);
  }

  private static Instant nodeAliveAt() {
    return instant("SELECT alive_at FROM cloud_nodes WHERE node_id = ?", NODE);
  }

  private static Instant instant(String sql, String key) {
    return db.first(sql, Tuple.of(key), row -> row.getOffsetDateTime(0).toInstant()).await().orElseThrow();
  }

  private static void renamePractices(String from, String to) {
    db.update("ALTER TABLE " + from + " RENAME TO " + to, Tuple.tuple()).await();
  }
}
