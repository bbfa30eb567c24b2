package com.pmsrelay.agent.pms.demo;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/**
 * ISNUMERIC and ISDATE, which H2 lacks; registered in the demo PMS by {@link DemoFunctions}. They
 * answer 1 or 0 (never NULL), as in T-SQL.
 */
public final class DemoCheckFunctions {
  /** Digits with an optional sign, decimal point, exponent and currency sign, as SQL Server reads them. */
  private static final Pattern NUMERIC =
      Pattern.compile("\\s*[+-]?\\s*[$€£¥]?\\s*(\\d+(\\.\\d*)?|\\.\\d+)([eEdD][+-]?\\d+)?\\s*|\\s*[$€£¥+-.]\\s*");
  /** Date forms SQL Server reads under the us_english defaults (mdy). */
  private static final List<DateTimeFormatter> DATES = List.of(
      DateTimeFormatter.ofPattern("uuuu-M-d"), DateTimeFormatter.ofPattern("uuuuMMdd"),
      DateTimeFormatter.ofPattern("M/d/uuuu"), DateTimeFormatter.ofPattern("M-d-uuuu"),
      DateTimeFormatter.ofPattern("M.d.uuuu"));

  private DemoCheckFunctions() {
  }

  public static int isnumeric(String text) {
    return text != null && !text.isBlank() && NUMERIC.matcher(text).matches() ? 1 : 0;
  }

  /** ISDATE('2024-02-30') = 0; a date, or a date and time, from 1753 (datetime's range) on. */
  public static int isdate(String text) {
    if (text == null) {
      return 0;
    }
    String t = text.trim();
    String datePart = t.contains(" ") ? t.substring(0, t.indexOf(' ')) : t.contains("T") ? t.substring(0, t.indexOf('T')) : t;
    String timePart = t.length() > datePart.length() ? t.substring(datePart.length() + 1).trim() : "";
    for (DateTimeFormatter f : DATES) {
      try {
        LocalDate date = LocalDate.parse(datePart, f.withResolverStyle(java.time.format.ResolverStyle.STRICT));
        if (date.getYear() < 1753 || (!timePart.isEmpty() && !isTime(timePart))) {
          return 0;
        }
        return 1;
      } catch (DateTimeParseException e) {
        // try the next form
      }
    }
    return 0;
  }

  private static boolean isTime(String text) {
    try {
      LocalDateTime.parse("2000-01-01T" + text.replace(' ', 'T'));
      return true;
    } catch (DateTimeParseException e) {
      return false;
    }
  }
}
