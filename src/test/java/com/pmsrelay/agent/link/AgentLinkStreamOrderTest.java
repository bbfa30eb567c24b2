package com.pmsrelay.agent.link;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.agent.AgentNode;
import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.pms.PmsDatabase;
import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.guard.SqlGuard;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.net.NetSocketInternal;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A query's stream leaves the agent in the order the worker sent it, even while other threads write
 * to the same socket.
 *
 * <p>Vert.x 5.0.7's outbound queue of a connection ({@code MessagePassingQueue.add}) first puts a
 * message written from a thread other than the socket's event loop into its queue and only then
 * counts it. If that thread is descheduled in between while another thread's message is queued and
 * counted, the event loop drains the first (uncounted) message in place of the second, which then
 * sits uncounted in the queue; the next message written while the count is zero takes the
 * "overflow" slot and goes out first. The stuck message follows only when the descheduled thread
 * runs again. Under load (several worker threads writing results to the one socket) this let a
 * query's later message overtake an earlier one: the cloud logged "a result stream from an agent is
 * out of order: expected message 1, got 2 (end)" and answered 500, and before late messages were
 * dropped, the overtaken rows reached a stream already closed and the bridge dropped the agent.
 *
 * <p>The test makes that interleaving happen every time: it holds one writer thread between the
 * queueing and the counting (a queue wrapper put into the socket's outbound queue by reflection; the
 * JVM's scheduler does the same at random, about once in a million writes on two cores) while the
 * query's worker writes its result in two writes (columns and rows, then the end). Threads
 * {@code A} and {@code W} stand for other queries' workers writing to the same socket.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class AgentLinkStreamOrderTest {
  private static final long WAIT_S = 10;

  @TempDir Path dir;
  Vertx vertx;
  FakeCloud fakeCloud;
  AgentNode agent;
  final String practiceId = UUID.randomUUID().toString();
  Promise<NetSocket> registered;
  String dbUrl;
  final HeldResultSet held = new HeldResultSet();

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    fakeCloud = FakeCloud.start(vertx, dir);
    registered = fakeCloud.registered;

    dbUrl = "jdbc:h2:mem:order" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1";
    try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE Numbers (N INT PRIMARY KEY)");
      s.execute("INSERT INTO Numbers VALUES (7), (8)");
    }
    agent = new AgentNode(vertx, agentConfig(), new HeldPms(), new SqlGuard(65_536)).start().await();
  }

  @AfterEach
  void stop() {
    held.releaseAll();
    try {
      if (agent != null) {
        agent.stop().await();
      }
    } finally {
      vertx.close().await();
      try (Connection c = DriverManager.getConnection(dbUrl); Statement s = c.createStatement()) {
        s.execute("SHUTDOWN");
      } catch (SQLException ignored) {
        // already gone
      }
    }
  }

  private AgentConfig agentConfig() {
    JsonObject json = ConfigLoader.defaults("agent");
    json.put("practiceId", practiceId).put("agentKey", "pmsa_test").put("pingIntervalMs", 600_000);
    json.getJsonObject("cloud").put("host", "127.0.0.1").put("port", fakeCloud.port())
        .getJsonObject("tls").put("pinnedSha256", fakeCloud.tls.fingerprintSha256());
    json.getJsonObject("pms").put("kind", "demo").put("catalogues", new JsonArray().add("Test"))
        .getJsonObject("demo").put("dir", dir.resolve("pms").toString());
    // One row per chunk: the two-row result leaves as two writes, [columns and row 0] then [row and end 1].
    json.getJsonObject("exec").put("chunkRows", 1);
    return AgentConfig.from(json);
  }

  @Test
  void aQuerysMessagesReachTheCloudInOrderWhileOtherThreadsWriteToTheSocket() throws Exception {
    NetSocket fromCloud = registered.future().await(WAIT_S, TimeUnit.SECONDS);
    NetSocket agentSocket = agentSocket(agent);
    HookedQueue hook = HookedQueue.installOn(agentSocket);
    var eventLoop = ((NetSocketInternal) agentSocket).channelHandlerContext().executor();

    String queryId = UUID.randomUUID().toString();
    String stream = Addresses.stream(queryId);
    QueryRequest query = new QueryRequest(queryId, practiceId, "cli_order", "SELECT N FROM Numbers WHERE N >= ? ORDER BY N",
        new JsonArray().add(7), null, 20_000, 20_000, 10, Long.MAX_VALUE, 1, new JsonArray(), QueryRequest.DEFAULT_CREDIT);
    fromCloud.write(Frames.encode(Frames.message(Addresses.practice(practiceId), query.toJson(), stream)));
    // The query's worker has its row and waits before sending anything.
    await(held.atFirstRow, "the worker reaches the first row");

    // The socket's event loop is busy for a moment (it runs other connections and tasks too).
    CountDownLatch loopBusy = new CountDownLatch(1);
    CountDownLatch loopFree = new CountDownLatch(1);
    eventLoop.execute(() -> {
      loopBusy.countDown();
      awaitQuietly(loopFree);
    });
    await(loopBusy, "the event loop is busy");
    // Another worker writes: it owns the outbound queue, its message waits for the event loop.
    runAndJoin(new Thread(() -> agentSocket.write(Frames.encode(Frames.ping()))));
    // A third worker writes and is descheduled between queueing its message and counting it.
    Thread descheduled = new Thread(() -> agentSocket.write(Frames.encode(Frames.ping())));
    hook.hold(descheduled);
    descheduled.start();
    await(hook.holding, "the third writer is held between queueing and counting");

    // The query's worker sends [columns, row 7] (seq 0) and goes on to the end of its result.
    held.mayReadFirstRow.countDown();
    await(held.atEnd, "the worker has sent its first chunk");
    // The event loop runs again and drains what was written so far.
    loopFree.countDown();
    runOnLoopAndWait(eventLoop);
    // The worker sends [row 8, end] (seq 1).
    held.mayEnd.countDown();
    awaitFrames(stream, f -> f.getJsonObject("body").containsKey("end"), 1);
    // The descheduled thread runs again.
    hook.release.countDown();
    descheduled.join(TimeUnit.SECONDS.toMillis(WAIT_S));
    awaitFrames(stream, f -> f.getJsonObject("body").containsKey("seq"), 2);

    assertThat(seqs(stream)).as("seq of the stream's messages in the order the cloud got them").containsExactly(0L, 1L);
  }

  private List<Long> seqs(String stream) {
    return fakeCloud.received().stream().filter(f -> stream.equals(f.getString("address")))
        .filter(f -> f.getJsonObject("body").containsKey("seq")) // not the acknowledgement
        .map(f -> f.getJsonObject("body").getLong("seq")).toList();
  }

  private void awaitFrames(String stream, java.util.function.Predicate<JsonObject> which, int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_S);
    while (System.nanoTime() < deadline) {
      if (fakeCloud.received().stream().filter(f -> stream.equals(f.getString("address"))).filter(which).count() >= count) {
        return;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("the fake cloud did not get the expected frames of " + stream + ": " + seqs(stream));
  }

  private static void runOnLoopAndWait(java.util.concurrent.Executor eventLoop) throws Exception {
    CountDownLatch ran = new CountDownLatch(1);
    eventLoop.execute(ran::countDown);
    await(ran, "the event loop ran what was queued before");
  }

  private static void runAndJoin(Thread thread) throws InterruptedException {
    thread.start();
    thread.join(TimeUnit.SECONDS.toMillis(WAIT_S));
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    if (!latch.await(WAIT_S, TimeUnit.SECONDS)) {
      throw new AssertionError("timed out waiting until " + what);
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(WAIT_S, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The agent's socket to the cloud (AgentNode.link, AgentLink.link, Link.socket). */
  private static NetSocket agentSocket(AgentNode agent) throws Exception {
    Object link = field(agent, AgentNode.class, "link");
    Object current = field(link, AgentLink.class, "link");
    return (NetSocket) field(current, current.getClass(), "socket");
  }

  private static Object field(Object target, Class<?> type, String name) throws Exception {
    Field f = type.getDeclaredField(name);
    f.setAccessible(true);
    return f.get(target);
  }

  /**
   * Put in place of the queue inside a Vert.x 5.0.7 connection's outbound {@code MessagePassingQueue}:
   * holds one thread right after its message is queued, before {@code add} counts it (as a
   * preemption there does).
   */
  static final class HookedQueue extends AbstractQueue<Object> {
    final Queue<Object> delegate;
    final CountDownLatch holding = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private volatile Thread held;

    private HookedQueue(Queue<Object> delegate) {
      this.delegate = delegate;
    }

    @SuppressWarnings("unchecked")
    static HookedQueue installOn(NetSocket socket) throws Exception {
      Object outbound = field(socket, Class.forName("io.vertx.core.net.impl.VertxConnection"), "outboundMessageQueue");
      Object mqp = field(outbound, Class.forName("io.vertx.core.internal.concurrent.OutboundMessageQueue"), "mqp");
      Field queue = Class.forName("io.vertx.core.streams.impl.MessagePassingQueue").getDeclaredField("queue");
      queue.setAccessible(true);
      HookedQueue hooked = new HookedQueue((Queue<Object>) queue.get(mqp));
      queue.set(mqp, hooked);
      return hooked;
    }

    void hold(Thread thread) {
      held = thread;
    }

    @Override
    public boolean offer(Object message) {
      boolean queued = delegate.offer(message);
      if (Thread.currentThread() == held) {
        held = null;
        holding.countDown();
        awaitQuietly(release);
      }
      return queued;
    }

    @Override
    public Object poll() {
      return delegate.poll();
    }

    @Override
    public Object peek() {
      return delegate.peek();
    }

    @Override
    public int size() {
      return delegate.size();
    }

    @Override
    public Iterator<Object> iterator() {
      return delegate.iterator();
    }
  }

  /** Stops the worker at its first row and at the end of its result until the test lets it go on. */
  static final class HeldResultSet {
    final CountDownLatch atFirstRow = new CountDownLatch(1);
    final CountDownLatch mayReadFirstRow = new CountDownLatch(1);
    final CountDownLatch atEnd = new CountDownLatch(1);
    final CountDownLatch mayEnd = new CountDownLatch(1);
    private final AtomicInteger nexts = new AtomicInteger();

    ResultSet wrap(ResultSet rs) {
      return proxy(ResultSet.class, rs, (method, args) -> {
        if (method.getName().equals("next")) {
          int n = nexts.incrementAndGet();
          if (n == 1) {
            atFirstRow.countDown();
            awaitQuietly(mayReadFirstRow);
          } else if (n == 3) { // the first chunk went out when the second row was read
            atEnd.countDown();
            awaitQuietly(mayEnd);
          }
        }
        return method.invoke(rs, args);
      });
    }

    void releaseAll() {
      mayReadFirstRow.countDown();
      mayEnd.countDown();
    }
  }

  /** The H2 database with the worker's result set held by {@link #held}. */
  final class HeldPms implements PmsDatabase {
    @Override
    public List<String> catalogues() {
      return List.of("Test");
    }

    @Override
    public Connection connect(String catalogue) throws SQLException {
      Connection c = DriverManager.getConnection(dbUrl);
      return proxy(Connection.class, c, (method, args) -> {
        Object result = method.invoke(c, args);
        if (result instanceof PreparedStatement ps) {
          return proxy(PreparedStatement.class, ps, (m, a) -> {
            Object r = m.invoke(ps, a);
            return r instanceof ResultSet rs && m.getName().equals("getResultSet") ? held.wrap(rs) : r;
          });
        }
        return result;
      });
    }

    @Override
    public String kind() {
      return "test";
    }

    @Override
    public String version() {
      return "h2";
    }

    @Override
    public void close() {
    }
  }

  private interface Call {
    Object invoke(java.lang.reflect.Method method, Object[] args) throws Throwable;
  }

  private static <T> T proxy(Class<T> type, T target, Call call) {
    InvocationHandler handler = (p, method, args) -> {
      try {
        return call.invoke(method, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return type.cast(Proxy.newProxyInstance(AgentLinkStreamOrderTest.class.getClassLoader(), new Class<?>[] {type}, handler));
  }
}
