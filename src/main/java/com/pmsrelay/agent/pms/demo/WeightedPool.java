package com.pmsrelay.agent.pms.demo;

import java.util.Arrays;

/** Draws members with probability proportional to their weight (cumulative sums + binary search). */
final class WeightedPool {

  private final int[] members;
  private final double[] cumulative;

  WeightedPool(int[] members, double[] weights) {
    this.members = members;
    this.cumulative = new double[weights.length];
    double sum = 0;
    for (int i = 0; i < weights.length; i++) {
      sum += weights[i];
      cumulative[i] = sum;
    }
  }

  boolean isEmpty() {
    return members.length == 0;
  }

  int draw(Dice dice) {
    double r = dice.unit() * cumulative[cumulative.length - 1];
    int i = Arrays.binarySearch(cumulative, r);
    int index = i >= 0 ? i + 1 : -i - 1;
    return members[Math.min(index, members.length - 1)];
  }
}
