package com.pmsrelay.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** A few human-readable lines of a run's figures and targets, for the console. */
final class Summary {
  private Summary() {}

  static String of(JsonObject latest) {
    StringBuilder text = new StringBuilder();
    JsonObject benchmarks = latest.getJsonObject("benchmarks");
    JsonObject guard = benchmarks.getJsonObject("guard");
    if (guard != null) {
      JsonObject cases = guard.getJsonObject("cases");
      for (String name : cases.fieldNames()) {
        JsonObject c = cases.getJsonObject(name);
        text.append(String.format("guard %-23s p50 %s µs, p90 %s µs, p99 %s µs, cpu %s µs, allocated %s bytes (median of blocks [min, max])%n",
            name, figure(c.getJsonObject("p50Us")), figure(c.getJsonObject("p90Us")), figure(c.getJsonObject("p99Us")),
            figure(c.getJsonObject("cpuUsPerCheck")), figure(c.getJsonObject("allocatedBytesPerCheck"))));
      }
      JsonObject split = guard.getJsonObject("lexicalParseSplit");
      if (split.getBoolean("valid")) {
        text.append(String.format("guard parse share: typical %s µs, simple %s µs (p50)%n",
            figure(split.getJsonObject("typicalParseP50Us")), figure(split.getJsonObject("simpleParseP50Us"))));
      }
      targets(text, "guard", guard.getJsonObject("targets"));
    }
    for (String name : benchmarks.fieldNames()) {
      JsonObject result = benchmarks.getJsonObject(name);
      if (name.startsWith("noisy")) {
        noisy(text, name, result);
      } else if (!name.equals("guard")) {
        JsonArray headlines = result.getJsonArray("headlines", new JsonArray());
        headlines.forEach(line -> text.append(name).append(' ').append(line).append('\n'));
        targets(text, name, result.getJsonObject("targets", new JsonObject()));
      }
    }
    return text.toString().stripTrailing();
  }

  private static void noisy(StringBuilder text, String bench, JsonObject noisy) {
    text.append(String.format("%s B p99 flood/alone %s; p50 flood/alone %s (median of pairs [min, max])%n", bench,
        figure(noisy.getJsonObject("bP99RatioFloodToAlone")), figure(noisy.getJsonObject("bP50RatioFloodToAlone"))));
    line(text, bench, "B alone latency", noisy.getJsonObject("bAlone").getJsonObject("latency"));
    line(text, bench, "B alone latency parts", noisy.getJsonObject("bAlone").getJsonObject("latencyParts"));
    line(text, bench, "B flood latency", noisy.getJsonObject("bFlood").getJsonObject("latency"));
    line(text, bench, "B flood latency parts", noisy.getJsonObject("bFlood").getJsonObject("latencyParts"));
    line(text, bench, "B under flood", noisy.getJsonObject("bFlood").getJsonObject("byOutcome"));
    line(text, bench, "A under flood", noisy.getJsonObject("aFlood").getJsonObject("byOutcome"));
    line(text, bench, "database", noisy.getJsonObject("database"));
    line(text, bench, "agent limit", noisy.getJsonObject("agentLimitUnderFlood"));
    line(text, bench, "process cpu", noisy.getJsonObject("processCpuShare"));
    line(text, bench, "machine cpu", noisy.getJsonObject("machineCpuShare"));
    line(text, bench, "load generator cpu under flood", noisy.getJsonObject("loadGeneratorCpuShareUnderFlood"));
    line(text, bench, "relay cpu µs per A query", noisy.getJsonObject("relayCpuUsPerAQuery"));
    line(text, bench, "allocated bytes per query", noisy.getJsonObject("allocatedBytesPerQuery"));
    line(text, bench, "gc pauses under flood", noisy.getJsonObject("gcPausesUnderFlood"));
    targets(text, bench, noisy.getJsonObject("targets"));
  }

  private static void line(StringBuilder text, String bench, String label, JsonObject value) {
    text.append(bench).append(' ').append(label).append(' ').append(value.encode()).append('\n');
  }

  private static String figure(JsonObject spread) {
    return spread.getValue("median") + " [" + spread.getValue("min") + ", " + spread.getValue("max") + "]";
  }

  private static void targets(StringBuilder text, String bench, JsonObject targets) {
    for (String name : targets.fieldNames()) {
      JsonObject t = targets.getJsonObject(name);
      text.append(String.format("%s target %-24s %-6s value %s, target %s%n", bench, name,
          t.getBoolean("met") ? "MET" : "MISSED", t.getValue("value"), t.getString("target")));
    }
  }
}
