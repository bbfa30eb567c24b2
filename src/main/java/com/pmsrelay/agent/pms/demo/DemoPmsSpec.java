package com.pmsrelay.agent.pms.demo;

import java.time.LocalDate;
import java.util.Objects;

/**
 * What to generate: the same spec always produces the same rows (except DemoInfo.GeneratedAt).
 *
 * @param seed       seeds every random choice
 * @param patients   number of patient rows, 10..200000
 * @param anchorDate "today" for the data: appointments run from about six months before it to about six months after
 */
public record DemoPmsSpec(long seed, int patients, LocalDate anchorDate) {

  public static final long DEFAULT_SEED = 20261126L;
  public static final int DEFAULT_PATIENTS = 3000;
  public static final int MIN_PATIENTS = 10;
  public static final int MAX_PATIENTS = 200_000;

  public DemoPmsSpec {
    Objects.requireNonNull(anchorDate, "anchorDate");
    if (patients < MIN_PATIENTS || patients > MAX_PATIENTS) {
      throw new IllegalArgumentException(
          "patients must be " + MIN_PATIENTS + ".." + MAX_PATIENTS + ", was " + patients);
    }
    // Keeps birth dates, Medicare expiries and the appointment window inside ordinary calendar years.
    if (anchorDate.getYear() < 2000 || anchorDate.getYear() > 2200) {
      throw new IllegalArgumentException("anchorDate must be in 2000..2200, was " + anchorDate);
    }
  }

  /** Seed 20261126, 3000 patients, anchored on today (so the diary always looks current). */
  public static DemoPmsSpec defaults() {
    return new DemoPmsSpec(DEFAULT_SEED, DEFAULT_PATIENTS, LocalDate.now());
  }

  public DemoPmsSpec withSeed(long newSeed) {
    return new DemoPmsSpec(newSeed, patients, anchorDate);
  }

  public DemoPmsSpec withPatients(int newPatients) {
    return new DemoPmsSpec(seed, newPatients, anchorDate);
  }

  public DemoPmsSpec withAnchorDate(LocalDate newAnchorDate) {
    return new DemoPmsSpec(seed, patients, newAnchorDate);
  }
}
