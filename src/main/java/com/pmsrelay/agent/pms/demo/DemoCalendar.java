package com.pmsrelay.agent.pms.demo;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.MonthDay;
import java.util.HashSet;
import java.util.Set;

/** Which days the practice is open: weekdays that are not national public holidays. */
final class DemoCalendar {

  private static final Set<MonthDay> FIXED_HOLIDAYS = Set.of(
      MonthDay.of(1, 1), MonthDay.of(1, 26), MonthDay.of(4, 25), MonthDay.of(12, 25), MonthDay.of(12, 26));

  private final Set<LocalDate> easterHolidays = new HashSet<>(); // membership only, never iterated

  DemoCalendar(int fromYear, int toYear) {
    for (int year = fromYear; year <= toYear; year++) {
      LocalDate easter = easterSunday(year);
      easterHolidays.add(easter.minusDays(2)); // Good Friday
      easterHolidays.add(easter.plusDays(1));  // Easter Monday
    }
  }

  boolean open(LocalDate date) {
    DayOfWeek dow = date.getDayOfWeek();
    return dow != DayOfWeek.SATURDAY && dow != DayOfWeek.SUNDAY
        && !FIXED_HOLIDAYS.contains(MonthDay.from(date)) && !easterHolidays.contains(date);
  }

  /** Anonymous Gregorian computus (Meeus/Jones/Butcher). */
  static LocalDate easterSunday(int year) {
    int a = year % 19;
    int b = year / 100;
    int c = year % 100;
    int d = b / 4;
    int e = b % 4;
    int f = (b + 8) / 25;
    int g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4;
    int k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int month = (h + l - 7 * m + 114) / 31;
    int day = (h + l - 7 * m + 114) % 31 + 1;
    return LocalDate.of(year, month, day);
  }
}
