package com.pmsrelay.agent.link;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.exec.Outgoing;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.Registration;
import com.pmsrelay.agent.registered.RegisteredRunner;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.SchemaRequest;
import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's one connection to the cloud: dials out over TLS, authenticates with the practice's
 * agent key, registers the practice's address, pings, and reconnects with capped exponential
 * backoff and jitter whenever the connection is lost. Queries arriving on it go to the executor.
 */
public final class AgentLink extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(AgentLink.class);
  private static final int MAX_INBOUND_FRAME_BYTES = 4 * 1024 * 1024;
  /** The address the cloud answers the agent's credentials on. */
  public static final String AUTH_REPLY = "auth-reply";
  /** A query not answered within this time is acknowledged, so the cloud knows the agent has it. */
  static final long ACK_DELAY_MS = 200;
  /** What a cloud that does not say allows per frame (the bridge's default). */
  private static final int DEFAULT_MAX_FRAME_BYTES = 1024 * 1024;
  /** What a frame holds around a result message: its type and stream address. */
  private static final int ENVELOPE_BYTES = 256;
  /** How often the link notes that its event loop runs: a longer gap means this process was paused. */
  static final long WATCH_INTERVAL_MS = 250;
  /** The cloud's ack time-out if it does not say (its shipped {@code bridge.ackTimeoutMs}). */
  private static final int DEFAULT_ACK_TIMEOUT_MS = 3_000;
  /** The shortest gap taken for a pause: timers on a busy machine run late by less. */
  private static final long MIN_PAUSE_MS = 500;
  /** A query id as the cloud makes them (a UUID); anything else is refused. */
  private static final java.util.regex.Pattern QUERY_ID = java.util.regex.Pattern.compile("[0-9A-Za-z-]{1,64}");

  /**
   * What the agent tells the cloud about itself when it authenticates; {@code catalogues}: the
   * databases it serves, the first the default.
   */
  public record Identity(String agentVersion, String pmsKind, Supplier<String> pmsVersion,
      java.util.List<String> catalogues) {
    public Identity(String agentVersion, String pmsKind, Supplier<String> pmsVersion) {
      this(agentVersion, pmsKind, pmsVersion, java.util.List.of());
    }
  }

  /** What this agent answers beyond queries, told to the cloud with its credentials. */
  static final io.vertx.core.json.JsonArray FEATURES = new io.vertx.core.json.JsonArray().add(SchemaRequest.FEATURE)
      .add(Registration.FEATURE);

  private final AgentConfig config;
  /** Made on this verticle's context when it starts: the executor and the link then share an event loop. */
  private final Supplier<QueryExecutor> makeExecutor;
  private QueryExecutor executor;
  /** The practice's registered queries, run on their schedules; made with the executor. */
  private RegisteredRunner registered;
  private final Identity identity;
  private final Backoff backoff;
  /** The cloud nodes' bridges, tried in turn from {@link #nextAddress}; touched on the link's event loop. */
  private final java.util.List<io.vertx.core.net.SocketAddress> cloudAddresses;
  private int nextAddress;
  private NetClient client;
  private Link link;
  private long pingTimer = -1;
  private boolean stopping;
  private volatile boolean ready;
  /** How many times the agent was accepted by the cloud (a dropped link shows as a second). */
  private final java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
  /** The agent updating itself (null: it does not; the cloud is then not told the feature). */
  private com.pmsrelay.agent.update.SelfUpdate selfUpdate;
  /** How long to wait before the next attempt at least, after the cloud refused this agent for good reason. */
  private long holdOffMs;
  /** How long an agent the cloud refused (outdated, or its key retired by a move) waits before trying again. */
  static final long REFUSED_RETRY_MS = 10 * 60_000;

  public AgentLink(AgentConfig config, Supplier<QueryExecutor> executor, Identity identity) {
    this.config = config;
    this.makeExecutor = executor;
    this.identity = identity;
    this.backoff = Backoff.of(config.cloud());
    this.cloudAddresses = config.cloud().addresses();
  }

  /** Lets this agent update itself; before the link is deployed. */
  public AgentLink selfUpdate(com.pmsrelay.agent.update.SelfUpdate update) {
    this.selfUpdate = update != null && update.enabled() ? update : null;
    return this;
  }

  /** True while authenticated and registered with the cloud. */
  public boolean isReady() {
    return ready;
  }

  public QueryExecutor executor() {
    return executor;
  }

  public RegisteredRunner registered() {
    return registered;
  }

  /** How many connections the cloud has accepted since the start. */
  public int connectionsAccepted() {
    return accepted.get();
  }

  @Override
  public Future<?> start() {
    // On this context: a query handed to the executor needs no hop to another event loop.
    executor = makeExecutor.get();
    AgentConfig.Registered r = config.registered();
    registered = new RegisteredRunner(vertx, executor,
        new RegisteredRunner.Settings(r.dir(), r.reservedSlots(), r.maxResultBytes(), r.maxHeldBytes()), config.agentKey(), new Runs());
    client = vertx.createNetClient(clientOptions(config.cloud()));
    // Kept registrations are scheduled before the first connection: a restarted agent keeps its rhythm.
    Future<Object> update = selfUpdate == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      selfUpdate.start(); // a version on trial starts its clock before it tries to connect
      return null;
    });
    return update.compose(v -> registered.start()).onComplete(v -> connect());
  }

  /** What the registered queries' runner needs of the link. */
  private final class Runs implements RegisteredRunner.Link {
    @Override
    public boolean isReady() {
      return link != null && link.ready;
    }

    @Override
    public void sendNote(JsonObject note) {
      Link current = link;
      if (current != null && current.ready) {
        current.socket.write(Frames.encode(Frames.send(Addresses.REGISTERED_RUNS, note)));
      }
    }

    @Override
    public int maxMessageBytes() {
      Link current = link;
      return (current == null ? DEFAULT_MAX_FRAME_BYTES : current.maxFrameBytes) - ENVELOPE_BYTES;
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    ready = false;
    if (registered != null) {
      registered.stop();
    }
    if (link != null) {
      link.socket.close();
    }
    return client.close();
  }

  /**
   * How an agent dials the cloud: TLS trusting the pinned certificate or the CA, time-outs. Public
   * so that simulated agents (benchmarks) connect exactly as a real one does.
   */
  public static NetClientOptions clientOptions(AgentConfig.CloudLink cloud) {
    NetClientOptions options = new NetClientOptions()
        .setSsl(true)
        .setConnectTimeout(10_000)
        .setTcpNoDelay(true)
        .setTcpKeepAlive(true);
    if (cloud.pinnedSha256() != null) {
      // The pin names the exact certificate, which is a stronger check than the host name.
      TrustOptions pinned = TrustOptions.wrap(new PinnedTrustManager(cloud.pinnedSha256()));
      options.setTrustOptions(pinned).setHostnameVerificationAlgorithm("");
    } else {
      options.setTrustOptions(new PemTrustOptions().addCertPath(cloud.caPath())).setHostnameVerificationAlgorithm("HTTPS");
    }
    return options;
  }

  private void connect() {
    if (stopping) {
      return;
    }
    io.vertx.core.net.SocketAddress address = cloudAddresses.get(nextAddress % cloudAddresses.size());
    client.connect(address)
        .onSuccess(this::onConnected)
        .onFailure(e -> {
          LOG.warn(ConnectFailure.describe(address.toString(), e));
          nextAddress++; // the next attempt tries the next node
          scheduleReconnect();
        });
  }

  private void scheduleReconnect() {
    if (stopping) {
      return;
    }
    long delay = Math.max(backoff.nextDelayMs(), holdOffMs);
    holdOffMs = 0;
    LOG.info("reconnecting to the cloud in {} ms", delay);
    vertx.setTimer(delay, id -> connect());
  }

  private void onConnected(NetSocket socket) {
    Link current = new Link(socket);
    link = current;
    socket.handler(FrameReader.ofJson(MAX_INBOUND_FRAME_BYTES, frame -> onFrame(current, frame), reason -> {
      LOG.error("closing the cloud connection: the cloud sent a frame this agent cannot read ({})", reason);
      socket.close();
    }));
    socket.drainHandler(v -> current.drained());
    socket.closeHandler(v -> onDisconnected(current));
    socket.exceptionHandler(e -> LOG.debug("cloud connection error: {}", e.toString()));
    current.authSentAtMs = System.currentTimeMillis();
    socket.write(authFrame(credentials(config, identity, executor.bootId()).put("features", features())));
  }

  /** What the agent tells the cloud when it connects: its practice, key, version, PMS and features. */
  public static JsonObject credentials(AgentConfig config, Identity identity, String bootId) {
    return new JsonObject()
        .put("practiceId", config.practiceId())
        .put("agentKey", config.agentKey())
        .put("agentVersion", identity.agentVersion())
        .put("bootId", bootId)
        .put("pms", new JsonObject().put("kind", identity.pmsKind()).put("version", identity.pmsVersion().get()))
        .put("catalogues", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(identity.catalogues())))
        .put("features", FEATURES.copy());
  }

  /** The bridge frame that carries {@code credentials}; the cloud answers on {@link #AUTH_REPLY}. */
  public static Buffer authFrame(JsonObject credentials) {
    return Frames.encode(Frames.send(Addresses.AGENT_AUTH, credentials, AUTH_REPLY));
  }

  private void onFrame(Link current, JsonObject frame) {
    long now = System.nanoTime();
    if (current.ready && pausedSinceLastTick(current, now)) {
      current.socket.close(); // read after a pause: the cloud may have given up on it (see watchPauses)
      return;
    }
    current.lastHeardNanos = now;
    String type = frame.getString("type", "");
    String address = frame.getValue("address") instanceof String a ? a : "";
    switch (type) {
      case "message" -> {
        if (AUTH_REPLY.equals(address)) {
          onAuthenticated(current, frame.getJsonObject("body", new JsonObject()));
        } else if (Addresses.practice(config.practiceId()).equals(address) && current.ready) {
          onDispatch(current, frame);
        } else {
          LOG.warn("ignoring a message for an address this agent does not serve");
        }
      }
      case "err" -> {
        if (!current.refusedWithReason) { // else already logged, with the reason, by onRefused
          onClosedByCloud(current, frame.getString("message", "no reason given"));
        }
      }
      case "pong" -> { }
      default -> LOG.debug("ignoring frame of type {}", type);
    }
  }

  /** What this agent tells the cloud it does: {@link #FEATURES}, and self-update when it updates itself. */
  private io.vertx.core.json.JsonArray features() {
    io.vertx.core.json.JsonArray features = FEATURES.copy();
    if (selfUpdate != null) {
      features.add(com.pmsrelay.common.protocol.Releases.FEATURE);
    }
    return features;
  }

  /**
   * The cloud refused this agent for a reason it states (its version is below the minimum, its key
   * was retired when the practice moved to a new server): logged as it is, in one line, and the
   * next attempt waits long, since the same answer would come.
   */
  private void onRefused(Link current, JsonObject body) {
    if (body.getValue("reason") instanceof String reason) {
      LOG.error("the cloud refused this agent: {}", reason);
      holdOffMs = REFUSED_RETRY_MS;
      current.refusedWithReason = true;
    }
    current.socket.close();
  }

  /** The link is registered: the cloud's warning (below the recommended version) is logged; the self-update hears of it. */
  private void onAccepted(Link current, JsonObject body) {
    if (body.getValue("warning") instanceof String warning) {
      LOG.warn("{}", warning);
    }
    if (selfUpdate != null) {
      selfUpdate.connected((address, message) -> sendUpdateFrame(current, address, message));
    }
  }

  /** A frame of the self-update (a chunk request, a report), on this connection while it is up. */
  private void sendUpdateFrame(Link current, String address, JsonObject body) {
    if (!current.closed) {
      current.socket.write(Frames.encode(Frames.send(address, body)));
    }
  }

  /** The cloud's "err" frame: it closes the connection, and says why. */
  private void onClosedByCloud(Link current, String reason) {
    if (!current.ready && ConnectFailure.AUTHENTICATION_FAILED.equals(reason)) {
      current.keyRefused = true;
      LOG.error(ConnectFailure.keyRefused(config.practiceId()));
    } else {
      LOG.error("the cloud closed this agent's connection: {}", reason);
    }
  }

  private void onAuthenticated(Link current, JsonObject body) {
    if (!body.getBoolean("ok", false)) {
      if (body.getValue("reason") instanceof String) {
        onRefused(current, body);
        return;
      }
      current.keyRefused = true;
      LOG.error(ConnectFailure.keyRefused(config.practiceId()));
      current.socket.close();
      return;
    }
    checkClock(current, body);
    if (body.getValue("maxFrameBytes") instanceof Integer max && max >= 64 * 1024) {
      current.maxFrameBytes = max;
    }
    if (body.getValue("ackTimeoutMs") instanceof Integer ackTimeout && ackTimeout > 0) {
      current.ackTimeoutMs = ackTimeout;
    }
    current.socket.write(Frames.encode(Frames.register(Addresses.practice(config.practiceId()))));
    current.ready = true;
    ready = true;
    accepted.incrementAndGet();
    backoff.reset();
    startPings(current);
    sendLoad(current); // at once: queries of a lost connection may still be stopping
    LOG.info("connected to the cloud as the agent of practice {}", config.practiceId());
    onAccepted(current, body);
  }

  private void onDispatch(Link current, JsonObject frame) {
    JsonObject body = frame.getJsonObject("body", new JsonObject());
    String op = body.getString("op", "");
    String queryId = body.getValue("queryId") instanceof String q ? q : "";
    switch (op) {
      case QueryRequest.OP_CREDIT -> {
        StreamSink sink = current.streams.get(queryId);
        if (sink != null && body.getValue("n") instanceof Integer n && n > 0) {
          sink.grant(n);
        }
      }
      case QueryRequest.OP_CANCEL -> {
        StreamSink sink = current.streams.get(queryId);
        if (sink != null) {
          if (!sink.answered()) {
            // The cloud gave up on a query this agent never answered: it may take the agent for
            // frozen (it was, or its host stalled). Say at once that it is alive again.
            sendLoad(current);
          }
          sink.close(); // a worker waiting for credit stops at once
        }
        executor.cancel(queryId);
      }
      case QueryRequest.OP_CANCEL_CLIENT -> {
        ErrorCode code = ErrorCode.fromCode(body.getString("code", ""));
        executor.cancelClient(body.getString("clientId", ""), code, "the practice changed this integration's access");
      }
      case QueryRequest.OP_QUERY -> {
        StreamSink sink = openStream(current, frame, body, queryId);
        if (sink != null) {
          executor.submit(QueryRequest.fromJson(body), sink);
        }
      }
      case SchemaRequest.OP_SCHEMA -> {
        StreamSink sink = openStream(current, frame, body, queryId);
        if (sink != null) {
          executor.submitSchema(SchemaRequest.fromJson(body), sink);
        }
      }
      case Registration.OP_REGISTRATIONS -> {
        java.util.List<Registration> set = new java.util.ArrayList<>();
        for (Object entry : body.getJsonArray("registrations", new io.vertx.core.json.JsonArray())) {
          Registration r = entry instanceof JsonObject json ? Registration.fromJson(json) : null;
          if (r != null && config.practiceId().equals(r.practiceId())) {
            set.add(r);
          }
        }
        registered.replaceAll(set);
      }
      case Registration.OP_STORED -> {
        if (body.getValue("registrationId") instanceof String id && body.getValue("hash") instanceof String hash) {
          registered.stored(id, hash);
        }
      }
      case Registration.OP_FETCH -> {
        StreamSink sink = openStream(current, frame, body, queryId);
        if (sink != null) {
          registered.fetch(body.getString("registrationId", ""), body.getString("hash", ""), sink);
        }
      }
      case com.pmsrelay.common.protocol.Releases.OP_OFFER, com.pmsrelay.common.protocol.Releases.OP_CHUNK ->
          onRelease(current, op, body);
      default -> LOG.debug("ignoring an unknown operation from the cloud");
    }
  }

  /** A release offer or chunk, for the self-update (ignored by an agent that does not update itself). */
  private void onRelease(Link current, String op, JsonObject body) {
    if (selfUpdate == null) {
      return;
    }
    if (com.pmsrelay.common.protocol.Releases.OP_OFFER.equals(op)) {
      selfUpdate.offer(body, (address, message) -> sendUpdateFrame(current, address, message));
    } else {
      selfUpdate.chunk(body);
    }
  }

  /**
   * The result stream of a query or schema request the cloud sent, checked: null (and nothing to
   * run) for a malformed or repeated one, or one for another practice (answered with an error).
   */
  private StreamSink openStream(Link current, JsonObject frame, JsonObject body, String queryId) {
    String stream = frame.getValue("replyAddress") instanceof String r ? r : null;
    if (stream == null || !QUERY_ID.matcher(queryId).matches() || !stream.equals(Addresses.stream(queryId))
        || current.streams.containsKey(queryId)) {
      LOG.warn("ignoring a malformed or repeated query from the cloud");
      return null;
    }
    int credit = body.getValue("credit") instanceof Integer c ? Math.max(1, c) : QueryRequest.DEFAULT_CREDIT;
    StreamSink sink = new StreamSink(current.socket, context, stream, credit,
        current.maxFrameBytes - ENVELOPE_BYTES, () -> current.streams.remove(queryId));
    current.streams.put(queryId, sink);
    if (!config.practiceId().equals(body.getValue("practiceId"))) {
      // Never run a query meant for another practice, whatever the cloud sent.
      sink.send(new Outgoing(ResultMessage.error(0, ErrorCode.PRACTICE_NOT_FOUND, "this agent does not serve that practice"),
          false, true), System.nanoTime());
      return null;
    }
    scheduleAcks(current);
    return sink;
  }

  /** Acknowledges, after a short while, the queries whose answers did not go out at once. */
  private void scheduleAcks(Link current) {
    if (current.ackTimer) {
      return;
    }
    current.ackTimer = true;
    vertx.setTimer(ACK_DELAY_MS, id -> {
      current.ackTimer = false;
      Buffer ack = ResultMessage.ack();
      current.streams.values().forEach(sink -> sink.acknowledge(ack));
    });
  }

  /** Warns once per connection when the cloud's time (in its reply to the credentials) is over a minute away. */
  private void checkClock(Link current, JsonObject reply) {
    if (reply.getValue("nowMs") instanceof Number cloudNow && current.authSentAtMs > 0) {
      ClockSkew skew = ClockSkew.of(cloudNow.longValue(), current.authSentAtMs, System.currentTimeMillis());
      if (skew.tooLarge()) {
        LOG.warn("{}: {}", skew.describe(), ClockSkew.fix());
      }
    }
  }

  private void startPings(Link current) {
    long interval = config.pingIntervalMs();
    watchPauses(current);
    pingTimer = vertx.setPeriodic(interval, id -> {
      if (link != current) {
        vertx.cancelTimer(id);
        return;
      }
      if (pausedSinceLastTick(current, System.nanoTime())) {
        current.socket.close(); // not the cloud's silence: see watchPauses
        return;
      }
      // Two and a half intervals: a silently dead cloud is left within 75 s at the shipped 30 s.
      if (System.nanoTime() - current.lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(interval * 5 / 2)) {
        LOG.warn("the cloud has been silent for {} ms (no answer to this agent's pings): reconnecting; if this"
            + " recurs, something between this server and the cloud drops idle connections or the cloud is overloaded",
            interval * 5 / 2);
        current.socket.close();
        return;
      }
      sendLoad(current);
    });
  }

  /**
   * Notes every {@link #WATCH_INTERVAL_MS} that this link's event loop runs. A pause of this
   * process (a laptop's sleep, a long GC, SIGSTOP, a virtual machine paused) shows as a late note.
   * Across such a pause the link is not trusted: the cloud gives up on a query it does not see
   * acknowledged within its ack time-out (answering the integrator 503) and sends the cancel after
   * the query, so on waking the agent would read the query first and could run it late. A new
   * connection cancels everything this one brought. The heartbeat cannot tell: at its shipped 30 s
   * interval a pause of several seconds falls between two beats.
   */
  private void watchPauses(Link current) {
    current.lastTickNanos = System.nanoTime();
    vertx.setPeriodic(WATCH_INTERVAL_MS, id -> {
      if (link != current || current.closed) {
        vertx.cancelTimer(id);
      } else if (pausedSinceLastTick(current, System.nanoTime())) {
        current.socket.close();
      }
    });
  }

  /**
   * True when this link's event loop last ran long enough ago that the cloud may have given up on
   * a query read now: half its ack time-out (the agent acknowledges within {@link #ACK_DELAY_MS}
   * after reading), and at least {@link #MIN_PAUSE_MS}. The cloud's silence meanwhile says nothing
   * about the cloud, and the log says so. Asked by the watch, the heartbeat and every frame that
   * arrives (on waking, frames are read before timers fire), once per link; the caller closes it.
   */
  private boolean pausedSinceLastTick(Link current, long now) {
    if (current.pausedMs > 0) {
      return true; // found already: the link is closing
    }
    long gapMs = TimeUnit.NANOSECONDS.toMillis(now - current.lastTickNanos);
    current.lastTickNanos = now;
    if (gapMs <= Math.max(MIN_PAUSE_MS, current.ackTimeoutMs / 2)) {
      return false;
    }
    long pausedMs = gapMs - WATCH_INTERVAL_MS;
    current.lastHeardNanos = now;
    current.pausedMs = pausedMs;
    LOG.warn("this agent's process was paused for about {} ms (the server slept, or the process was stopped or stalled):"
        + " not the cloud's doing; reconnecting, so that no query the cloud gave up on meanwhile runs late. If it recurs,"
        + " keep the server from sleeping and give the agent enough memory and CPU", pausedMs);
    return true;
  }

  /** A heartbeat with the executor's load now (on the link's event loop). */
  private void sendLoad(Link current) {
    QueryExecutor.Load load = executor.load();
    current.socket.write(Frames.encode(Frames.ping(load.queued(), load.running(), load.limit(), load.circuit())));
  }

  private void onDisconnected(Link current) {
    current.closed = true;
    current.drained();
    current.streams.values().forEach(StreamSink::close);
    // Nobody can receive these answers any more: stop them on the database now.
    executor.cancelAll("the connection to the cloud was lost");
    registered.linkLost();
    if (selfUpdate != null) {
      selfUpdate.linkLost();
    }
    if (link == current) {
      link = null;
      ready = false;
      vertx.cancelTimer(pingTimer);
      if (current.keyRefused) {
        LOG.info("disconnected from the cloud (the key was refused: see above)");
      } else if (current.pausedMs > 0) {
        LOG.warn("disconnected from the cloud after this agent's process was paused for about {} ms: reconnecting",
            current.pausedMs);
      } else {
        LOG.warn("disconnected from the cloud: the cloud closed the connection or the network dropped it; reconnecting");
      }
      nextAddress++; // its node may be gone or draining: any other node serves the practice as well
      scheduleReconnect();
    }
  }

  /** One TCP connection's state; a reconnect makes a new one, so stale writers see {@code closed}. */
  private static final class Link {
    final NetSocket socket;
    /** The result streams open on this connection, by query id. */
    final Map<String, StreamSink> streams = new ConcurrentHashMap<>();
    volatile boolean closed;
    volatile boolean ready;
    volatile long lastHeardNanos = System.nanoTime();
    /** When this link's event loop last ran a timer or read a frame (see watchPauses). */
    long lastTickNanos = System.nanoTime();
    /** The cloud's ack time-out (it says so when it accepts the agent). */
    int ackTimeoutMs = DEFAULT_ACK_TIMEOUT_MS;
    /** How long the process was last found paused on this connection (0: never). */
    long pausedMs;
    /** When the credentials went out (for the clock check), and whether the cloud refused them. */
    long authSentAtMs;
    boolean keyRefused;
    /** What the cloud takes per frame (it says so when it accepts the agent). */
    volatile int maxFrameBytes = DEFAULT_MAX_FRAME_BYTES;
    /** Whether an acknowledgement round is scheduled; touched on the link's event loop. */
    boolean ackTimer;
    /** The cloud refused this agent and said why (logged once); touched on the link's event loop. */
    boolean refusedWithReason;

    Link(NetSocket socket) {
      this.socket = socket;
    }

    /** The socket drained (or closed): workers waiting to write look again. */
    void drained() {
      streams.values().forEach(StreamSink::wake);
    }
  }
}
