package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoCatalogue.RecallReason;
import com.pmsrelay.agent.pms.demo.DemoCatalogue.Role;
import com.pmsrelay.agent.pms.demo.DemoRows.Patient;
import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import com.pmsrelay.agent.pms.demo.DemoRows.Recall;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Recalls for active patients, by age and sex (screening, vaccinations, care plans), due from six
 * months ago to a year ahead: overdue ones were sent or done, near ones are being sent, later ones wait.
 */
final class DemoRecalls {

  private DemoRecalls() {
  }

  static List<Recall> recalls(DemoPmsSpec spec, List<Practitioner> staff, List<Patient> patients) {
    Dice dice = Dice.stream(spec.seed(), "recalls");
    LocalDate anchor = spec.anchorDate();
    List<Practitioner> activeGps = staff.stream().filter(p -> p.active() && p.role() == Role.GP).toList();
    List<Integer> activeGpIds = activeGps.stream().map(Practitioner::id).toList();
    List<Recall> recalls = new ArrayList<>();
    for (Patient patient : patients) {
      if (!patient.active()) {
        continue;
      }
      int age = patient.ageOn(anchor);
      for (RecallReason reason : DemoCatalogue.RECALL_REASONS) {
        if (!reason.suits(age, patient.sex()) || !dice.chance(reason.probability())) {
          continue;
        }
        LocalDate due = anchor.plusDays(dice.between(-180, 365));
        // A recall goes out under the patient's own doctor while they still work here.
        int doctor = activeGpIds.contains(patient.usualDoctorId())
            ? patient.usualDoctorId() : dice.pick(activeGps).id();
        recalls.add(new Recall(recalls.size() + 1, patient.id(), doctor, reason.reason(), due,
            status(dice, anchor, due)));
      }
    }
    return recalls;
  }

  private static String status(Dice dice, LocalDate anchor, LocalDate due) {
    if (due.isBefore(anchor.minusDays(30))) {
      return dice.chance(0.65) ? "Completed" : "Sent";
    }
    if (!due.isAfter(anchor.plusDays(30))) {
      return dice.chance(0.6) ? "Sent" : "Pending";
    }
    return "Pending";
  }
}
