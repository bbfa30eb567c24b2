package com.pmsrelay.agent.link;

import com.pmsrelay.agent.AgentConfig;
import com.pmsrelay.agent.exec.QueryExecutor;
import com.pmsrelay.agent.exec.ResultSink;
import com.pmsrelay.common.protocol.Addresses;
import com.pmsrelay.common.protocol.FrameReader;
import com.pmsrelay.common.protocol.Frames;
import com.pmsrelay.common.protocol.QueryRequest;
import com.pmsrelay.common.protocol.StreamMessages;
import com.pmsrelay.common.error.ErrorCode;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.TrustOptions;
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
  private static final String AUTH_REPLY = "auth-reply";

  /** What the agent tells the cloud about itself when it authenticates. */
  public record Identity(String agentVersion, String pmsKind, Supplier<String> pmsVersion) {}

  private final AgentConfig config;
  private final QueryExecutor executor;
  private final Identity identity;
  private final Backoff backoff;
  private NetClient client;
  private Link link;
  private long pingTimer = -1;
  private boolean stopping;
  private volatile boolean ready;

  public AgentLink(AgentConfig config, QueryExecutor executor, Identity identity) {
    this.config = config;
    this.executor = executor;
    this.identity = identity;
    this.backoff = new Backoff(config.cloud().initialDelayMs(), config.cloud().maxDelayMs());
  }

  /** True while authenticated and registered with the cloud. */
  public boolean isReady() {
    return ready;
  }

  @Override
  public Future<?> start() {
    client = vertx.createNetClient(clientOptions(config.cloud()));
    connect();
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    ready = false;
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
    client.connect(config.cloud().port(), config.cloud().host())
        .onSuccess(this::onConnected)
        .onFailure(e -> {
          LOG.warn("cannot reach the cloud at {}:{}: {}", config.cloud().host(), config.cloud().port(), e.getMessage());
          scheduleReconnect();
        });
  }

  private void scheduleReconnect() {
    if (stopping) {
      return;
    }
    long delay = backoff.nextDelayMs();
    LOG.info("reconnecting to the cloud in {} ms", delay);
    vertx.setTimer(delay, id -> connect());
  }

  private void onConnected(NetSocket socket) {
    Link current = new Link(socket);
    link = current;
    socket.handler(new FrameReader(MAX_INBOUND_FRAME_BYTES, frame -> onFrame(current, frame), reason -> {
      LOG.error("closing the cloud connection: {}", reason);
      socket.close();
    }));
    socket.drainHandler(v -> current.drained());
    socket.closeHandler(v -> onDisconnected(current));
    socket.exceptionHandler(e -> LOG.debug("cloud connection error: {}", e.toString()));
    JsonObject credentials = new JsonObject()
        .put("practiceId", config.practiceId())
        .put("agentKey", config.agentKey())
        .put("agentVersion", identity.agentVersion())
        .put("pms", new JsonObject().put("kind", identity.pmsKind()).put("version", identity.pmsVersion().get()));
    socket.write(Frames.encode(Frames.send(Addresses.AGENT_AUTH, credentials, AUTH_REPLY)));
  }

  private void onFrame(Link current, JsonObject frame) {
    current.lastHeardNanos = System.nanoTime();
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
      case "err" -> LOG.error("the cloud refused this agent: {}", frame.getString("message", "no reason given"));
      case "pong" -> { }
      default -> LOG.debug("ignoring frame of type {}", type);
    }
  }

  private void onAuthenticated(Link current, JsonObject body) {
    if (!body.getBoolean("ok", false)) {
      current.socket.close();
      return;
    }
    current.socket.write(Frames.encode(Frames.register(Addresses.practice(config.practiceId()))));
    current.ready = true;
    ready = true;
    backoff.reset();
    startPings(current);
    current.socket.write(Frames.encode(Frames.ping(0, 0))); // the cloud learns the load at once
    LOG.info("connected to the cloud as the agent of practice {}", config.practiceId());
  }

  private void onDispatch(Link current, JsonObject frame) {
    JsonObject body = frame.getJsonObject("body", new JsonObject());
    String op = body.getString("op", "");
    if (QueryRequest.OP_CANCEL.equals(op)) {
      executor.cancel(body.getString("queryId", ""));
      return;
    }
    if (QueryRequest.OP_CANCEL_CLIENT.equals(op)) {
      ErrorCode code = ErrorCode.fromCode(body.getString("code", ""));
      executor.cancelClient(body.getString("clientId", ""), code, "the practice changed this integration's access");
      return;
    }
    String stream = frame.getValue("replyAddress") instanceof String r ? r : null;
    if (!QueryRequest.OP_QUERY.equals(op) || stream == null) {
      return;
    }
    QueryRequest query = QueryRequest.fromJson(body);
    ResultSink sink = current.sink(stream);
    if (!config.practiceId().equals(query.practiceId()) || !stream.equals(Addresses.stream(query.queryId()))) {
      // Never run a query meant for another practice, whatever the cloud sent.
      sink.send(StreamMessages.error(0, ErrorCode.PRACTICE_NOT_FOUND, "this agent does not serve that practice"),
          System.nanoTime());
      return;
    }
    executor.submit(query, sink);
  }

  private void startPings(Link current) {
    long interval = config.pingIntervalMs();
    pingTimer = vertx.setPeriodic(interval, id -> {
      if (link != current) {
        vertx.cancelTimer(id);
        return;
      }
      if (System.nanoTime() - current.lastHeardNanos > TimeUnit.MILLISECONDS.toNanos(interval * 3)) {
        LOG.warn("the cloud has been silent for {} ms: reconnecting", interval * 3);
        current.socket.close();
        return;
      }
      QueryExecutor.Load load = executor.load();
      current.socket.write(Frames.encode(Frames.ping(load.queued(), load.running())));
    });
  }

  private void onDisconnected(Link current) {
    current.closed = true;
    current.drained();
    if (link == current) {
      link = null;
      ready = false;
      vertx.cancelTimer(pingTimer);
      LOG.warn("disconnected from the cloud");
      scheduleReconnect();
    }
  }

  /** One TCP connection's state; a reconnect makes a new one, so stale writers see {@code closed}. */
  private static final class Link {
    final NetSocket socket;
    final Object drainLock = new Object();
    volatile boolean closed;
    volatile boolean ready;
    volatile long lastHeardNanos = System.nanoTime();

    Link(NetSocket socket) {
      this.socket = socket;
    }

    void drained() {
      synchronized (drainLock) {
        drainLock.notifyAll();
      }
    }

    /** Sends to the query's stream, waiting (on workers only) while the socket is congested. */
    ResultSink sink(String stream) {
      return (messages, deadlineNanos) -> {
        if (closed) {
          return false;
        }
        if (!Context.isOnEventLoopThread()) {
          synchronized (drainLock) {
            while (socket.writeQueueFull() && !closed) {
              if (System.nanoTime() > deadlineNanos) {
                return false;
              }
              try {
                drainLock.wait(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            }
          }
        }
        Buffer frames = Buffer.buffer();
        for (JsonObject message : messages) {
          Frames.append(frames, Frames.send(stream, message));
        }
        socket.write(frames);
        return !closed;
      };
    }
  }
}
