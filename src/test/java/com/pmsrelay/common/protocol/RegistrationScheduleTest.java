package com.pmsrelay.common.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * A registration's phase and next run: fixed by its query alone (the same after a restart, a new
 * object or a reload from JSON; the same for every registration of that query, which then share
 * one run), every run at phase + k * period and strictly after now, and the phases of many
 * different queries spread over the period rather than bunched.
 */
class RegistrationScheduleTest {
  private static Registration every(String id, int seconds) {
    return every(id, seconds, "SELECT 1");
  }

  private static Registration every(String id, int seconds, String sql) {
    return new Registration(id, "p", "c", sql, new JsonArray(), null, seconds, Long.MAX_VALUE, null, 30_000, 10,
        1 << 20, 1, new JsonArray());
  }

  @Test
  void thePhaseDependsOnTheQueryAloneAndSurvivesARestart() {
    String id = "3f0c5a2e-8d4b-4c1a-9e7f-0b6d2c8a1e55";
    Registration before = every(id, 300);
    Registration reloaded = Registration.fromJson(before.toJson()); // what the sealed file gives back
    assertThat(reloaded.phaseMs()).isEqualTo(before.phaseMs());
    assertThat(before.phaseMs()).isBetween(0L, 299_999L);
    // A value fixed here: a change of the hash would move every agent's rhythm at its next update.
    assertThat(before.phaseMs()).isEqualTo(PINNED);
    // Another integrator's registration of the same query fires with it (and shares its run) ...
    Registration same = new Registration(UUID.randomUUID().toString(), "p", "other", "SELECT 1", new JsonArray(), null,
        300, 1L, "ab", 30_000, 10, 1 << 20, 7, new JsonArray());
    assertThat(same.phaseMs()).isEqualTo(before.phaseMs());
    assertThat(same.runKey()).isEqualTo(before.runKey());
    // ... but not with other values, scopes or caps: those may answer differently.
    assertThat(new Registration(id, "p", "c", "SELECT 1", new JsonArray().add(1), null, 300, Long.MAX_VALUE, null, 30_000,
        10, 1 << 20, 1, new JsonArray()).runKey()).isNotEqualTo(before.runKey());
    assertThat(new Registration(id, "p", "c", "SELECT 1", new JsonArray(), null, 300, Long.MAX_VALUE, null, 30_000,
        10, 1 << 20, 1, new JsonArray().add("dbo.Patients")).runKey()).isNotEqualTo(before.runKey());
    assertThat(new Registration(id, "p", "c", "SELECT 1", new JsonArray(), null, 300, Long.MAX_VALUE, null, 30_000,
        11, 1 << 20, 1, new JsonArray()).runKey()).isNotEqualTo(before.runKey());
  }

  private static final long PINNED = 73_847L;

  @Test
  void theNextRunIsOnThePhaseGridAndStrictlyAfterNow() {
    Random random = new Random(7);
    for (int i = 0; i < 2_000; i++) {
      int seconds = 60 + random.nextInt(86_400 - 60);
      Registration r = every(UUID.randomUUID().toString(), seconds);
      long period = seconds * 1000L;
      long now = 1_700_000_000_000L + (long) (random.nextDouble() * 10 * period);
      long next = r.nextRunAfter(now);
      assertThat(next).isGreaterThan(now).isLessThanOrEqualTo(now + period);
      assertThat(Math.floorMod(next, period)).isEqualTo(r.phaseMs());
      // Asked again at any time before it, the answer is the same run; at it, the next one.
      assertThat(r.nextRunAfter(next - 1)).isEqualTo(next);
      assertThat(r.nextRunAfter(now + (next - now) / 2)).isEqualTo(next);
      assertThat(r.nextRunAfter(next)).isEqualTo(next + period);
    }
  }

  @Test
  void aRestartedAgentKeepsTheRhythm() {
    Registration r = every(UUID.randomUUID().toString(), 60);
    long start = 1_700_000_000_000L;
    long run = r.nextRunAfter(start);
    // Runs before the restart.
    long first = r.nextRunAfter(run);
    // Down for 7 min 13.5 s; the restarted agent asks from when it is back.
    long back = first + 433_500;
    long afterRestart = r.nextRunAfter(back);
    assertThat((afterRestart - run) % 60_000).as("same phase after the restart").isZero();
    assertThat(afterRestart - back).isBetween(1L, 60_000L);
  }

  @Test
  void phasesOfManyRegistrationsSpreadOverThePeriod() {
    int n = 6_000;
    int buckets = 60; // one a second of a one-minute period
    int[] counts = new int[buckets];
    for (int i = 0; i < n; i++) {
      Registration r = every(UUID.randomUUID().toString(), 60, "SELECT " + UUID.randomUUID());
      counts[(int) (r.phaseMs() / 1000)]++;
    }
    double expected = (double) n / buckets;
    double chiSquare = 0;
    for (int c : counts) {
      assertThat(c).as("registrations firing in one second of the minute").isBetween(40, 170);
      chiSquare += (c - expected) * (c - expected) / expected;
    }
    // 59 degrees of freedom: the 99.9th percentile is about 99.6.
    assertThat(chiSquare).as("chi-square of the phases against uniform").isLessThan(99.6);

    // Queries that differ in one character (as generated ones might) still land apart.
    long a = every("a", 3600, "SELECT 1 AS n1").phaseMs();
    long b = every("b", 3600, "SELECT 1 AS n2").phaseMs();
    assertThat(Math.abs(a - b)).isGreaterThan(1_000);
  }
}
