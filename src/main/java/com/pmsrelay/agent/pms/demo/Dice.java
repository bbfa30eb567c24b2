package com.pmsrelay.agent.pms.demo;

import java.util.List;
import java.util.SplittableRandom;

/**
 * Seeded randomness for the generator. Each part of the data gets its own stream (named by a salt),
 * so changing how one table is generated does not reshuffle every other table.
 */
final class Dice {

  private final SplittableRandom random;

  private Dice(long seed) {
    this.random = new SplittableRandom(seed);
  }

  static Dice stream(long seed, String salt) {
    // Mixed through a finaliser, not a multiple of the golden gamma: SplittableRandom steps its
    // state by that very gamma, so seeds s and s+1 would give the same stream shifted by one.
    // String.hashCode is specified by the JLS, so the mix is the same on every JVM.
    return new Dice(mix(mix(seed) ^ salt.hashCode()));
  }

  /** MurmurHash3's 64-bit finaliser: every input bit affects every output bit. */
  private static long mix(long z) {
    z = (z ^ (z >>> 33)) * 0xFF51AFD7ED558CCDL;
    z = (z ^ (z >>> 33)) * 0xC4CEB93E185E8653L;
    return z ^ (z >>> 33);
  }

  int below(int bound) {
    return random.nextInt(bound);
  }

  /** Uniform in lo..hi, both inclusive. */
  int between(int lo, int hi) {
    return lo + random.nextInt(hi - lo + 1);
  }

  double unit() {
    return random.nextDouble();
  }

  /** Standard normal, for heavy-tailed traits such as how often a patient visits. */
  double gaussian() {
    return random.nextGaussian();
  }

  boolean chance(double p) {
    return random.nextDouble() < p;
  }

  <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  <T> T pick(T[] items) {
    return items[random.nextInt(items.length)];
  }

  String digits(int count) {
    StringBuilder sb = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      sb.append((char) ('0' + random.nextInt(10)));
    }
    return sb.toString();
  }

  /** Index into weights, chosen with probability proportional to its weight. */
  int weighted(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double r = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      r -= weights[i];
      if (r < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }
}
