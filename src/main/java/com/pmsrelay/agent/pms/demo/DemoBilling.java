package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoCatalogue.AppointmentType;
import com.pmsrelay.agent.pms.demo.DemoRows.Appointment;
import com.pmsrelay.agent.pms.demo.DemoRows.Invoice;
import com.pmsrelay.agent.pms.demo.DemoRows.Patient;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * One invoice per completed appointment. Billing follows common mixed-billing practice: children,
 * people 65 and over, concession card holders and care-plan items are bulk-billed; DVA patients
 * are billed to DVA; a share of other patients is bulk-billed too, the rest pay privately.
 */
final class DemoBilling {

  private DemoBilling() {
  }

  private static final String[] PRIVATE_METHODS = {"EFTPOS", "Credit card", "Cash"};
  private static final double[] PRIVATE_METHOD_WEIGHTS = {70, 25, 5};

  static List<Invoice> invoices(DemoPmsSpec spec, List<Patient> patients, List<Appointment> appointments) {
    Dice dice = Dice.stream(spec.seed(), "billing");
    // Whether the practice bulk-bills a patient is the patient's, not the visit's.
    boolean[] bulkBilledByChoice = new boolean[patients.size() + 1];
    for (Patient patient : patients) {
      bulkBilledByChoice[patient.id()] = dice.chance(0.35);
    }
    LocalDate recent = spec.anchorDate().minusDays(14);
    List<Invoice> invoices = new ArrayList<>();
    for (Appointment appointment : appointments) {
      if (!"Completed".equals(appointment.status())) {
        continue;
      }
      Patient patient = appointment.patient();
      AppointmentType type = appointment.type();
      LocalDate date = appointment.startsAt().toLocalDate();
      boolean claimPending = date.isAfter(recent); // Medicare and DVA pay a few days after the claim
      String method;
      long cents;
      boolean paid;
      if ("NC".equals(type.itemNumber())) {
        method = "No charge";
        cents = 0;
        paid = true;
      } else if (patient.dvaNo() != null) {
        method = "DVA";
        cents = type.bulkBillCents() * 115 / 100;
        paid = !claimPending || dice.chance(0.5);
      } else if (type.alwaysBulkBilled() || patient.concession() || bulkBilledByChoice[patient.id()]
          || patient.ageOn(date) < 16 || patient.ageOn(date) >= 65) {
        method = "Bulk bill";
        cents = type.bulkBillCents();
        paid = claimPending ? dice.chance(0.6) : dice.chance(0.995);
      } else {
        method = PRIVATE_METHODS[dice.weighted(PRIVATE_METHOD_WEIGHTS)];
        cents = type.privateCents();
        paid = dice.chance(claimPending ? 0.9 : 0.97);
      }
      invoices.add(new Invoice(invoices.size() + 1, appointment, type.itemNumber(),
          BigDecimal.valueOf(cents, 2), paid, method));
    }
    return invoices;
  }
}
