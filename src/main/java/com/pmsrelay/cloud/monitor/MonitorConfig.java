package com.pmsrelay.cloud.monitor;

import com.pmsrelay.common.config.ConfigException;
import com.pmsrelay.common.config.ConfigReader;
import java.time.DateTimeException;
import java.time.ZoneId;

/**
 * The suspicious-activity monitor's settings ({@code monitor} in conf/cloud.json): one section per
 * rule with its thresholds, its own switch and, for the rules about an integrator, whether firing
 * pauses that integrator at the practice. README, "Suspicious-activity monitor".
 */
public record MonitorConfig(boolean enabled, long saveIntervalMs, Volume volume, NewTables newTables,
    Refusals refusals, OffHours offHours, TokenFailures tokenFailures, AgentKey agentKey) {

  /** Rule names: alerts' {@code rule}, the metric's label and the config sections' names. */
  public static final String VOLUME = "volume";
  public static final String NEW_TABLES = "newTables";
  public static final String REFUSALS = "refusals";
  public static final String OFF_HOURS = "offHours";
  public static final String TOKEN_FAILURES = "tokenFailures";
  public static final String AGENT_KEY = "agentKey";
  public static final java.util.List<String> RULES =
      java.util.List.of(VOLUME, NEW_TABLES, REFUSALS, OFF_HOURS, TOKEN_FAILURES, AGENT_KEY);

  /** 1. Queries or rows in a window far above the busiest window of recent days. */
  public record Volume(boolean enabled, int windowMinutes, int baselineDays, int learningHours, double factor,
      int minQueries, long minRows, boolean pauseIntegrator) {
    long windowMs() {
      return windowMinutes * 60_000L;
    }
  }

  /** 2. A table the integrator has never read at the practice. */
  public record NewTables(boolean enabled, int learningHours, int maxTables, boolean pauseIntegrator) {}

  /** 3. Bursts of {@code sql_rejected} and {@code scope_denied}. */
  public record Refusals(boolean enabled, int windowSeconds, int threshold, int cooldownMinutes,
      boolean pauseIntegrator) {}

  /** 4. Activity at an hour of the day the integrator has never used at the practice. */
  public record OffHours(boolean enabled, int learningHours, ZoneId zone, boolean pauseIntegrator) {}

  /** 5. Repeated failed token requests for one client. */
  public record TokenFailures(boolean enabled, int windowSeconds, int threshold, int cooldownMinutes,
      boolean pauseIntegrator) {}

  /** 6. A practice's agent key used from a new address, or by a second agent while the first is alive. */
  public record AgentKey(boolean enabled, int liveWithinSeconds, int maxAddresses, int cooldownMinutes) {}

  /** Whether the rule, when it fires for an integrator, pauses it at the practice. */
  public boolean pauses(String rule) {
    return switch (rule) {
      case VOLUME -> volume.pauseIntegrator();
      case NEW_TABLES -> newTables.pauseIntegrator();
      case REFUSALS -> refusals.pauseIntegrator();
      case OFF_HOURS -> offHours.pauseIntegrator();
      case TOKEN_FAILURES -> tokenFailures.pauseIntegrator();
      default -> false;
    };
  }

  public static MonitorConfig from(ConfigReader m) {
    ConfigReader rules = m.section("rules");
    ConfigReader v = rules.section(VOLUME);
    ConfigReader t = rules.section(NEW_TABLES);
    ConfigReader r = rules.section(REFUSALS);
    ConfigReader h = rules.section(OFF_HOURS);
    ConfigReader f = rules.section(TOKEN_FAILURES);
    ConfigReader a = rules.section(AGENT_KEY);
    ZoneId zone;
    try {
      zone = ZoneId.of(h.string("zone"));
    } catch (DateTimeException e) {
      throw new ConfigException("'monitor.rules.offHours.zone' is not a time zone (e.g. UTC, Australia/Sydney)");
    }
    return new MonitorConfig(
        m.bool("enabled"),
        m.integer("saveIntervalSeconds", 1, 3_600) * 1000L,
        new Volume(v.bool("enabled"), v.integer("windowMinutes", 1, 1_440), v.integer("baselineDays", 1, 90),
            v.integer("learningHours", 0, 24 * 90), v.decimal("factor", 1.0, 1_000_000.0),
            v.integer("minQueries", 1, 100_000_000), v.longValue("minRows", 1, Long.MAX_VALUE / 4),
            v.bool("pauseIntegrator")),
        new NewTables(t.bool("enabled"), t.integer("learningHours", 0, 24 * 90), t.integer("maxTables", 1, 5_000),
            t.bool("pauseIntegrator")),
        new Refusals(r.bool("enabled"), r.integer("windowSeconds", 1, 86_400), r.integer("threshold", 1, 1_000),
            r.integer("cooldownMinutes", 0, 1_440), r.bool("pauseIntegrator")),
        new OffHours(h.bool("enabled"), h.integer("learningHours", 0, 24 * 90), zone, h.bool("pauseIntegrator")),
        new TokenFailures(f.bool("enabled"), f.integer("windowSeconds", 1, 86_400), f.integer("threshold", 1, 1_000),
            f.integer("cooldownMinutes", 0, 1_440), f.bool("pauseIntegrator")),
        new AgentKey(a.bool("enabled"), a.integer("liveWithinSeconds", 1, 3_600), a.integer("maxAddresses", 1, 256),
            a.integer("cooldownMinutes", 0, 1_440)));
  }
}
