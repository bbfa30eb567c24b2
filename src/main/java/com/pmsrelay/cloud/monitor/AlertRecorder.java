package com.pmsrelay.cloud.monitor;

import com.pmsrelay.cloud.store.Alert;
import com.pmsrelay.cloud.store.AlertStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a rule fires: the integrator is paused at the practice first if the rule says
 * so (the next query must find it paused), then the alert is stored (with the pause), logged as one
 * WARN line and counted in {@code pmsrelay_alerts_total{rule}}. The figures never hold patient
 * data, parameter values, SQL text or secrets, so the log line may carry them.
 */
final class AlertRecorder {
  private static final Logger LOG = LoggerFactory.getLogger(AlertRecorder.class);

  private final MonitorConfig config;
  private final AlertStore alerts;
  private final IntegratorPause pause;
  private final String nodeId;
  private final Map<String, Counter> counters = new HashMap<>();

  AlertRecorder(MonitorConfig config, AlertStore alerts, IntegratorPause pause, MeterRegistry metrics, String nodeId) {
    this.config = config;
    this.alerts = alerts;
    this.pause = pause;
    this.nodeId = nodeId;
    for (String rule : MonitorConfig.RULES) {
      // Every rule's counter exists from the start, at 0: a scrape shows the rules watched.
      counters.put(rule, Counter.builder("pmsrelay.alerts").tag("rule", rule)
          .description("Alerts of the suspicious-activity monitor, by rule").register(metrics));
    }
  }

  /** Records one finding; the stored alert once it is written (a failure is logged, not passed on). */
  Future<Alert> record(Finding f) {
    String alertId = UUID.randomUUID().toString();
    counters.get(f.rule()).increment();
    boolean pauses = f.clientId() != null && config.pauses(f.rule());
    Future<Boolean> paused = pauses
        ? pause.pause(f.practiceId(), f.clientId(), f.rule(), alertId).recover(e -> {
          LOG.error("monitor: could not pause integrator {} at practice {} for alert {}: {}", f.clientId(),
              f.practiceId(), alertId, e.toString());
          return Future.succeededFuture(false);
        })
        : Future.succeededFuture(false);
    return paused.compose(p -> {
      Alert alert = new Alert(alertId, f.practiceId(), f.clientId(), f.rule(), f.atMs(), nodeId, f.figures(), p, null,
          null);
      LOG.warn("suspicious activity: rule {} at practice {} by {}{}: {} (alert {})", f.rule(), f.practiceId(),
          f.clientId() == null ? "its agent" : "integrator " + f.clientId(), p ? ", integrator paused" : "",
          f.figures().encode(), alertId);
      return alerts.add(alert).map(alert);
    }).onFailure(e -> LOG.error("monitor: could not store alert {} ({} at practice {}): {}", alertId, f.rule(),
        f.practiceId(), e.toString()));
  }
}
