package com.pmsrelay.doctor;

import com.pmsrelay.agent.config.AgentConfig;
import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigLoader;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's checks, in the order a connection is made: its config, the way to the cloud (DNS,
 * TCP, TLS and the certificate or pin), the key (the real handshake) and the clock, then the
 * practice's database, and the log folder's free space.
 */
final class AgentDoctor {
  private final Doctor.Settings settings;

  AgentDoctor(Doctor.Settings settings) {
    this.settings = settings;
  }

  List<Check> run(Path configFile, PrintStream out) {
    List<Check> checks = new ArrayList<>();
    String logDir = null;
    AgentConfig config;
    try {
      io.vertx.core.json.JsonObject json = ConfigLoader.load("agent", configFile, settings.env());
      logDir = Doctor.configuredLogDir(json);
      config = AgentConfig.from(json);
    } catch (ConfigException e) {
      add(checks, out, Doctor.configFailed(configFile, "agent", e));
      add(checks, out, Doctor.logSpace(settings, logDir));
      return checks;
    }
    add(checks, out, Check.pass("config", "valid: practice " + config.practiceId() + ", cloud " + config.cloud().host()
        + ":" + config.cloud().port() + (config.cloud().pinnedSha256() != null ? " (pinned)" : " (CA " + config.cloud().caPath()
        + ")") + ", PMS " + config.pms().kind() + " " + config.pms().catalogues()));

    CloudReach reach = new CloudReach(config.cloud(), settings.stepTimeoutMs(), settings.clock());
    Check dns = add(checks, out, reach.dns());
    Check tcp = dns.passed() ? add(checks, out, reach.tcp())
        : add(checks, out, Check.notChecked("cloud port reachable", "the cloud's host name does not resolve"));
    Check tls = tcp.passed() ? add(checks, out, reach.tls())
        : add(checks, out, Check.notChecked("TLS and certificate", "the cloud's port cannot be reached"));
    if (tls.status() == Check.Status.FAIL || !tcp.passed()) {
      add(checks, out, Check.notChecked("agent key accepted", "the agent cannot make a TLS connection to the cloud"));
      add(checks, out, Check.notChecked("clock skew under 60 s", "the cloud's time comes with its answer to the key"));
    } else {
      for (Check check : probe(config)) {
        add(checks, out, check);
      }
    }
    for (Check check : new PmsChecks(config.pms(), settings.stepTimeoutMs()).run()) {
      add(checks, out, check);
    }
    add(checks, out, Doctor.logSpace(settings, logDir));
    return checks;
  }

  private List<Check> probe(AgentConfig config) {
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
    try {
      return BridgeProbe.checks(config, new BridgeProbe(config, settings.clock(), settings.stepTimeoutMs()).run(vertx), null);
    } catch (Exception e) {
      return BridgeProbe.checks(config, null, e);
    } finally {
      vertx.close().await();
    }
  }

  private static Check add(List<Check> checks, PrintStream out, Check check) {
    checks.add(check);
    check.print(out);
    return check;
  }
}
