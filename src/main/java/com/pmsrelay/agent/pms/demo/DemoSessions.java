package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import com.pmsrelay.agent.pms.demo.DemoRows.Session;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Practitioners' working sessions (half-days) from six months before the anchor date to six months
 * after: each works a fixed set of weekday half-days, minus public holidays and two blocks of leave.
 */
final class DemoSessions {

  private DemoSessions() {
  }

  private static final LocalTime[][] HALF_DAYS = {
    {LocalTime.of(8, 30), LocalTime.of(12, 30)}, {LocalTime.of(13, 30), LocalTime.of(17, 30)},
  };

  static List<Session> generate(DemoPmsSpec spec, List<Practitioner> staff) {
    Dice dice = Dice.stream(spec.seed(), "sessions");
    LocalDate from = spec.anchorDate().minusMonths(6);
    LocalDate to = spec.anchorDate().plusMonths(6);
    int days = (int) ChronoUnit.DAYS.between(from, to);
    DemoCalendar calendar = new DemoCalendar(from.getYear(), to.getYear());
    List<Practitioner> working = staff.stream().filter(Practitioner::active).toList();
    boolean[][] weekly = new boolean[working.size()][];
    LocalDate[][] leave = new LocalDate[working.size()][];
    for (int p = 0; p < working.size(); p++) {
      weekly[p] = weeklyPattern(dice, working.get(p).sessionsPerWeek());
      LocalDate first = from.plusDays(dice.below(days));
      LocalDate second = from.plusDays(dice.below(days));
      leave[p] = new LocalDate[] {first, first.plusDays(dice.chance(0.5) ? 7 : 14), second, second.plusDays(7)};
    }
    List<Session> sessions = new ArrayList<>();
    for (LocalDate date = from; !date.isAfter(to); date = date.plusDays(1)) {
      if (!calendar.open(date)) {
        continue;
      }
      int weekday = date.getDayOfWeek().getValue() - 1;
      for (int p = 0; p < working.size(); p++) {
        if (onLeave(leave[p], date)) {
          continue;
        }
        for (int half = 0; half < 2; half++) {
          if (weekly[p][weekday * 2 + half]) {
            sessions.add(new Session(sessions.size() + 1, working.get(p), date,
                HALF_DAYS[half][0], HALF_DAYS[half][1]));
          }
        }
      }
    }
    return sessions;
  }

  /** Which of the ten weekday half-days a practitioner works: a seeded shuffle, the first n kept. */
  private static boolean[] weeklyPattern(Dice dice, int sessionsPerWeek) {
    int[] halfDays = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    for (int i = halfDays.length - 1; i > 0; i--) {
      int j = dice.below(i + 1);
      int t = halfDays[i];
      halfDays[i] = halfDays[j];
      halfDays[j] = t;
    }
    boolean[] works = new boolean[halfDays.length];
    for (int i = 0; i < sessionsPerWeek; i++) {
      works[halfDays[i]] = true;
    }
    return works;
  }

  /** Leave blocks are [start, end) pairs. */
  private static boolean onLeave(LocalDate[] blocks, LocalDate date) {
    for (int i = 0; i < blocks.length; i += 2) {
      if (!date.isBefore(blocks[i]) && date.isBefore(blocks[i + 1])) {
        return true;
      }
    }
    return false;
  }
}
