package com.pmsrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.List;

/** One figure measured several times (blocks, pairs): its median and its range. */
record Spread(double median, double min, double max, int n) {

  static Spread of(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return new Spread(Double.NaN, Double.NaN, Double.NaN, 0);
    }
    double median = v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    return new Spread(median, v[0], v[v.length - 1], v.length);
  }

  static Spread of(double... values) {
    return of(Arrays.stream(values).boxed().toList());
  }

  JsonObject toJson() {
    return new JsonObject().put("median", round(median)).put("min", round(min)).put("max", round(max)).put("n", n);
  }

  static JsonArray rounded(List<Double> values) {
    JsonArray array = new JsonArray();
    values.forEach(v -> array.add(round(v)));
    return array;
  }

  /** Three significant decimals are plenty for noisy timings; NaN becomes null in JSON. */
  static Double round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return null;
    }
    return Math.round(value * 1000.0) / 1000.0;
  }

  /** "median [min, max]", rounded as in JSON: for headlines. */
  String brief() {
    return round(median) + " [" + round(min) + ", " + round(max) + "]";
  }

  @Override
  public String toString() {
    return String.format("%.3g (%.3g–%.3g, n=%d)", median, min, max, n);
  }
}
