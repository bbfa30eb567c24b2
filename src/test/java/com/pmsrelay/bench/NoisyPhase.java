package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;

/** One phase of the noisy-neighbour benchmark: {@code alone} or {@code flood}, B's and A's outcomes, the gauges. */
record NoisyPhase(String kind, Outcomes b, Outcomes a, JsonObject gauges) {}
