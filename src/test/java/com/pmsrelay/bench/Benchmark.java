package com.pmsrelay.bench;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;

/**
 * One benchmark of {@code bench/run.sh}: runs in {@code mode}, may use {@code work} for files, and
 * answers its result JSON with at least {@code name}, {@code mode} and {@code targets} (each
 * {@link Targets} figure), and optionally {@code headlines}: lines for the run's printed summary.
 */
interface Benchmark {
  JsonObject run(BenchMode mode, Path work) throws Exception;
}
