package com.pmsrelay.cloud.monitor;

import io.vertx.core.json.JsonObject;

/**
 * A rule that fired: for which practice and integrator (null: the practice's agent), at what
 * time, and the figures that tripped it (counts, thresholds, table names: never patient data,
 * parameter values or SQL text).
 */
record Finding(String practiceId, String clientId, String rule, long atMs, JsonObject figures) {}
