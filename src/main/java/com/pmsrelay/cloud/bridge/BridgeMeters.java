package com.pmsrelay.cloud.bridge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;

/**
 * The bridge's meters: agents connected to this node, frames by kind, and each connected agent's
 * load as it last reported it (queued, running, adaptive limit, circuit open), by practice. A
 * practice's gauges are removed when its agent leaves this node, so the registry holds at most one
 * set per connected agent.
 */
final class BridgeMeters {
  private final MeterRegistry registry;
  private final Map<BridgeGuard.Verdict, Counter> framesIn = new EnumMap<>(BridgeGuard.Verdict.class);
  private final Map<String, java.util.List<Gauge>> loadGauges = new ConcurrentHashMap<>();

  BridgeMeters(MeterRegistry registry, Map<String, AgentSession> sessions) {
    this.registry = registry;
    Gauge.builder("pmsrelay_agents_connected", sessions, Map::size)
        .description("agents connected to this cloud node").register(registry);
    for (BridgeGuard.Verdict verdict : BridgeGuard.Verdict.values()) {
      framesIn.put(verdict, Counter.builder("pmsrelay_bridge_frames_received")
          .description("frames received from agents, by what the bridge made of them")
          .tag("kind", verdict.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
    }
  }

  void frameIn(BridgeGuard.Verdict verdict) {
    framesIn.get(verdict).increment();
  }

  /** The practice's agent now reports here: its load gauges read whichever session is current. */
  void connected(String practiceId, Map<String, AgentSession> sessions) {
    loadGauges.computeIfAbsent(practiceId, id -> java.util.List.of(
        gauge("pmsrelay_agent_queued", "queries waiting at the practice's agent", id, sessions, AgentSession::reportedQueued),
        gauge("pmsrelay_agent_running", "queries running at the practice's agent", id, sessions, AgentSession::reportedRunning),
        gauge("pmsrelay_agent_limit", "the agent's adaptive concurrency limit", id, sessions, AgentSession::reportedLimit),
        gauge("pmsrelay_agent_circuit_open", "1 while the agent's circuit to its database is open (not closed)", id,
            sessions, s -> s.reportedCircuit() == null ? Double.NaN : s.reportedCircuit().equals("CLOSED") ? 0 : 1)));
  }

  void disconnected(String practiceId) {
    java.util.List<Gauge> gauges = loadGauges.remove(practiceId);
    if (gauges != null) {
      gauges.forEach(registry::remove);
    }
  }

  private Gauge gauge(String name, String description, String practiceId, Map<String, AgentSession> sessions,
      ToDoubleFunction<AgentSession> value) {
    return Gauge.builder(name, sessions, all -> {
      AgentSession session = all.get(practiceId);
      return session == null ? Double.NaN : value.applyAsDouble(session);
    }).description(description).tag("practice", practiceId).register(registry);
  }
}
