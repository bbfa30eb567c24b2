package com.pmsrelay.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bounded fuzzing of the agents' bridge over real TLS sockets to a real cloud (issue #13): frames
 * from peers that have not authenticated (or are authenticating), from authenticated agents (a
 * real agent key: mutated register, send, ping and credit frames, lengths, JSON shapes, unknown
 * and other practices' addresses), and result streams (mutated chunks of queries an integrator
 * really sent). Throughout: no unhandled exception or error in the logs, no 500 to the
 * integrator, every error a problem; afterwards the heap is where it was, the demo agents kept
 * their links, and a normal query answers as before. The seed is printed; {@code -Dfuzz.seed=N}
 * replays a run.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class BridgeFuzzIT {
  static final int UNAUTHENTICATED = Integer.getInteger("fuzz.bridge.unauthenticated", 3_000);
  static final int AUTHENTICATED = Integer.getInteger("fuzz.bridge.authenticated", 24_000);
  static final int STREAM = Integer.getInteger("fuzz.bridge.streams", 3_000);
  static final int LANES = 24;
  static final int AGENT_LANES = 6;
  static final int STREAM_LANES = 2;
  static final long HEAP_GROWTH_LIMIT = 64L << 20;

  @TempDir static Path dir;
  static FuzzRelay relay;
  static long seed;
  static NetClient tls;
  static int maxFrame;
  static String token;
  static io.vertx.core.http.HttpClient api;

  final AtomicLong inputs = new AtomicLong();
  /** Queries sent to the stream lanes' agents (each answered with mutated messages when it reaches them). */
  final long[] laneAttempts = new long[STREAM_LANES];
  final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
  final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

  @BeforeAll
  static void start() throws Exception {
    seed = FuzzRelay.seed("BridgeFuzzIT");
    relay = FuzzRelay.start(dir, AGENT_LANES + STREAM_LANES);
    tls = relay.clients.createNetClient(new NetClientOptions().setSsl(true).setTrustAll(true)
        .setHostnameVerificationAlgorithm("").setConnectTimeout(5_000));
    maxFrame = 1 << 20;
    token = relay.token(2);
    api = relay.clients.createHttpClient(new io.vertx.core.http.HttpClientOptions(),
        new io.vertx.core.http.PoolOptions().setHttp1MaxSize(8));
  }

  @AfterAll
  static void stop() {
    if (relay != null) {
      relay.close();
    }
  }

  @Test
  void theBridgeSurvivesMutatedFramesFromAnyPeer() {
    JsonArray before = relay.normalAnswers(token);
    long heapBefore = FuzzRelay.liveHeap();
    long started = System.nanoTime();
    try (LogCapture log = new LogCapture()) {
      List<Future<Void>> lanes = new ArrayList<>();
      List<Future<Void>> unauthenticated = new ArrayList<>();
      for (int lane = 0; lane < LANES; lane++) {
        unauthenticated.add(unauthenticatedLane(lane, lane));
      }
      List<Future<Void>> agents = new ArrayList<>();
      for (int lane = 0; lane < AGENT_LANES; lane++) {
        agents.add(agentLane(relay.fuzzPractices.get(lane), lane, 0));
      }
      List<Future<Void>> streams = new ArrayList<>();
      for (int lane = 0; lane < STREAM_LANES; lane++) {
        streams.add(streamLane(relay.fuzzPractices.get(AGENT_LANES + lane), lane, 0));
      }
      lanes.add(timed("unauthenticated", started, Future.join(unauthenticated)));
      lanes.add(timed("authenticated", started, Future.join(agents)));
      lanes.add(timed("streams", started, Future.join(streams)));
      Future.join(lanes).await();
      long ms = (System.nanoTime() - started) / 1_000_000;
      long heapAfter = FuzzRelay.liveHeap();
      System.out.printf("BridgeFuzzIT: %d inputs in %d ms (seed %d); outcomes %s; heap %d -> %d KiB; %d log events, %d of the upstream SQL pool race%n",
          inputs.get(), ms, seed, new java.util.TreeMap<>(outcomes), heapBefore >> 10, heapAfter >> 10, log.events(), log.upstreamPoolRaces());
      assertThat(failures).as("failures (seed %d)", seed).isEmpty();
      assertThat(log.defects()).as("errors or exceptions in the logs (seed %d)", seed).isEmpty();
      assertThat(inputs.get()).isGreaterThanOrEqualTo(UNAUTHENTICATED + AUTHENTICATED + STREAM);
      assertThat(heapAfter - heapBefore).as("live heap growth (seed %d)", seed).isLessThan(HEAP_GROWTH_LIMIT);
    }
    relay.assertDemoLinksIntact();
    assertThat(relay.normalAnswers(token)).as("the normal query's answer after the fuzzing").isEqualTo(before);
    // A fuzzed practice's real agent still gets in, and is served.
    FuzzRelay.FuzzPractice practice = relay.fuzzPractices.get(0);
    BridgePeer peer = BridgePeer.authenticated(relay.clients, tls, relay.cloud.bridgePort(), practice.practiceId(),
        practice.agentKey(), true).await();
    peer.close().await();
  }

  private static Future<Void> timed(String suite, long started, Future<?> done) {
    return done.<Void>mapEmpty().onComplete(v -> System.out.printf("BridgeFuzzIT: %s done after %d ms%n", suite,
        (System.nanoTime() - started) / 1_000_000));
  }

  // ---- peers that have not authenticated ----

  private Future<Void> unauthenticatedLane(int lane, long index) {
    if (index >= UNAUTHENTICATED) {
      return Future.succeededFuture();
    }
    Mutator m = Mutator.forInput(seed, index);
    Unauthenticated input = unauthenticated(m);
    inputs.incrementAndGet();
    return BridgePeer.connect(relay.clients, tls, relay.cloud.bridgePort())
        .compose(peer -> {
          for (Buffer write : input.writes) {
            peer.write(write);
          }
          return peer.until(f -> "message".equals(f.getString("type")), 100, f -> { })
              .compose(outcome -> {
                count("unauthenticated." + (outcome == null ? "silent" : outcome.equals("answered") ? "accepted" : "refused"));
                if ("answered".equals(outcome) && !input.validCredentials) {
                  fail(index, "authenticated without valid credentials: " + input.what);
                }
                return peer.close();
              });
        })
        .recover(e -> Future.succeededFuture()) // a connection refused by TLS is an outcome too
        .compose(v -> unauthenticatedLane(lane, index + LANES));
  }

  private record Unauthenticated(String what, List<Buffer> writes, boolean validCredentials) {}

  private Unauthenticated unauthenticated(Mutator m) {
    FuzzRelay.FuzzPractice own = m.pick(relay.fuzzPractices);
    String demoPractice = relay.practiceId(m.below(2));
    JsonObject auth = send(Addresses.AGENT_AUTH, BridgePeer.credentials(own.practiceId(), own.agentKey()), "auth-reply");
    List<Buffer> writes = new ArrayList<>();
    switch (m.below(9)) {
      case 0: { // a mutated authentication frame
        JsonObject mutated = m.chance(0.5) ? m.mutate(auth)
            : auth.copy().put("body", m.mutate(auth.getJsonObject("body")));
        writes.add(frame(mutated.toBuffer().getBytes()));
        return new Unauthenticated("mutated auth " + mutated.encode(), writes, holdsCredentials(mutated, own));
      }
      case 1: { // its bytes mutated, the length right or not
        byte[] bytes = m.mutateBytes(auth.toBuffer().getBytes());
        writes.add(m.chance(0.7) ? frame(bytes) : Buffer.buffer().appendInt(auth.toBuffer().length()).appendBytes(bytes));
        return new Unauthenticated("auth bytes", writes, true);
      }
      case 2: { // another frame first
        JsonObject first = anyFrame(m, own.practiceId(), demoPractice);
        writes.add(frame(first.toBuffer().getBytes()));
        return new Unauthenticated("first frame " + first.encode(), writes, false);
      }
      case 3: { // lengths at and past the limits
        int length = m.pickOf(0, -1, maxFrame + 1, Integer.MAX_VALUE, Integer.MIN_VALUE, 3, 4);
        writes.add(Buffer.buffer().appendInt(length).appendBytes(m.randomBytes(m.below(64))));
        return new Unauthenticated("length " + length, writes, false);
      }
      case 4: // random bytes
        writes.add(Buffer.buffer(m.randomBytes(1 + m.below(256))));
        return new Unauthenticated("random bytes", writes, false);
      case 5: { // a frame while authenticating
        JsonObject next = anyFrame(m, own.practiceId(), demoPractice);
        writes.add(frame(auth.toBuffer().getBytes()).appendBuffer(frame(next.toBuffer().getBytes())));
        return new Unauthenticated("while authenticating " + next.encode(), writes, true);
      }
      case 6: { // someone else's practice, or a key that is not the practice's
        JsonObject body = m.pickOf(
            BridgePeer.credentials(demoPractice, own.agentKey()),
            BridgePeer.credentials(own.practiceId(), m.mutateText(own.agentKey()) + "!"),
            BridgePeer.credentials(own.practiceId().toUpperCase(java.util.Locale.ROOT), own.agentKey()),
            BridgePeer.credentials(own.practiceId(), own.agentKey() + "\u0000"),
            BridgePeer.credentials(another(m, own.practiceId()), own.agentKey()));
        JsonObject frame = send(Addresses.AGENT_AUTH, body, "auth-reply");
        writes.add(frame(frame.toBuffer().getBytes()));
        return new Unauthenticated("wrong credentials " + body.encode(), writes, false);
      }
      case 7: { // a large frame within the limit before authenticating, sometimes never finished
        int size = m.pickOf(64 << 10, 512 << 10, maxFrame);
        Buffer big = Buffer.buffer(size + 4).appendInt(size).appendBytes(new byte[m.chance(0.5) ? size : size / 2]);
        writes.add(big);
        return new Unauthenticated("large frame " + size, writes, false);
      }
      default: { // the authentication frame a byte at a time
        Buffer whole = frame(m.mutate(auth).toBuffer().getBytes());
        int bytes = Math.min(whole.length(), 48);
        for (int i = 0; i < bytes; i++) {
          writes.add(whole.getBuffer(i, i + 1));
        }
        writes.add(whole.getBuffer(bytes, whole.length()));
        return new Unauthenticated("byte by byte", writes, true);
      }
    }
  }

  private String another(Mutator m, String practiceId) {
    String other = m.pick(relay.fuzzPractices).practiceId();
    return other.equals(practiceId) ? relay.practiceId(0) : other;
  }

  /** Whether a mutated authentication frame still carries the practice's own id and key where they belong. */
  private static boolean holdsCredentials(JsonObject frame, FuzzRelay.FuzzPractice own) {
    return frame.getValue("body") instanceof JsonObject body && own.practiceId().equals(body.getValue("practiceId"))
        && own.agentKey().equals(body.getValue("agentKey"));
  }

  // ---- authenticated agents ----

  private Future<Void> agentLane(FuzzRelay.FuzzPractice practice, int lane, long done) {
    if (done >= AUTHENTICATED / AGENT_LANES) {
      return Future.succeededFuture();
    }
    return BridgePeer.authenticated(relay.clients, tls, relay.cloud.bridgePort(), practice.practiceId(),
            practice.agentKey(), true)
        .compose(peer -> agentInputs(peer, practice, lane, done))
        .compose(next -> agentLane(practice, lane, next));
  }

  /** Sends inputs on one authenticated socket until the cloud refuses one; answers how many were sent in all. */
  private Future<Long> agentInputs(BridgePeer peer, FuzzRelay.FuzzPractice practice, int lane, long done) {
    if (done >= AUTHENTICATED / AGENT_LANES) {
      return peer.close().map(done);
    }
    long index = 1_000_000L * (lane + 1) + done;
    Mutator m = Mutator.forInput(seed, index);
    AgentInput input = agentInput(m, practice.practiceId());
    inputs.incrementAndGet();
    peer.write(input.bytes);
    peer.write(PROBE);
    return peer.pongs(1 + pings(input.bytes), 300).compose(outcome -> {
      boolean survived = "answered".equals(outcome);
      count("agent." + (survived ? "survived" : outcome == null ? "silent" : "refused"));
      if (survived && input.mustRefuse) {
        fail(index, "the bridge let through " + input.what);
      }
      if (survived) {
        return agentInputs(peer, practice, lane, done + 1);
      }
      return peer.close().map(done + 1);
    });
  }

  private record AgentInput(String what, Buffer bytes, boolean mustRefuse) {}

  private AgentInput agentInput(Mutator m, String own) {
    String demoPractice = relay.practiceId(m.below(2));
    // Most inputs keep the socket (heartbeats of any shape): a refusal costs a reconnection, and each costs the
    // store its writes (connected, disconnected), which under a flood of them starve its pool.
    int kind = m.below(20);
    switch (kind < 14 ? (kind < 4 ? -4 : 0) : kind - 13) {
      case -4: { // several heartbeats in one write, cut anywhere across writes
        Buffer pings = Buffer.buffer();
        int n = 1 + m.below(4);
        for (int i = 0; i < n; i++) {
          pings.appendBuffer(frame(new JsonObject().put("type", "ping").put("body", m.value(0)).toBuffer().getBytes()));
        }
        return new AgentInput("pings", pings, false);
      }
      case -3:
      case -2:
      case -1:
      case 0: { // heartbeats with any body: the load is read only if plausible
        JsonObject ping = new JsonObject().put("type", "ping");
        if (m.chance(0.8)) {
          ping.put("body", m.chance(0.5) ? m.value(0)
              : new JsonObject().put("queued", m.value(0)).put("running", m.value(0)));
        }
        return new AgentInput("ping " + ping.encode(), frame(ping.toBuffer().getBytes()), false);
      }
      case 1: { // a frame the guard must refuse, exactly as written
        JsonObject f = anyFrame(m, own, demoPractice);
        boolean allowed = "ping".equals(f.getString("type"));
        return new AgentInput("frame " + f.encode(), frame(f.toBuffer().getBytes()), !allowed);
      }
      case 2: { // the same, its JSON shape mutated
        JsonObject f = m.mutate(anyFrame(m, own, demoPractice));
        return new AgentInput("mutated " + f.encode(), frame(f.toBuffer().getBytes()), false);
      }
      case 3: { // the same, its bytes mutated
        byte[] bytes = m.mutateBytes(anyFrame(m, own, demoPractice).toBuffer().getBytes());
        return new AgentInput("bytes", frame(bytes), false);
      }
      case 4: { // a length that lies
        byte[] body = anyFrame(m, own, demoPractice).toBuffer().getBytes();
        int length = m.pickOf(0, -1, body.length - 1, body.length + 1, maxFrame + 1, Integer.MAX_VALUE, 1);
        return new AgentInput("length " + length, Buffer.buffer().appendInt(length).appendBytes(body), false);
      }
      default: { // deep or odd JSON as a whole frame
        String text = m.pickOf(Mutator.nested(2_000, false), Mutator.nested(900, true),
            "{\"type\":\"ping\",\"body\":" + Mutator.nested(1_500, true) + "}", "[]", "\"ping\"", "null", "{}",
            "{\"type\":\"ping\"}{\"type\":\"ping\"}", "{\"type\":\"ping\",\"type\":\"register\"}",
            "{\"type\":\"ping\",\"body\":{\"queued\":1e999999,\"running\":-0}}");
        return new AgentInput("text " + text.substring(0, Math.min(80, text.length())),
            frame(text.getBytes(StandardCharsets.UTF_8)), false);
      }
    }
  }

  /** Any frame an agent might send, aimed at its own, another or no practice: only a ping is allowed as it stands. */
  private JsonObject anyFrame(Mutator m, String own, String demoPractice) {
    String other = m.pick(relay.fuzzPractices).practiceId();
    String address = m.pickOf(Addresses.practice(own), Addresses.practice(demoPractice), Addresses.practice(other),
        Addresses.stream(java.util.UUID.randomUUID().toString()), Addresses.stream(""), Addresses.AGENT_AUTH,
        Addresses.AGENT_MOVED, Addresses.inbox("x"), "", "relay.practice.*", m.text(m.below(20)));
    String type = m.pickOf("send", "send", "register", "register", "publish", "unregister", "message", "err", "pong",
        "ping", "", "SEND", m.text(5));
    JsonObject body = m.pickOf(
        new JsonObject().put("op", "credit").put("queryId", java.util.UUID.randomUUID().toString()).put("n", m.value(0)),
        new JsonObject().put("op", m.pickOf("query", "cancel", "takeover", "status", "unacknowledged", "cancel-client"))
            .put("queryId", "x").put("session", "x").put("sinceMs", 0),
        new JsonObject().put("seq", 0).put("columns", new JsonArray().add(new JsonObject().put("name", "a")))
            .put("rows", new JsonArray().add(new JsonArray().add(1))).put("end", new JsonObject().put("rowCount", 1)),
        new JsonObject().put("seq", 0).put("error", new JsonObject().put("code", "internal_error").put("detail", "x")),
        BridgePeer.credentials(own, "x"));
    JsonObject f = new JsonObject().put("type", type).put("address", address);
    if (m.chance(0.8)) {
      f.put("body", body);
    }
    if (m.chance(0.3)) {
      f.put("replyAddress", m.pickOf(Addresses.practice(demoPractice), Addresses.stream("y"), "reply"));
    }
    if (type.equals("register") && address.equals(Addresses.practice(own))) {
      f.put("address", Addresses.practice(demoPractice)); // registered already: a second one is refused too
    }
    return f;
  }

  // ---- result streams of real queries ----

  private Future<Void> streamLane(FuzzRelay.FuzzPractice practice, int lane, long done) {
    if (done >= STREAM / STREAM_LANES) {
      return Future.succeededFuture();
    }
    return BridgePeer.authenticated(relay.clients, tls, relay.cloud.bridgePort(), practice.practiceId(),
            practice.agentKey(), true)
        .compose(peer -> relay.clients.timer(50).map(peer)) // its address registered
        .compose(peer -> streamInputs(peer, practice, lane, done))
        .compose(next -> streamLane(practice, lane, next));
  }

  private Future<Long> streamInputs(BridgePeer peer, FuzzRelay.FuzzPractice practice, int lane, long done) {
    if (done >= STREAM / STREAM_LANES || peer.isClosed() || ++laneAttempts[lane] > 3L * STREAM) {
      return peer.close().map(done);
    }
    long index = 100_000_000L * (lane + 1) + laneAttempts[lane]; // each lane's own count: a run replays
    Mutator m = Mutator.forInput(seed, index);
    boolean ndjson = m.chance(0.4);
    Future<Answer> answer = query(practice.practiceId(), ndjson);
    return peer.until(f -> f.getValue("body") instanceof JsonObject b && "query".equals(b.getString("op")), 3_000,
            f -> { })
        .compose(outcome -> {
          if (!"answered".equals(outcome)) {
            return answer.map(a -> {
              check(index, "no query reached the agent (" + outcome + ")", a);
              return 0L; // no input was sent (the lane's attempts bound it)
            });
          }
          String stream = peer.matched().getString("replyAddress");
          {
            List<Buffer> messages = streamMessages(m, stream);
            inputs.addAndGet(messages.size());
            messages.forEach(peer::write);
            // A stream the mutations left open is ended, as an agent's time-out would.
            long ender = relay.clients.setTimer(400, t -> peer.write(frame(send(stream, new JsonObject().put("seq", 999)
                .put("error", new JsonObject().put("code", "query_timeout").put("detail", "fuzz")), null)
                .toBuffer().getBytes())));
            return answer.map(a -> {
              relay.clients.cancelTimer(ender);
              check(index, "stream " + messages.size() + " messages", a);
              return (long) messages.size();
            });
          }
        })
        .compose(n -> streamInputs(peer, practice, lane, done + n));
  }

  /** A valid result (columns, rows, end) with one of its messages mutated, dropped, doubled or replaced. */
  private List<Buffer> streamMessages(Mutator m, String stream) {
    List<JsonObject> bodies = new ArrayList<>();
    bodies.add(new JsonObject().put("seq", 0).put("columns", new JsonArray()
        .add(new JsonObject().put("name", "PatientId").put("type", "INTEGER"))
        .add(new JsonObject().put("name", "Surname").put("type", "VARCHAR"))));
    int chunks = m.below(3);
    long rows = 0;
    for (int c = 0; c < chunks; c++) {
      JsonArray chunk = new JsonArray();
      int n = 1 + m.below(3);
      for (int r = 0; r < n; r++) {
        chunk.add(new JsonArray().add(rows + r).add("Nguyen"));
      }
      rows += n;
      bodies.add(new JsonObject().put("seq", bodies.size()).put("rows", chunk));
    }
    bodies.add(new JsonObject().put("seq", bodies.size()).put("end", new JsonObject().put("rowCount", rows)
        .put("truncated", false).put("queuedMs", 0).put("executionMs", 1)));
    if (m.chance(0.3)) {
      bodies.add(0, new JsonObject().put("ack", true));
    }
    int at = m.below(bodies.size());
    List<Buffer> out = new ArrayList<>();
    int kind = m.below(8);
    for (int i = 0; i < bodies.size(); i++) {
      JsonObject body = bodies.get(i);
      if (i != at) {
        out.add(frame(send(stream, body, null).toBuffer().getBytes()));
        continue;
      }
      switch (kind) {
        case 0 -> out.add(frame(send(stream, m.mutate(body), null).toBuffer().getBytes()));
        case 1 -> out.add(frame(m.mutateBytes(send(stream, body, null).toBuffer().getBytes())));
        case 2 -> { } // dropped
        case 3 -> {
          out.add(frame(send(stream, body, null).toBuffer().getBytes()));
          out.add(frame(send(stream, body, null).toBuffer().getBytes()));
        }
        case 4 -> out.add(frame(send(stream, new JsonObject().put("seq", m.value(0)).put("error", new JsonObject()
            .put("code", m.chance(0.7) ? m.pick(List.of(ErrorCode.values())).code() : m.value(0))
            .put("detail", m.value(0))), null).toBuffer().getBytes()));
        case 5 -> out.add(frame(send(stream, body.copy().put("rows", new JsonArray().add(new JsonArray()
            .add(m.value(0)).add(m.value(0)))), null).toBuffer().getBytes()));
        case 6 -> out.add(frame(send(m.pickOf(stream + "x", Addresses.stream("other"), stream.toUpperCase(
            java.util.Locale.ROOT)), body, null).toBuffer().getBytes()));
        default -> out.add(frame(send(stream, body.copy().put("end", m.mutate(new JsonObject().put("rowCount", rows)
            .put("truncated", false).put("queuedMs", 0).put("executionMs", 1))), null).toBuffer().getBytes()));
      }
    }
    return out;
  }

  private record Answer(int status, String contentType, Buffer body, Throwable failure) {}

  private Future<Answer> query(String practiceId, boolean ndjson) {
    JsonObject body = new JsonObject().put("sql", "SELECT TOP 3 PatientId, Surname FROM Patients")
        .put("timeoutMs", 2_000).put("queueTimeoutMs", 0);
    Promise<Answer> answer = Promise.promise();
    api.request(HttpMethod.POST, relay.cloud.httpPort(), "127.0.0.1",
            "/v1/practices/" + practiceId + "/queries")
        .compose(request -> {
          request.putHeader("Authorization", "Bearer " + token).putHeader("Content-Type", "application/json");
          if (ndjson) {
            request.putHeader("Accept", "application/x-ndjson");
          }
          return request.send(body.toBuffer());
        })
        .compose((HttpClientResponse r) -> r.body().map(b -> new Answer(r.statusCode(), r.getHeader("Content-Type"), b,
            null)))
        .onComplete(done -> answer.complete(done.succeeded() ? done.result() : new Answer(0, null, null, done.cause())));
    return answer.future();
  }

  /** No 500; an error is a problem document; a success is whole JSON or NDJSON (or a reset: cut off on purpose). */
  private void check(long index, String what, Answer a) {
    if (a.failure != null) {
      count("stream.reset");
      return;
    }
    count("stream." + a.status);
    if (a.status >= 500 && a.status != 502 && a.status != 503 && a.status != 504) {
      fail(index, what + ": status " + a.status + " " + a.body);
    }
    if (a.status >= 400) {
      Problem.check(a.status, a.contentType, a.body).ifPresent(p -> fail(index, what + ": " + p));
    }
  }

  // ---- frames ----

  /** A ping after each input: its pong says the socket survived the input. */
  private static final Buffer PROBE = frame(new JsonObject().put("type", "ping").toBuffer().getBytes());

  /** The pings among the frames of {@code bytes} up to the first broken one: each gets a pong before the probe's. */
  static int pings(Buffer bytes) {
    int[] pings = new int[1];
    try {
      new com.pmsrelay.common.protocol.FrameReader(1 << 20, frame -> {
        if ("ping".equals(com.pmsrelay.common.protocol.Frame.decode(frame).type())) {
          pings[0]++;
        }
      }, reason -> { }).handle(bytes);
    } catch (RuntimeException e) {
      // a frame the cloud cannot read: it refuses the socket there
    }
    return pings[0];
  }

  private static JsonObject send(String address, JsonObject body, String replyAddress) {
    JsonObject f = new JsonObject().put("type", "send").put("address", address).put("body", body);
    if (replyAddress != null) {
      f.put("replyAddress", replyAddress);
    }
    return f;
  }

  static Buffer frame(byte[] json) {
    return Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json);
  }

  private void count(String outcome) {
    outcomes.computeIfAbsent(outcome, k -> new AtomicLong()).incrementAndGet();
  }

  private void fail(long index, String what) {
    if (failures.size() < 50) {
      String shown = what.length() > 400 ? what.substring(0, 400) + "…" : what;
      failures.add("input " + index + " of seed " + seed + ": " + shown);
    }
  }
}
