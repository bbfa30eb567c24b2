package com.pmsrelay.bench;

/**
 * How long a benchmark runs: {@code FULL} for the figures in BENCHMARKS.md, {@code FAST} for a
 * quick look ({@code --fast}), {@code TINY} for the harness's smoke test (a few hundred ms each).
 */
enum BenchMode {
  FULL, FAST, TINY;

  String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
