package com.pmsrelay.cloud.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.common.config.ConfigLoader;
import com.pmsrelay.common.config.ConfigReader;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each rule of the monitor on a scripted stream of events in event time, with the shipped
 * defaults (conf/cloud.json): the scenario that fires it, and the near miss that does not.
 */
@Timeout(10)
class RulesTest {
  private static final String PRACTICE = "11111111-2222-3333-4444-555555555555";
  private static final String CLIENT = "pmsi_booking";
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  /** A Monday 09:00 UTC, well clear of any learning period that starts at {@link #FIRST}. */
  private static final long T0 = Instant.parse("2026-12-07T09:00:00Z").toEpochMilli();
  /** When the integrator was first seen: three weeks before {@link #T0}. */
  private static final long FIRST = T0 - 21 * DAY;

  private final MonitorConfig config = defaults(new JsonObject());
  private final Rules rules = new Rules(config);

  static MonitorConfig defaults(JsonObject overrides) {
    JsonObject monitor = ConfigLoader.defaults("cloud").getJsonObject("monitor").mergeIn(overrides, true);
    return MonitorConfig.from(new ConfigReader(new JsonObject().put("monitor", monitor)).section("monitor"));
  }

  /** An integrator seen since {@link #FIRST}, busy 9 to 17 UTC, reading Patients and Appointments. */
  private Activity learnt() {
    Activity a = new Activity(PRACTICE, CLIENT);
    a.loaded = true;
    a.learnt.firstSeenMs = FIRST;
    for (int h = 9; h < 17; h++) {
      a.learnt.hours |= 1 << h;
    }
    a.learnt.tables.addAll(Set.of("dbo.Patients", "dbo.Appointments"));
    return a;
  }

  private List<Finding> queries(Activity a, long from, int count, long spacingMs, String outcome, long rows) {
    List<Finding> found = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      found.addAll(rules.attempt(a, from + i * spacingMs, outcome, rows));
    }
    return found;
  }

  // ---- 1. volume ----

  /** A week of busiest windows of 30 queries and 3,000 rows: the baseline. */
  private Activity withPeaks() {
    Activity a = learnt();
    for (int d = 1; d <= 7; d++) {
      a.learnt.recordPeak(T0 - d * DAY, 30, 3_000, config.volume().baselineDays());
    }
    return a;
  }

  @Test
  void volumeTenTimesTheBusiestWindowFiresOnceWithItsFigures() {
    Activity a = withPeaks();
    // 10 x 30 = 300 queries is the limit (above minQueries 200): the 301st in one window fires
    List<Finding> found = queries(a, T0, 400, 1_000, "succeeded", 1);
    assertThat(found).hasSize(1);
    Finding f = found.get(0);
    assertThat(f.rule()).isEqualTo("volume");
    assertThat(f.practiceId()).isEqualTo(PRACTICE);
    assertThat(f.clientId()).isEqualTo(CLIENT);
    assertThat(f.figures().getLong("queries")).isEqualTo(301);
    assertThat(f.figures().getLong("baselineQueries")).isEqualTo(30);
    assertThat(f.figures().getLong("queryLimit")).isEqualTo(300);
    assertThat(f.atMs()).isEqualTo(T0 + 300 * 1_000L);
  }

  @Test
  void volumeNearMissAtTheLimitStaysQuietAndBecomesTheNewBaseline() {
    Activity a = withPeaks();
    assertThat(queries(a, T0, 300, 1_000, "succeeded", 1)).isEmpty(); // 300 in the window: not above 300
    rules.closeIfEnded(a, T0 + 10 * 60_000L);
    assertThat(a.learnt.peak(T0, 14)[0]).isEqualTo(300);
  }

  @Test
  void volumeOfRowsFiresOnRowsAlone() {
    Activity a = withPeaks();
    // 3,000-row peak x 10 = 30,000, but minRows is 100,000: 11 queries of 10,000 rows pass it
    List<Finding> found = queries(a, T0, 11, 1_000, "succeeded", 10_000);
    assertThat(found).extracting(Finding::rule).containsExactly("volume");
    assertThat(found.get(0).figures().getLong("rows")).isEqualTo(110_000);
    assertThat(queries(withPeaks(), T0, 10, 1_000, "succeeded", 10_000)).isEmpty(); // 100,000: not above
  }

  @Test
  void aWindowThatFiredNeverBecomesTheBaseline() {
    Activity a = withPeaks();
    queries(a, T0, 400, 1_000, "succeeded", 1);
    rules.closeIfEnded(a, T0 + DAY);
    assertThat(a.learnt.peak(T0 + DAY, 14)[0]).isEqualTo(30);
  }

  @Test
  void volumeDuringLearningOnlyLearns() {
    Activity a = new Activity(PRACTICE, CLIENT);
    assertThat(queries(a, T0, 5_000, 100, "succeeded", 100)).isEmpty();
    assertThat(a.learnt.firstSeenMs).isEqualTo(T0);
    assertThat(a.dirty).isTrue();
  }

  // ---- 2. new tables ----

  @Test
  void aTableNeverReadBeforeFiresOnceThenIsKnown() {
    Activity a = learnt();
    List<Finding> found = rules.tables(a, T0, Set.of("dbo.Patients", "dbo.Invoices"));
    assertThat(found).hasSize(1);
    assertThat(found.get(0).rule()).isEqualTo("newTables");
    assertThat(found.get(0).figures().getJsonArray("tables").getList()).containsExactly("dbo.Invoices");
    assertThat(found.get(0).figures().getInteger("knownTables")).isEqualTo(2);
    assertThat(rules.tables(a, T0 + 1, Set.of("dbo.Invoices"))).isEmpty();
  }

  @Test
  void knownTablesAndTablesReadWhileLearningStayQuiet() {
    assertThat(rules.tables(learnt(), T0, Set.of("dbo.Patients", "dbo.Appointments"))).isEmpty();
    Activity young = learnt();
    young.learnt.firstSeenMs = T0 - 167 * HOUR; // one hour of its 168 learning hours left
    assertThat(rules.tables(young, T0, Set.of("dbo.Invoices"))).isEmpty();
    assertThat(young.learnt.tables).contains("dbo.Invoices");
  }

  // ---- 3. refusals ----

  @Test
  void tenRefusalsWithinAMinuteFireOnceThenCoolDown() {
    Activity a = learnt();
    List<Finding> found = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      found.addAll(rules.attempt(a, T0 + i * 5_000L, i % 2 == 0 ? "sql_rejected" : "scope_denied", null));
    }
    assertThat(found).extracting(Finding::rule).containsExactly("refusals");
    JsonObject figures = found.get(0).figures();
    assertThat(figures.getInteger("sqlRejected")).isEqualTo(5);
    assertThat(figures.getInteger("scopeDenied")).isEqualTo(5);
    assertThat(figures.getDouble("withinSeconds")).isEqualTo(45.0);
    // the next ten within the cooldown (15 minutes) are quiet
    assertThat(queries(a, T0 + 60_000, 10, 1_000, "sql_rejected", 0)).isEmpty();
    assertThat(queries(a, T0 + 16 * 60_000, 10, 1_000, "sql_rejected", 0)).hasSize(1);
  }

  @Test
  void nineRefusalsInAMinuteOrTenSpreadOverMoreThanAMinuteAreQuiet() {
    assertThat(queries(learnt(), T0, 9, 1_000, "sql_rejected", 0)).isEmpty();
    assertThat(queries(learnt(), T0, 10, 6_700, "sql_rejected", 0)).isEmpty(); // 60.3 s from first to tenth
    assertThat(queries(learnt(), T0, 30, 1_000, "execution_failed", 0)).isEmpty(); // failures are not refusals
  }

  // ---- 4. off hours ----

  @Test
  void aQueryAtAnHourNeverUsedFiresOnceAndTheHourIsLearnt() {
    Activity a = learnt();
    long threeAm = T0 - 6 * HOUR;
    List<Finding> found = rules.attempt(a, threeAm, "succeeded", 1L);
    assertThat(found).extracting(Finding::rule).containsExactly("offHours");
    assertThat(found.get(0).figures().getInteger("hour")).isEqualTo(3);
    assertThat(found.get(0).figures().getJsonArray("knownHours").getList()).containsExactly(9, 10, 11, 12, 13, 14, 15, 16);
    assertThat(rules.attempt(a, threeAm + 60_000, "succeeded", 1L)).isEmpty();
  }

  @Test
  void usualHoursAndNewHoursWhileLearningAreQuiet() {
    assertThat(rules.attempt(learnt(), T0 + 2 * HOUR, "succeeded", 1L)).isEmpty();
    Activity young = learnt();
    young.learnt.firstSeenMs = T0 - 13 * DAY; // offHours learns 336 hours (14 days)
    assertThat(rules.attempt(young, T0 - 6 * HOUR, "succeeded", 1L)).isEmpty();
  }

  @Test
  void hoursAreReadInTheConfiguredZone() {
    Rules sydney = new Rules(defaults(new JsonObject().put("rules", new JsonObject()
        .put("offHours", new JsonObject().put("zone", "Australia/Sydney")))));
    Activity a = learnt(); // 09:00-17:00 learnt; T0 is 20:00 in Sydney (UTC+11)
    List<Finding> found = sydney.attempt(a, T0, "succeeded", 1L);
    assertThat(found).extracting(f -> f.figures().getInteger("hour")).containsExactly(20);
  }

  // ---- 6. agent key ----

  @Test
  void anAgentsFirstAddressIsLearntAndANewOneFires() {
    Activity agent = new Activity(PRACTICE, "");
    assertThat(rules.agentAuthenticated(agent, T0, "203.0.113.7")).isEmpty();
    assertThat(rules.agentAuthenticated(agent, T0 + 1, "203.0.113.7")).isEmpty();
    List<Finding> found = rules.agentAuthenticated(agent, T0 + 2, "198.51.100.9");
    assertThat(found).extracting(Finding::rule).containsExactly("agentKey");
    assertThat(found.get(0).clientId()).isNull();
    assertThat(found.get(0).figures().getString("reason")).isEqualTo("new_address");
    assertThat(rules.agentAuthenticated(agent, T0 + 3, "198.51.100.9")).isEmpty();
  }

  @Test
  void anotherRunOfTheAgentTakingOverALiveConnectionFires() {
    Activity agent = new Activity(PRACTICE, "");
    List<Finding> found = rules.agentTakenOver(agent, T0, "203.0.113.7", "boot-a", 2_000, "198.51.100.9", "boot-b");
    assertThat(found).extracting(f -> f.figures().getString("reason")).containsExactly("second_connection");
    // the same pair flapping within the cooldown: quiet
    assertThat(rules.agentTakenOver(agent, T0 + 5_000, "198.51.100.9", "boot-b", 2_000, "203.0.113.7", "boot-a")).isEmpty();
  }

  @Test
  void theSameRunReconnectingOrASilentOldLinkIsNoSecondAgent() {
    assertThat(rules.agentTakenOver(new Activity(PRACTICE, ""), T0, "203.0.113.7", "boot-a", 1_000, "203.0.113.7",
        "boot-a")).isEmpty();
    assertThat(rules.agentTakenOver(new Activity(PRACTICE, ""), T0, "203.0.113.7", "boot-a", 61_000, "203.0.113.7",
        "boot-b")).isEmpty(); // heard 61 s ago: liveWithinSeconds is 60
  }

  // ---- learning ----

  @Test
  void withNoLearningPeriodTheFirstHourAndTablesAreStillOnlyLearnt() {
    Rules eager = new Rules(defaults(new JsonObject().put("rules", new JsonObject()
        .put("offHours", new JsonObject().put("learningHours", 0))
        .put("newTables", new JsonObject().put("learningHours", 0)))));
    Activity a = new Activity(PRACTICE, CLIENT);
    assertThat(eager.attempt(a, T0, "succeeded", 1L)).isEmpty();
    assertThat(eager.tables(a, T0, Set.of("dbo.Patients"))).isEmpty();
    assertThat(eager.tables(a, T0 + 1, Set.of("dbo.Invoices"))).extracting(Finding::rule).containsExactly("newTables");
    assertThat(eager.attempt(a, T0 + 5 * HOUR, "succeeded", 1L)).extracting(Finding::rule).containsExactly("offHours");
  }

  /**
   * Three weeks of an ordinary integrator, learnt from its first query with the shipped defaults:
   * business hours on weekdays (a few queries at 8 and 17 too), windows of 5 to 60 queries, a
   * busy month-end day at three times that, four tables, an occasional refused typo. Not one alert.
   */
  @Test
  void threeWeeksOfOrdinaryTrafficRaiseNothing() {
    java.util.Random random = new java.util.Random(20261207);
    List<String> tables = List.of("dbo.Patients", "dbo.Appointments", "dbo.Practitioners", "dbo.Sessions");
    Activity a = new Activity(PRACTICE, CLIENT);
    List<Finding> found = new ArrayList<>();
    long start = T0 - 21 * DAY - 9 * HOUR; // midnight, three weeks back
    int queries = 0;
    for (int day = 0; day < 21; day++) {
      int weekday = (day % 7); // day 0 is a Monday
      if (weekday >= 5) {
        continue;
      }
      double busy = day == 18 ? 3 : 1;
      for (long window = 8 * 6; window < 18 * 6; window++) { // 10-minute windows from 08:00 to 18:00
        int hour = (int) (window / 6);
        int n = hour == 8 || hour == 17 ? random.nextInt(3) : (int) ((5 + random.nextInt(56)) * busy);
        for (int i = 0; i < n; i++) {
          long at = start + day * DAY + window * 600_000L + random.nextInt(600_000);
          String outcome = random.nextInt(400) == 0 ? "sql_rejected" : "succeeded";
          found.addAll(rules.attempt(a, at, outcome, (long) random.nextInt(50)));
          if (outcome.equals("succeeded")) {
            found.addAll(rules.tables(a, at, Set.of(tables.get(random.nextInt(tables.size())))));
          }
          queries++;
        }
      }
    }
    assertThat(queries).isGreaterThan(20_000);
    assertThat(found).isEmpty();
    assertThat(a.learnt.tables).containsExactlyInAnyOrderElementsOf(tables);
  }

  // ---- what is learnt ----

  @Test
  void baselinesRoundTripAndMergeWithoutLossInAnyOrder() {
    Baseline one = new Baseline();
    one.firstSeenMs = 500;
    one.hours = 0b1010;
    one.tables.add("dbo.Patients");
    one.recordPeak(T0, 10, 100, 14);
    one.addresses.add("203.0.113.7");
    Baseline two = new Baseline();
    two.firstSeenMs = 300;
    two.hours = 0b0101;
    two.tables.add("dbo.Invoices");
    two.recordPeak(T0, 5, 900, 14);
    two.recordPeak(T0 - DAY, 50, 1, 14);

    Baseline ab = Baseline.decode(one.encode());
    ab.mergeFrom(Baseline.decode(two.encode()), 500, 14, 16);
    Baseline ba = Baseline.decode(two.encode());
    ba.mergeFrom(Baseline.decode(one.encode()), 500, 14, 16);
    assertThat(ab.encode()).isEqualTo(ba.encode());
    assertThat(ab.firstSeenMs).isEqualTo(300);
    assertThat(ab.hours).isEqualTo(0b1111);
    assertThat(ab.tables).containsExactly("dbo.Invoices", "dbo.Patients");
    assertThat(ab.peak(T0, 14)).containsExactly(50, 900);
    assertThat(ab.addresses).containsExactly("203.0.113.7");
    assertThat(ab.mergeFrom(Baseline.decode(ab.encode()), 500, 14, 16)).as("merging itself adds nothing").isFalse();
    assertThat(Baseline.decode("not json").seen()).isFalse();
  }

  @Test
  void baselinesKeepOnlyTheConfiguredDaysTablesAndAddresses() {
    Baseline b = new Baseline();
    for (int d = 0; d < 30; d++) {
      b.recordPeak(T0 - d * DAY, d, d, 14);
    }
    assertThat(b.peaks).hasSize(14);
    Baseline many = new Baseline();
    for (int i = 0; i < 600; i++) {
      many.tables.add("dbo.T" + i);
    }
    Baseline capped = new Baseline();
    capped.mergeFrom(many, 500, 14, 16);
    assertThat(capped.tables).hasSize(500);
  }
}
