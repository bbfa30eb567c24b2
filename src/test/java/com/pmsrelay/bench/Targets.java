package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;

/** A figure beside its target, with whether it meets it. */
final class Targets {
  private Targets() {}

  static JsonObject atMost(double value, double limit, String target) {
    return new JsonObject().put("value", Spread.round(value)).put("target", target)
        .put("met", !Double.isNaN(value) && value <= limit);
  }

  static JsonObject below(double value, double limit, String target) {
    return new JsonObject().put("value", Spread.round(value)).put("target", target)
        .put("met", !Double.isNaN(value) && value < limit);
  }

  static JsonObject atLeast(double value, double limit, String target) {
    return new JsonObject().put("value", Spread.round(value)).put("target", target)
        .put("met", !Double.isNaN(value) && value >= limit);
  }

  static JsonObject holds(boolean met, Object value, String target) {
    return new JsonObject().put("value", value).put("target", target).put("met", met);
  }
}
