package com.pmsrelay.doctor;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.agent.link.AgentLink;
import com.pmsrelay.agent.link.ClockSkew;
import com.pmsrelay.agent.link.ConnectFailure;
import com.pmsrelay.common.Version;
import com.pmsrelay.common.protocol.FrameReader;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The agent's real handshake with the cloud's bridge: the TLS options the agent dials with, the
 * credentials frame it sends, marked as a probe ({@code "probe": true}) so the cloud only checks
 * the key and answers with its time, leaving the practice's running agent alone. Then closed.
 */
final class BridgeProbe {
  /** What came back: accepted or not (with the cloud's reason), the cloud's clock and when we asked. */
  record Outcome(boolean accepted, String refusal, Long cloudNowMs, long sentAtMs, long repliedAtMs) {}

  private final AgentConfig config;
  private final Clock clock;
  private final long timeoutMs;

  BridgeProbe(AgentConfig config, Clock clock, long timeoutMs) {
    this.config = config;
    this.clock = clock;
    this.timeoutMs = timeoutMs;
  }

  /** Blocking, at most about twice the step time-out. Throws with the agent's own failure line if it cannot connect. */
  Outcome run(Vertx vertx) throws Exception {
    NetClientOptions options = AgentLink.clientOptions(config.cloud()).setConnectTimeout((int) timeoutMs);
    NetClient client = vertx.createNetClient(options);
    Promise<Outcome> outcome = Promise.promise();
    long[] sentAt = new long[1];
    SocketAddress address = SocketAddress.inetSocketAddress(config.cloud().port(), config.cloud().host());
    try {
      client.connect(address).onFailure(e -> outcome.tryFail(new IllegalStateException(
          ConnectFailure.describe(address.toString(), e)))).onSuccess(socket -> {
            socket.handler(FrameReader.ofJson(64 * 1024, frame -> {
              long now = clock.millis();
              switch (frame.getString("type", "")) {
                case "message" -> {
                  JsonObject body = frame.getJsonObject("body", new JsonObject());
                  outcome.tryComplete(new Outcome(body.getBoolean("ok", false), null,
                      body.getValue("nowMs") instanceof Number n ? n.longValue() : null, sentAt[0], now));
                  socket.close();
                }
                case "err" -> outcome.tryComplete(new Outcome(false, frame.getString("message", "no reason given"), null,
                    sentAt[0], now));
                default -> { }
              }
            }, reason -> outcome.tryFail(new IllegalStateException("the cloud sent a frame the agent cannot read: " + reason))));
            socket.closeHandler(v -> outcome.tryFail(new IllegalStateException(
                "the cloud closed the connection without answering the credentials")));
            JsonObject credentials = AgentLink.credentials(config, new AgentLink.Identity(Version.current(),
                config.pms().kind(), () -> null, List.copyOf(config.pms().catalogues())), "doctor-" + UUID.randomUUID())
                .put("probe", true);
            sentAt[0] = clock.millis();
            socket.write(AgentLink.authFrame(credentials));
          });
      return outcome.future().toCompletionStage().toCompletableFuture().get(timeoutMs * 2, TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (java.util.concurrent.TimeoutException e) {
      throw new IllegalStateException("the cloud did not answer the credentials within " + timeoutMs * 2 + " ms");
    } finally {
      client.close();
    }
  }

  /** The "agent key accepted" and "clock" checks from one handshake. */
  static List<Check> checks(AgentConfig config, Outcome outcome, Throwable failure) {
    String key = "agent key accepted";
    String clockName = "clock skew under 60 s";
    if (failure != null) {
      return List.of(Check.fail(key, "could not complete the handshake: " + failure.getMessage(),
          "see the checks above; if they passed, the cloud may be overloaded or an older version: try again"),
          Check.notChecked(clockName, "the cloud's time comes with its answer to the key"));
    }
    if (!outcome.accepted()) {
      String why = outcome.refusal() == null ? "refused" : outcome.refusal();
      String fix = ConnectFailure.keyRefused(config.practiceId()).replaceFirst("^[^;]*; ", "");
      return List.of(Check.fail(key, "the cloud refused the agent key for practice " + config.practiceId() + " (" + why
          + "): the key is wrong, or it was rotated", fix),
          Check.notChecked(clockName, "the cloud tells its time only to an accepted key"));
    }
    Check keyOk = Check.pass(key, "the cloud accepted the key of practice " + config.practiceId());
    if (outcome.cloudNowMs() == null) {
      return List.of(keyOk, Check.warn(clockName, "the cloud did not say its time (a version before the doctor)",
          "compare this server's clock with an NTP source by hand (w32tm /stripchart /computer:pool.ntp.org, or chronyc tracking)"));
    }
    ClockSkew skew = ClockSkew.of(outcome.cloudNowMs(), outcome.sentAtMs(), outcome.repliedAtMs());
    String measured = skew.describe() + " (within " + skew.uncertaintyMs() + " ms)";
    return List.of(keyOk, skew.tooLarge() ? Check.fail(clockName, measured, ClockSkew.fix()) : Check.pass(clockName, measured));
  }

}
