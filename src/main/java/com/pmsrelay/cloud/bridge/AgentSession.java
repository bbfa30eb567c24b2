package com.pmsrelay.cloud.bridge;

import com.pmsrelay.cloud.store.PracticeStore;
import com.pmsrelay.common.error.ErrorCode;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.Frame;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.Releases;
import com.pmsrelay.common.protocol.ResultMessage;
import com.pmsrelay.common.protocol.SchemaRequest;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent's socket at the cloud: frames pass the {@link BridgeGuard}, the agent's practice
 * address is served on the event bus while the socket lives, and result messages go from the
 * socket to the query's stream address (their rows still bytes). Everything runs on the socket's
 * event loop.
 */
final class AgentSession implements SilenceSweep.Watched {
  private static final Logger LOG = LoggerFactory.getLogger(AgentSession.class);
  /** Encoded once: every agent's every heartbeat gets one. */
  private static final Buffer PONG = Frames.encode(Frames.pong());
  /** The reply a dispatch gets while the agent does not acknowledge queries. */
  static final int UNRESPONSIVE = 503;
  /** The most catalogues, and the longest name or version, an agent's credentials are believed for. */
  private static final int MAX_CATALOGUES = 64;
  private static final int MAX_TEXT = 200;
  /**
   * The largest frame a socket may send before it has authenticated (its credentials take well
   * under 1 KiB): a peer without a key cannot make the cloud buffer a full-size frame.
   */
  static final int UNAUTHENTICATED_MAX_FRAME_BYTES = 16 * 1024;

  private final Vertx vertx;
  /** The socket's event loop: everything that touches this session's state runs there. */
  private final io.vertx.core.Context context;
  private final NetSocket socket;
  private final BridgeConfig config;
  private final PracticeStore practices;
  private final HeartbeatRecorder recorder;
  private final AgentDirectory directory;
  private final SilenceSweep sweep;
  private final String nodeId;
  /** The version policy, releases offered to agents and their update reports. */
  private final ReleaseOffers offers;
  private final BridgeGuard guard = new BridgeGuard();
  private final FrameReader frames;
  /** This connection, told to the practice's other sessions (on any node) when it takes over. */
  private final String sessionId = java.util.UUID.randomUUID().toString();
  private MessageConsumer<JsonObject> consumer;
  private long authTimer;
  /** This connection's heartbeats, once authenticated. */
  private HeartbeatRecorder.Agent heartbeats;
  private boolean closed;
  /** When a frame last came from the agent. */
  private long lastHeardMs = System.currentTimeMillis();
  /** When bytes last came from the agent (any, a frame's part too): its socket's liveness. */
  private long lastReadMs = lastHeardMs;
  /** The agent's run (a new one at every start), told to dispatchers with each accepted query. */
  private String bootId;
  /** Set when a query went unacknowledged: dispatches are refused until the agent is heard again. */
  private boolean unresponsive;
  /** The dispatching node's inbox of each open stream, by stream address. */
  private final java.util.Map<String, String> inboxes = new java.util.HashMap<>();
  /** What the agent said of itself when it authenticated: its PMS's version, catalogues and features. */
  private String pmsVersion;
  private io.vertx.core.json.JsonArray catalogues = new io.vertx.core.json.JsonArray();
  private java.util.Set<String> features = java.util.Set.of();
  /** The load the agent last reported (queued, running), null until its first heartbeat with one. */
  private volatile Integer lastQueued;
  private volatile Integer lastRunning;
  /** The agent's adaptive limit and circuit state, when its heartbeats carry them. */
  private volatile Integer lastLimit;
  private volatile String lastCircuit;
  /** The version the agent said it runs, and whether a release chunk it asked for is being read. */
  private String agentVersion;
  private boolean fetching;

  AgentSession(Vertx vertx, NetSocket socket, BridgeConfig config, PracticeStore practices, HeartbeatRecorder recorder,
      AgentDirectory directory, SilenceSweep sweep, String nodeId, ReleaseOffers offers) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.socket = socket;
    this.config = config;
    this.practices = practices;
    this.recorder = recorder;
    this.directory = directory;
    this.sweep = sweep;
    this.nodeId = nodeId;
    this.offers = offers;
    frames = new FrameReader(Math.min(UNAUTHENTICATED_MAX_FRAME_BYTES, config.maxFrameBytes()),
        bytes -> onFrame(Frame.decode(bytes)), this::refuse);
    socket.handler(bytes -> {
      lastReadMs = System.currentTimeMillis();
      frames.handle(bytes);
    });
    sweep.add(this);
    socket.closeHandler(v -> onClosed());
    socket.exceptionHandler(e -> LOG.debug("agent socket error from {}: {}", socket.remoteAddress(), e.toString()));
    authTimer = vertx.setTimer(config.authTimeoutMs(), id -> {
      if (guard.practiceId() == null) {
        refuse("authentication timed out");
      }
    });
  }

  private void onFrame(Frame frame) {
    if (closed) {
      return;
    }
    BridgeGuard.Verdict verdict = guard.check(frame);
    directory.meters().frameIn(verdict);
    switch (verdict) {
      case AUTHENTICATE -> authenticate(frame);
      case REGISTER -> register();
      case PING -> {
        heard();
        socket.write(PONG.copy());
        noteSeen(frame.body());
      }
      case STREAM -> {
        heard();
        forward(frame.address(), frame.result());
      }
      case NOTE -> {
        heard();
        // The practice is the one this socket authenticated as, never what the note says.
        vertx.eventBus().send(Addresses.REGISTERED_NOTES, new JsonObject().put("practiceId", guard.practiceId())
            .put("note", frame.body()), new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
      }
      case RELEASE_FETCH -> {
        heard();
        fetchChunk(frame.body());
      }
      case UPDATE_REPORT -> {
        heard();
        String practiceId = guard.practiceId();
        offers.report(practiceId, frame.body()).onFailure(e -> LOG.debug("ignored an update report of practice {}: {}",
            practiceId, e.getMessage()));
        LOG.info("the agent of practice {} reports its update to {}: {}{}", practiceId, text(frame.body(), "version"),
            text(frame.body(), "state"), frame.body().getValue("reason") instanceof String r ? " (" + r + ")" : "");
      }
      case LATE -> {
        heard();
        LOG.debug("dropped a late message for an ended stream of practice {}", guard.practiceId());
      }
      case REFUSE -> refuse(guard.refusal());
    }
  }

  private void authenticate(Frame frame) {
    JsonObject body = frame.body();
    String replyAddress = frame.replyAddress() != null ? frame.replyAddress() : "auth";
    String practiceId = body.getValue("practiceId") instanceof String p ? p : "";
    String agentKey = body.getValue("agentKey") instanceof String k ? k : "";
    socket.pause();
    practices.verifyAgentKey(practiceId, agentKey).onComplete(result -> {
      socket.resume();
      if (closed) {
        return;
      }
      if (result.failed() || !result.result()) {
        refuseKey(replyAddress, practiceId, agentKey);
        return;
      }
      socket.pause();
      offers.policy(text(body, "agentVersion")).onComplete(verdict -> {
        socket.resume();
        if (!closed) {
          admit(body, replyAddress, practiceId, verdict.failed() ? ReleaseOffers.PolicyVerdict.FINE : verdict.result());
        }
      });
    });
  }

  /**
   * Refuses a key the store does not know for the practice; a key retired when the practice moved
   * to a new server is told so, in a line its agent logs, so whoever reads that server's log knows
   * the agent there can go.
   */
  private void refuseKey(String replyAddress, String practiceId, String agentKey) {
    socket.pause();
    offers.movedAway(practiceId, agentKey).onComplete(moved -> {
      socket.resume();
      if (closed) {
        return;
      }
      if (moved.succeeded() && moved.result().isPresent()) {
        LOG.warn("agent authentication refused from {} for practice {}: its key was retired by a move to a new server",
            socket.remoteAddress(), safeId(practiceId));
        refuseAuthentication(replyAddress, "agent_key_moved", moved.result().get());
        return;
      }
      LOG.warn("agent authentication refused from {} for practice {}", socket.remoteAddress(), safeId(practiceId));
      refuse("authentication failed");
    });
  }

  /**
   * Refuses the agent's credentials with a reason it logs as it is, and waits long before trying
   * again ({@code code}: agent_outdated, agent_key_moved): the same answer would come every time.
   */
  private void refuseAuthentication(String replyAddress, String code, String reason) {
    socket.write(Frames.encode(Frames.message(replyAddress, new JsonObject().put("ok", false).put("code", code)
        .put("reason", reason), null)));
    refuse(reason);
  }

  /** The agent's key is right: it is let in unless the version policy refuses its version. */
  private void admit(JsonObject body, String replyAddress, String practiceId, ReleaseOffers.PolicyVerdict verdict) {
    if (verdict.refusal() != null) {
      LOG.warn("agent of practice {} refused: {}", practiceId, verdict.refusal());
      refuseAuthentication(replyAddress, "agent_outdated", verdict.refusal());
      return;
    }
    vertx.cancelTimer(authTimer);
    if (Boolean.TRUE.equals(body.getValue("probe"))) {
      answerProbe(replyAddress, practiceId);
      return;
    }
    agentVersion = bounded(text(body, "agentVersion"));
    guard.authenticated(practiceId);
    frames.maxFrameBytes(config.maxFrameBytes());
    bootId = text(body, "bootId");
    heartbeats = recorder.track(practiceId);
    JsonObject pms = body.getValue("pms") instanceof JsonObject p ? p : new JsonObject();
    pmsVersion = bounded(text(pms, "version"));
    catalogues = names(body.getValue("catalogues"));
    features = java.util.Set.copyOf(names(body.getValue("features")).stream().map(String::valueOf).toList());
    practices.agentConnected(practiceId, nodeId, text(body, "agentVersion"), text(pms, "kind"), text(pms, "version"))
        .onSuccess(v -> heartbeats.connectionRecorded())
        .onFailure(e -> LOG.warn("cannot record agent connection of practice {}: {}", practiceId, e.toString()));
    // The agent sizes its result messages to fit this node's frame limit, and distrusts its link
    // after a pause of its own process long enough for this node to give up on a query.
    JsonObject accepted = new JsonObject().put("ok", true).put("maxFrameBytes", config.maxFrameBytes())
        .put("ackTimeoutMs", config.ackTimeoutMs())
        .put("nowMs", System.currentTimeMillis()); // the agent compares its clock with the cloud's
    if (verdict.warning() != null) {
      accepted.put("warning", verdict.warning());
    }
    offers.connectedFrom(practiceId, host())
        .onFailure(e -> LOG.warn("cannot record the address of the agent of practice {}: {}", practiceId, e.toString()));
    socket.write(Frames.encode(Frames.message(replyAddress, accepted, null)));
    LOG.info("agent of practice {} authenticated from {}", practiceId, socket.remoteAddress());
    tellMonitor(new JsonObject().put("event", "authenticated").put("practiceId", practiceId).put("address", host()));
  }

  /**
   * The doctor's check of a key ({@code "probe": true} in the credentials): the key is good and this
   * is the cloud's time, and nothing else happens: no connection recorded, the practice's live agent
   * left alone. The key's use is still told to the monitor.
   */
  private void answerProbe(String replyAddress, String practiceId) {
    LOG.info("agent key of practice {} checked by the doctor from {}", practiceId, socket.remoteAddress());
    tellMonitor(new JsonObject().put("event", "authenticated").put("practiceId", practiceId).put("address", host()));
    socket.write(Frames.encode(Frames.message(replyAddress, new JsonObject().put("ok", true).put("probe", true)
        .put("nowMs", System.currentTimeMillis()), null)));
    socket.close();
    onClosed();
  }

  private void register() {
    String practiceId = guard.practiceId();
    directory.replace(practiceId, this);
    EventBus bus = vertx.eventBus();
    consumer = bus.consumer(Addresses.practice(practiceId), this::onDispatch);
    // One connection per practice in the whole cluster: an older one on another node closes.
    consumer.completion()
        .onSuccess(v -> {
          bus.publish(Addresses.practice(practiceId), QueryRequest.takeover(sessionId, bootId, host()));
          bus.publish(Addresses.AGENT_MOVED, new JsonObject().put("practiceId", practiceId).put("node", nodeId));
          sendOffer();
        })
        .onFailure(e -> refuse("cannot register the practice address"));
  }

  private void onDispatch(Message<JsonObject> message) {
    JsonObject body = message.body();
    String op = body.getString("op", "");
    String queryId = body.getValue("queryId") instanceof String q ? q : "";
    switch (op) {
      case QueryRequest.OP_QUERY -> dispatch(message, body, queryId);
      case SchemaRequest.OP_SCHEMA -> {
        if (!features.contains(SchemaRequest.FEATURE)) {
          message.fail(SchemaRequest.NOT_SUPPORTED, "the practice's agent is too old to list its tables; the practice needs to update it");
        } else {
          dispatch(message, body, queryId);
        }
      }
      case com.pmsrelay.common.protocol.Registration.OP_FETCH -> {
        if (!features.contains(com.pmsrelay.common.protocol.Registration.FEATURE)) {
          message.fail(SchemaRequest.NOT_SUPPORTED, "the practice's agent is too old to run registered queries");
        } else {
          dispatch(message, body, queryId);
        }
      }
      case com.pmsrelay.common.protocol.Registration.OP_REGISTRATIONS,
          com.pmsrelay.common.protocol.Registration.OP_STORED -> {
        if (features.contains(com.pmsrelay.common.protocol.Registration.FEATURE)) {
          toAgent(body, null);
        }
      }
      case QueryRequest.OP_CANCEL -> {
        guard.closeStream(Addresses.stream(queryId)); // nobody listens to it any more
        inboxes.remove(Addresses.stream(queryId));
        toAgent(body, null);
      }
      case QueryRequest.OP_CREDIT -> toAgent(body, null);
      case QueryRequest.OP_UNACKNOWLEDGED -> unacknowledged(body.getLong("sinceMs", 0L));
      case QueryRequest.OP_STATUS -> message.reply(new JsonObject().put("lastHeardMs", lastHeardMs)
          .put("unresponsive", unresponsive).put("queued", lastQueued).put("running", lastRunning)
          .put("pmsVersion", pmsVersion).put("catalogues", catalogues.copy())
          .put("features", new io.vertx.core.json.JsonArray(new ArrayList<>(features))));
      case QueryRequest.OP_TAKEOVER -> {
        if (!sessionId.equals(body.getValue("session"))) {
          takenOver(body.getValue("bootId"), body.getValue("address"));
        }
      }
      default -> message.fail(400, "unknown operation");
    }
  }

  /**
   * Sends a query or schema request on to the agent, its results to come from the stream the
   * guard now lets the agent send to, forwarded to the dispatching node's inbox.
   */
  private void dispatch(Message<JsonObject> message, JsonObject body, String queryId) {
    if (unresponsive) {
      message.fail(UNRESPONSIVE, "the practice's agent does not acknowledge queries");
      return;
    }
    String stream = Addresses.stream(queryId);
    Object inbox = body.remove(QueryRequest.INBOX);
    if (!(inbox instanceof String)) {
      message.fail(400, "a query without an inbox for its results");
      return;
    }
    guard.openStream(stream);
    inboxes.put(stream, (String) inbox);
    toAgent(body, stream);
    message.reply(new JsonObject().put("accepted", true).put("node", nodeId).put("bootId", bootId));
  }

  private void toAgent(JsonObject body, String replyAddress) {
    socket.write(Frames.encode(Frames.message(Addresses.practice(guard.practiceId()), body, replyAddress)));
  }

  /**
   * A reader saw no acknowledgement of a query sent at {@code sinceMs}: if the agent has said
   * nothing at all since, it is unresponsive (frozen, or its host stalled) though its connection
   * is up. Queries are refused at once until it is heard again.
   */
  private void unacknowledged(long sinceMs) {
    if (unresponsive || lastHeardMs > sinceMs) {
      return;
    }
    unresponsive = true;
    LOG.warn("the agent of practice {} does not acknowledge queries (last heard {} ms ago): marked unreachable",
        guard.practiceId(), System.currentTimeMillis() - lastHeardMs);
    recordResponsive(false);
  }

  private void heard() {
    lastHeardMs = System.currentTimeMillis();
    if (unresponsive) {
      unresponsive = false;
      LOG.info("the agent of practice {} answers again", guard.practiceId());
      recordResponsive(true);
    }
  }

  private void recordResponsive(boolean responsive) {
    String practiceId = guard.practiceId();
    practices.agentResponsive(practiceId, nodeId, responsive, lastHeardMs)
        .onFailure(e -> LOG.warn("cannot record the state of the agent of practice {}: {}", practiceId, e.toString()));
  }

  private void forward(String stream, ResultMessage message) {
    String inbox = message.isFinal() ? inboxes.remove(stream) : inboxes.get(stream);
    if (message.isFinal()) {
      guard.closeStream(stream);
    }
    if (inbox != null) {
      vertx.eventBus().send(inbox, message, ResultMessageCodec.to(queryIdOf(stream)));
    }
  }

  private static String queryIdOf(String stream) {
    return stream.substring(Addresses.stream("").length());
  }

  private static final java.util.Set<String> CIRCUIT_STATES = java.util.Set.of("CLOSED", "OPEN", "HALF_OPEN");

  double reportedQueued() {
    Integer v = lastQueued;
    return v == null ? Double.NaN : v;
  }

  double reportedRunning() {
    Integer v = lastRunning;
    return v == null ? Double.NaN : v;
  }

  double reportedLimit() {
    Integer v = lastLimit;
    return v == null ? Double.NaN : v;
  }

  String reportedCircuit() {
    return lastCircuit;
  }

  /** Hands the heartbeat to the node's recorder, with the load the agent reported if it is plausible. */
  private void noteSeen(JsonObject load) {
    if (load != null && load.getValue("queued") instanceof Integer queued && load.getValue("running") instanceof Integer running
        && queued >= 0 && running >= 0 && queued < 1_000_000 && running < 1_000) {
      lastQueued = queued;
      lastRunning = running;
      lastLimit = load.getValue("limit") instanceof Integer limit && limit >= 0 && limit < 1_000 ? limit : null;
      lastCircuit = load.getValue("circuit") instanceof String c && CIRCUIT_STATES.contains(c) ? c : null;
      heartbeats.heard(queued, running);
    } else {
      heartbeats.heard(null, null);
    }
  }

  @Override
  public long lastReadMs() {
    return lastReadMs;
  }

  @Override
  public void closeSilent(long silentMs) {
    refuse("nothing heard from the agent for " + silentMs + " ms");
  }

  /** Refuses the socket: one error frame, then the connection is closed. */
  void refuse(String reason) {
    if (closed) {
      return;
    }
    LOG.warn("closing agent socket from {}: {}", socket.remoteAddress(), reason);
    socket.write(Frames.encode(Frames.err(reason)));
    socket.close();
    onClosed();
  }

  /** Tells an agent that updates itself which release it is offered now (none: an offer without a version). */
  private void sendOffer() {
    if (closed || !features.contains(Releases.FEATURE)) {
      return;
    }
    String practiceId = guard.practiceId();
    offers.offerFor(practiceId, agentVersion).onComplete(offer -> {
      if (offer.succeeded() && !closed) {
        toAgent(offer.result(), null);
      } else if (offer.failed()) {
        LOG.warn("cannot tell the agent of practice {} its release offer: {}", practiceId, offer.cause().toString());
      }
    });
  }

  /**
   * Releases, their roll-out or the version policy changed: an agent now below the minimum is
   * dropped (it is told why when it connects again), any other is told its offer anew.
   */
  void releasesChanged() {
    context.runOnContext(v -> {
      if (closed || guard.practiceId() == null) {
        return;
      }
      offers.policy(agentVersion).onSuccess(verdict -> {
        if (verdict.refusal() != null) {
          refuse(verdict.refusal());
        } else {
          sendOffer();
        }
      });
    });
  }

  /**
   * One chunk of a release's jar, asked for by the agent: read and sent only after the last one
   * was, so an agent has at most one chunk on its way (what it asks for meanwhile is dropped).
   */
  private void fetchChunk(JsonObject body) {
    String version = text(body, "version");
    if (fetching || version == null || !(body.getValue("seq") instanceof Integer seq) || seq < 0) {
      return;
    }
    fetching = true;
    offers.chunk(guard.practiceId(), version, seq).onComplete(chunk -> {
      fetching = false;
      if (closed) {
        return;
      }
      JsonObject reply = new JsonObject().put("op", Releases.OP_CHUNK).put("version", version).put("seq", seq);
      if (chunk.succeeded() && chunk.result().isPresent()) {
        reply.put("data", java.util.Base64.getEncoder().encodeToString(chunk.result().get().getBytes()));
      } else {
        reply.put("error", "the cloud does not offer this release to this agent");
      }
      toAgent(reply, null);
    });
  }

  /** Sends a control message (not a query) to the agent. */
  void sendControl(JsonObject body) {
    context.runOnContext(v -> {
      if (!closed) {
        toAgent(body, null);
      }
    });
  }

  /** Refuses the socket from any thread (a control-plane change). */
  void drop(String reason) {
    context.runOnContext(v -> refuse(reason));
  }

  /**
   * Closes the socket because a newer connection of the same agent took over on this node (called
   * from the newer session's loop, with its run's boot id and its address).
   */
  void replaced(String newBootId, String newAddress) {
    context.runOnContext(v -> takenOver(newBootId, newAddress));
  }

  /**
   * A newer connection took this one's place: closed, once the monitor is told. Another run of the
   * agent taking over a connection that was alive is a second holder of the key; the monitor judges.
   */
  private void takenOver(Object newBootId, Object newAddress) {
    if (closed) {
      return;
    }
    tellMonitor(new JsonObject().put("event", "takeover").put("practiceId", guard.practiceId())
        .put("address", host()).put("bootId", bootId).put("heardAgoMs", System.currentTimeMillis() - lastHeardMs)
        .put("newAddress", newAddress).put("newBootId", newBootId));
    refuse("replaced by a newer connection of this agent");
  }

  /** The boot id of the agent's run on this connection (null before it authenticated). */
  String bootId() {
    return bootId;
  }

  private void onClosed() {
    if (closed) {
      return;
    }
    closed = true;
    sweep.remove(this);
    vertx.cancelTimer(authTimer);
    if (consumer != null) {
      consumer.unregister();
    }
    // Queries in flight on this socket end now, not at their deadline.
    ResultMessage lost = AgentLost.MESSAGE;
    for (String stream : new ArrayList<>(guard.openStreams())) {
      String inbox = inboxes.get(stream);
      if (inbox != null) {
        vertx.eventBus().send(inbox, lost, ResultMessageCodec.to(queryIdOf(stream)));
      }
    }
    guard.openStreams().clear();
    inboxes.clear();
    if (heartbeats != null) {
      heartbeats.closed(); // before the disconnect is recorded (a late heartbeat the store ignores)
    }
    String practiceId = guard.practiceId();
    if (practiceId != null && directory.remove(practiceId, this)) {
      practices.agentDisconnected(practiceId, nodeId);
      LOG.info("agent of practice {} disconnected", practiceId);
    }
  }

  /** The message that ends every stream of an agent whose connection closed. */
  private static final class AgentLost {
    static final ResultMessage MESSAGE;

    static {
      try {
        MESSAGE = ResultMessage.decode(ResultMessage.error(0, ErrorCode.AGENT_OFFLINE, "the agent disconnected"));
      } catch (ResultMessage.MalformedException e) {
        throw new ExceptionInInitializerError(e);
      }
    }
  }

  /** The agent's IP address, as this socket sees it. */
  String host() {
    return socket.remoteAddress() == null ? null : socket.remoteAddress().hostAddress();
  }

  /** Tells this node's suspicious-activity monitor (if any); node-local, never across the cluster. */
  private void tellMonitor(JsonObject event) {
    vertx.eventBus().send(Addresses.MONITOR_AGENT, event, new io.vertx.core.eventbus.DeliveryOptions().setLocalOnly(true));
  }

  /** Text the agent sent about itself, kept only if it is of a believable length. */
  private static String bounded(String value) {
    return value == null || value.length() > MAX_TEXT ? null : value;
  }

  /** A list of names the agent sent (catalogues, features): strings of believable length, a bounded number. */
  private static io.vertx.core.json.JsonArray names(Object value) {
    io.vertx.core.json.JsonArray names = new io.vertx.core.json.JsonArray();
    if (value instanceof io.vertx.core.json.JsonArray list) {
      for (Object name : list) {
        if (name instanceof String s && !s.isEmpty() && s.length() <= MAX_TEXT && names.size() < MAX_CATALOGUES) {
          names.add(s);
        }
      }
    }
    return names;
  }

  private static String text(JsonObject json, String key) {
    return json.getValue(key) instanceof String s ? s : null;
  }

  /** Logs only what looks like an id: the field is attacker-controlled. */
  private static String safeId(String value) {
    return value.matches("[0-9a-fA-F-]{1,36}") ? value : "<invalid>";
  }
}
