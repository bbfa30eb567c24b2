package com.pmsrelay.agent.pms.demo;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.Period;

/**
 * One record per table row. values() lists the columns in the order of DemoPmsSchema.Table, which
 * is how the generator binds them.
 */
final class DemoRows {

  private DemoRows() {
  }

  interface Row {
    Object[] values();
  }

  record Practitioner(int id, String title, String firstName, String surname, String providerNumber,
            String specialty, boolean active, DemoCatalogue.Role role, int sessionsPerWeek,
            String room) implements Row {
    public Object[] values() {
      return new Object[] {id, title, firstName, surname, providerNumber, specialty, active};
    }
  }

  record AppointmentTypeRow(DemoCatalogue.AppointmentType type) implements Row {
    public Object[] values() {
      return new Object[] {type.id(), type.name(), type.minutes(), type.colour(), type.onlineBookable()};
    }
  }

  record Patient(int id, String title, String firstName, String surname, LocalDate dob, char sex,
         String address1, DemoVocabulary.Suburb suburb, String homePhone, String mobilePhone,
         String email, String medicareNo, Integer medicareLineNo, String medicareExpiry, String dvaNo,
         String pensionNo, int usualDoctorId, LocalDateTime createdAt, String status) implements Row {

    Patient withId(int newId) {
      return new Patient(newId, title, firstName, surname, dob, sex, address1, suburb, homePhone,
          mobilePhone, email, medicareNo, medicareLineNo, medicareExpiry, dvaNo, pensionNo,
          usualDoctorId, createdAt, status);
    }

    int ageOn(LocalDate date) {
      return Period.between(dob, date).getYears();
    }

    boolean active() {
      return "Active".equals(status);
    }

    /** Pensioners and veterans are bulk-billed, as most practices do. */
    boolean concession() {
      return pensionNo != null || dvaNo != null;
    }

    public Object[] values() {
      return new Object[] {id, title, firstName, surname, dob, String.valueOf(sex), address1,
        suburb.name(), suburb.state(), suburb.postcode(), homePhone, mobilePhone, email, medicareNo,
        medicareLineNo, medicareExpiry, dvaNo, pensionNo, usualDoctorId, createdAt, status};
    }
  }

  record Session(int id, Practitioner practitioner, LocalDate date, LocalTime start, LocalTime end)
      implements Row {
    public Object[] values() {
      return new Object[] {id, practitioner.id(), date, start, end, practitioner.room()};
    }
  }

  record Appointment(int id, Patient patient, Practitioner practitioner, DemoCatalogue.AppointmentType type,
           LocalDateTime startsAt, String status, LocalDateTime bookedAt, String notes) implements Row {
    public Object[] values() {
      return new Object[] {id, patient.id(), practitioner.id(), type.id(), startsAt.toLocalDate(),
        startsAt.toLocalTime(), startsAt, type.minutes(), status, bookedAt, notes};
    }
  }

  record Invoice(int id, Appointment appointment, String itemNumber, BigDecimal amount, boolean paid,
         String paymentMethod) implements Row {
    public Object[] values() {
      return new Object[] {id, appointment.patient().id(), appointment.id(), appointment.practitioner().id(),
        appointment.startsAt().toLocalDate(), itemNumber, amount, paid, paymentMethod};
    }
  }

  record Recall(int id, int patientId, int practitionerId, String reason, LocalDate dueDate, String status)
      implements Row {
    public Object[] values() {
      return new Object[] {id, patientId, practitionerId, reason, dueDate, status};
    }
  }
}
