package com.pmsrelay.agent.pms.demo;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * T-SQL date and time functions H2 lacks, as SQL Server computes them for the ordinary cases;
 * registered in the demo PMS by {@link DemoFunctions}. NULL in gives NULL out; an impossible date
 * (DATEFROMPARTS(2024, 2, 30)) fails, as it does in SQL Server.
 */
public final class DemoDateFunctions {
  private DemoDateFunctions() {
  }

  public static LocalDateTime getutcdate() {
    return LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MILLIS);
  }

  public static LocalDateTime sysdatetime() {
    return LocalDateTime.now().truncatedTo(ChronoUnit.MICROS);
  }

  public static LocalDateTime sysutcdatetime() {
    return LocalDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
  }

  /** The agent's clock with its UTC offset: a datetimeoffset. */
  public static OffsetDateTime sysdatetimeoffset() {
    return OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
  }

  public static LocalDate eomonth(LocalDate date) {
    return eomonth(date, 0);
  }

  /** EOMONTH('2024-02-10') = 2024-02-29; the optional months move the month first. */
  public static LocalDate eomonth(LocalDate date, Integer months) {
    if (date == null || months == null) {
      return null;
    }
    LocalDate month = date.plusMonths(months);
    return month.withDayOfMonth(month.lengthOfMonth());
  }

  public static LocalDate datefromparts(Integer year, Integer month, Integer day) {
    return anyNull(year, month, day) ? null : LocalDate.of(year, month, day);
  }

  /** The fractions count in units of 10^-precision seconds: (…, 5, 1) is .5 s. */
  public static LocalDateTime datetime2fromparts(Integer year, Integer month, Integer day, Integer hour,
      Integer minute, Integer seconds, Integer fractions, Integer precision) {
    if (anyNull(year, month, day, hour, minute, seconds, fractions, precision)) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, seconds, nanos(fractions, precision));
  }

  public static LocalDateTime datetimefromparts(Integer year, Integer month, Integer day, Integer hour,
      Integer minute, Integer seconds, Integer milliseconds) {
    if (anyNull(year, month, day, hour, minute, seconds, milliseconds)) {
      return null;
    }
    return LocalDateTime.of(year, month, day, hour, minute, seconds, milliseconds * 1_000_000);
  }

  public static LocalDateTime smalldatetimefromparts(Integer year, Integer month, Integer day, Integer hour,
      Integer minute) {
    return anyNull(year, month, day, hour, minute) ? null : LocalDateTime.of(year, month, day, hour, minute);
  }

  public static LocalTime timefromparts(Integer hour, Integer minute, Integer seconds, Integer fractions,
      Integer precision) {
    if (anyNull(hour, minute, seconds, fractions, precision)) {
      return null;
    }
    return LocalTime.of(hour, minute, seconds, nanos(fractions, precision));
  }

  /** The same instant at another offset: SWITCHOFFSET(d, '+02:00') or SWITCHOFFSET(d, 120). */
  public static OffsetDateTime switchoffset(OffsetDateTime value, String offset) {
    return value == null || offset == null ? null : value.withOffsetSameInstant(offset(offset));
  }

  /** The local date and time read at the given offset: TODATETIMEOFFSET(d, '+10:00'). */
  public static OffsetDateTime todatetimeoffset(LocalDateTime value, String offset) {
    return value == null || offset == null ? null : value.atOffset(offset(offset));
  }

  /** '+10:00', '-09:30' or whole minutes ('600'), as T-SQL takes them. */
  private static ZoneOffset offset(String text) {
    String trimmed = text.trim();
    if (trimmed.matches("[+-]?\\d+")) {
      return ZoneOffset.ofTotalSeconds(Integer.parseInt(trimmed) * 60);
    }
    return ZoneOffset.of(trimmed);
  }

  private static int nanos(int fractions, int precision) {
    if (precision < 0 || precision > 7 || fractions < 0 || fractions >= Math.pow(10, precision)) {
      throw new IllegalArgumentException("fractions " + fractions + " do not fit precision " + precision);
    }
    return fractions * (int) Math.pow(10, 9 - precision);
  }

  private static boolean anyNull(Object... values) {
    for (Object v : values) {
      if (v == null) {
        return true;
      }
    }
    return false;
  }
}
