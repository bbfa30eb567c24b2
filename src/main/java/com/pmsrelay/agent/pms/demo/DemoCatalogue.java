package com.pmsrelay.agent.pms.demo;

import java.time.LocalDate;
import java.util.List;

/** The practice's reference data: appointment types with their billing, and recall reasons. */
final class DemoCatalogue {

  private DemoCatalogue() {
  }

  /** Who can see a patient for a given appointment type. */
  enum Role { GP, NURSE }

  /**
   * One row of dbo.AppointmentTypes plus what the generator needs to use it.
   * Fees are in cents; the amounts are plausible, not a copy of the current MBS schedule.
   * Item "NC" is a no-charge visit (government-funded vaccines): it still gets a $0.00 invoice,
   * as practices record those visits too.
   */
  record AppointmentType(int id, String name, int minutes, String colour, boolean onlineBookable, Role role,
             String itemNumber, long bulkBillCents, long privateCents, boolean alwaysBulkBilled,
             int minAge, int maxAge, char sexOnly, double weight) {

    boolean suits(int age, char sex) {
      return age >= minAge && age <= maxAge && (sexOnly == 0 || sexOnly == sex);
    }

    /** Relative frequency on a given day: flu vaccinations cluster in autumn. */
    double weightOn(LocalDate date) {
      if (this == INFLUENZA_VACCINATION) {
        int month = date.getMonthValue();
        return month >= 3 && month <= 6 ? weight : weight / 8;
      }
      return weight;
    }
  }

  private static final int ANY_AGE = 200;

  static final AppointmentType STANDARD = new AppointmentType(1, "Standard consultation", 15, "#4F81BD", true,
      Role.GP, "23", 4390, 8900, false, 0, ANY_AGE, (char) 0, 55);
  static final AppointmentType NEW_PATIENT = new AppointmentType(4, "New patient consultation", 30, "#F79646", true,
      Role.GP, "36", 8490, 15500, false, 0, ANY_AGE, (char) 0, 0);
  static final AppointmentType INFLUENZA_VACCINATION = new AppointmentType(13, "Influenza vaccination", 15,
      "#5F9EA0", true, Role.NURSE, "NC", 0, 0, true, 0, ANY_AGE, (char) 0, 40);

  /** In AppointmentTypeId order. New patient consultations are never drawn: a patient's first visit gets one. */
  static final List<AppointmentType> APPOINTMENT_TYPES = List.of(
      STANDARD,
      new AppointmentType(2, "Long consultation", 30, "#9BBB59", true,
          Role.GP, "36", 8490, 15500, false, 0, ANY_AGE, (char) 0, 14),
      new AppointmentType(3, "Prolonged consultation", 45, "#8064A2", false,
          Role.GP, "44", 12510, 22500, false, 0, ANY_AGE, (char) 0, 2),
      NEW_PATIENT,
      new AppointmentType(5, "Telehealth consultation", 15, "#4BACC6", true,
          Role.GP, "91801", 4390, 8500, false, 0, ANY_AGE, (char) 0, 8),
      new AppointmentType(6, "Skin check", 30, "#C0504D", true,
          Role.GP, "36", 8490, 15500, false, 18, ANY_AGE, (char) 0, 4),
      new AppointmentType(7, "Cervical screening", 30, "#E46C0A", true,
          Role.GP, "23", 4390, 8900, false, 25, 74, 'F', 3),
      new AppointmentType(8, "Chronic disease management plan", 30, "#1F497D", false,
          Role.GP, "721", 16435, 16435, true, 40, ANY_AGE, (char) 0, 4),
      new AppointmentType(9, "Mental health care plan", 30, "#76923C", false,
          Role.GP, "2715", 8190, 8190, true, 12, ANY_AGE, (char) 0, 3),
      new AppointmentType(10, "Health assessment 75+", 45, "#B65708", false,
          Role.GP, "707", 30025, 30025, true, 75, ANY_AGE, (char) 0, 3),
      new AppointmentType(11, "Antenatal visit", 15, "#D99694", false,
          Role.GP, "16500", 4835, 8900, false, 18, 44, 'F', 2),
      new AppointmentType(12, "Childhood immunisation", 15, "#31859C", true,
          Role.NURSE, "NC", 0, 0, true, 0, 4, (char) 0, 60),
      INFLUENZA_VACCINATION,
      new AppointmentType(14, "Wound care", 15, "#948A54", false,
          Role.NURSE, "10997", 1320, 1320, true, 0, ANY_AGE, (char) 0, 15),
      new AppointmentType(15, "Nurse chronic disease review", 30, "#7F7F7F", false,
          Role.NURSE, "10997", 1320, 1320, true, 40, ANY_AGE, (char) 0, 12));

  /** A reason a patient is due back, who it applies to, and how often such a patient has one. */
  record RecallReason(String reason, int minAge, int maxAge, char sexOnly, double probability) {

    boolean suits(int age, char sex) {
      return age >= minAge && age <= maxAge && (sexOnly == 0 || sexOnly == sex);
    }
  }

  static final List<RecallReason> RECALL_REASONS = List.of(
      new RecallReason("Cervical screening", 25, 74, 'F', 0.40),
      new RecallReason("Breast screening", 50, 74, 'F', 0.30),
      new RecallReason("Bowel cancer screening", 50, 74, (char) 0, 0.25),
      new RecallReason("Influenza vaccination", 65, ANY_AGE, (char) 0, 0.45),
      new RecallReason("Health assessment 75+", 75, ANY_AGE, (char) 0, 0.60),
      new RecallReason("Diabetes cycle of care", 40, ANY_AGE, (char) 0, 0.08),
      new RecallReason("Blood pressure review", 45, ANY_AGE, (char) 0, 0.15),
      new RecallReason("Skin check", 40, ANY_AGE, (char) 0, 0.10),
      new RecallReason("Childhood immunisation", 0, 4, (char) 0, 0.70),
      new RecallReason("Pathology results review", 18, ANY_AGE, (char) 0, 0.05));
}
