package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoCatalogue.AppointmentType;
import com.pmsrelay.agent.pms.demo.DemoCatalogue.Role;
import com.pmsrelay.agent.pms.demo.DemoRows.Appointment;
import com.pmsrelay.agent.pms.demo.DemoRows.Patient;
import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import com.pmsrelay.agent.pms.demo.DemoRows.Session;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;

/**
 * The diary's appointments, laid out inside the sessions. Each session is filled front to back,
 * every appointment starting where the previous one (or an empty slot) ends, so no practitioner
 * is ever double-booked by construction. How full the diary is follows demand (active patients)
 * against capacity (session time), and the future fills up as the day approaches.
 */
final class DemoAppointments {

  private static final int SLOT_MINUTES = 15;
  // Yearly demand per active patient, in 15-minute slots: about six GP visits (some longer) and one nurse visit.
  private static final Map<Role, Double> SLOTS_PER_PATIENT_YEAR = Map.of(Role.GP, 6.0 * 1.35, Role.NURSE, 1.2);
  private static final Map<Role, Double> SLOTS_PER_APPOINTMENT = Map.of(Role.GP, 1.35, Role.NURSE, 1.1);
  private static final double MAX_UTILISATION = 0.92;

  private final Dice dice;
  private final LocalDate anchor;
  private final List<Patient> patients;
  private final int[] lastVisitDay;   // epoch day of each patient's latest appointment: one a day at most
  private final boolean[] seenBefore; // a patient's first visit is a new patient consultation
  private final WeightedPool everyone;
  private final Map<Integer, WeightedPool> panels = new TreeMap<>(); // usual doctor id -> their patients

  private DemoAppointments(DemoPmsSpec spec, List<Patient> patients) {
    this.dice = Dice.stream(spec.seed(), "appointments");
    this.anchor = spec.anchorDate();
    this.patients = patients;
    this.lastVisitDay = new int[patients.size()];
    Arrays.fill(lastVisitDay, Integer.MIN_VALUE);
    this.seenBefore = new boolean[patients.size()];
    Dice traits = Dice.stream(spec.seed(), "visit-propensity");
    double[] propensity = new double[patients.size()];
    for (int i = 0; i < propensity.length; i++) {
      propensity[i] = propensity(patients.get(i), traits);
    }
    this.everyone = pool(propensity, -1);
    patients.stream().mapToInt(Patient::usualDoctorId).distinct().sorted()
        .forEach(gp -> panels.put(gp, pool(propensity, gp)));
  }

  static List<Appointment> generate(DemoPmsSpec spec, List<Patient> patients, List<Session> sessions) {
    return new DemoAppointments(spec, patients).fill(sessions);
  }

  private List<Appointment> fill(List<Session> sessions) {
    Map<Role, Double> bookingChance = bookingChances(sessions);
    List<Appointment> appointments = new ArrayList<>();
    for (Session session : sessions) {
      Practitioner practitioner = session.practitioner();
      double chance = bookingChance.get(practitioner.role()) * bookedAhead(session.date());
      LocalDateTime t = LocalDateTime.of(session.date(), session.start());
      LocalDateTime end = LocalDateTime.of(session.date(), session.end());
      while (!t.plusMinutes(SLOT_MINUTES).isAfter(end)) {
        Integer patientIndex = dice.chance(chance) ? choosePatient(practitioner, session.date()) : null;
        if (patientIndex == null) {
          t = t.plusMinutes(SLOT_MINUTES);
          continue;
        }
        Patient patient = patients.get(patientIndex);
        AppointmentType type = chooseType(practitioner.role(), patient, patientIndex, t,
            (int) ChronoUnit.MINUTES.between(t, end));
        appointments.add(new Appointment(appointments.size() + 1, patient, practitioner, type, t,
            status(t), bookedAt(patient, type, t), notes(type)));
        lastVisitDay[patientIndex] = (int) session.date().toEpochDay();
        seenBefore[patientIndex] = true;
        t = t.plusMinutes(type.minutes());
      }
    }
    return appointments;
  }

  /**
   * Chance that a free slot gets an appointment, from demand against capacity. Utilisation u
   * with appointments of L slots on average needs p = u / (L(1-u) + u) per free slot.
   */
  private Map<Role, Double> bookingChances(List<Session> sessions) {
    long activePatients = patients.stream().filter(Patient::active).count();
    Map<Role, Double> chances = new EnumMap<>(Role.class);
    for (Role role : Role.values()) {
      long capacity = sessions.stream().filter(s -> s.practitioner().role() == role)
          .mapToLong(s -> ChronoUnit.MINUTES.between(s.start(), s.end()) / SLOT_MINUTES).sum();
      double u = capacity == 0 ? 0
          : Math.min(MAX_UTILISATION, activePatients * SLOTS_PER_PATIENT_YEAR.get(role) / capacity);
      double l = SLOTS_PER_APPOINTMENT.get(role);
      chances.put(role, u / (l * (1 - u) + u));
    }
    return chances;
  }

  /** The past is as full as it got; the future fills up as the day approaches. */
  private double bookedAhead(LocalDate date) {
    long daysAhead = ChronoUnit.DAYS.between(anchor, date);
    return daysAhead <= 0 ? 1.0 : Math.max(0.05, Math.exp(-daysAhead / 21.0));
  }

  /** Patients mostly see their usual doctor; nobody is booked twice a day or before they registered. */
  private Integer choosePatient(Practitioner practitioner, LocalDate date) {
    WeightedPool panel = panels.get(practitioner.id());
    int day = (int) date.toEpochDay();
    for (int attempt = 0; attempt < 8; attempt++) {
      boolean ownPanel = practitioner.role() == Role.GP && panel != null && !panel.isEmpty() && dice.chance(0.7);
      WeightedPool pool = ownPanel ? panel : everyone;
      if (pool.isEmpty()) {
        return null;
      }
      int index = pool.draw(dice);
      if (lastVisitDay[index] != day && patients.get(index).createdAt().toLocalDate().isBefore(date)) {
        return index;
      }
    }
    return null;
  }

  private AppointmentType chooseType(Role role, Patient patient, int index, LocalDateTime start, int minutesLeft) {
    LocalDate date = start.toLocalDate();
    int age = patient.ageOn(date);
    if (role == Role.GP && !seenBefore[index] && minutesLeft >= DemoCatalogue.NEW_PATIENT.minutes()
        && ChronoUnit.DAYS.between(patient.createdAt().toLocalDate(), date) <= 30) {
      return DemoCatalogue.NEW_PATIENT;
    }
    List<AppointmentType> candidates = new ArrayList<>();
    List<Double> weights = new ArrayList<>();
    for (AppointmentType type : DemoCatalogue.APPOINTMENT_TYPES) {
      double weight = type.weightOn(date);
      if (type.role() == role && weight > 0 && type.minutes() <= minutesLeft && type.suits(age, patient.sex())) {
        candidates.add(type);
        weights.add(weight);
      }
    }
    if (candidates.isEmpty()) {
      return DemoCatalogue.STANDARD;
    }
    return candidates.get(dice.weighted(weights.stream().mapToDouble(Double::doubleValue).toArray()));
  }

  /** Before the anchor: done (or missed); on the anchor day: the morning is done, the rest waits. */
  private String status(LocalDateTime start) {
    LocalDate date = start.toLocalDate();
    boolean past = date.isBefore(anchor) || (date.equals(anchor) && start.toLocalTime().isBefore(LocalTime.of(11, 0)));
    if (past) {
      double r = dice.unit();
      return r < 0.04 ? "DNA" : r < 0.10 ? "Cancelled" : "Completed";
    }
    if (date.equals(anchor) && start.toLocalTime().isBefore(LocalTime.NOON)) {
      return "Arrived";
    }
    return dice.chance(0.04) ? "Cancelled" : "Booked";
  }

  /** Most bookings are made within two weeks; care plans further ahead. Never after the anchor. */
  private LocalDateTime bookedAt(Patient patient, AppointmentType type, LocalDateTime start) {
    double r = dice.unit();
    int lead = r < 0.35 ? dice.between(0, 1) : r < 0.80 ? dice.between(2, 14) : dice.between(15, 90);
    if (!type.onlineBookable() && type.minutes() >= 30) {
      lead += 7;
    }
    LocalTime earliest = LocalTime.of(7, 30);
    long sameDayMinutes = ChronoUnit.MINUTES.between(earliest, start.toLocalTime()) - 10;
    if (lead == 0 && sameDayMinutes < 1) {
      lead = 1;
    }
    LocalDate date = start.toLocalDate().minusDays(lead);
    if (start.toLocalDate().isAfter(anchor) && !date.isBefore(anchor)) {
      date = anchor.minusDays(1 + dice.below(7));
    }
    LocalDateTime booked = lead == 0 && date.equals(start.toLocalDate())
        ? LocalDateTime.of(date, earliest.plusMinutes(dice.below((int) sameDayMinutes)))
        : LocalDateTime.of(date, LocalTime.of(8, 0).plusMinutes(dice.below(600)));
    LocalDateTime registered = patient.createdAt().plusMinutes(5);
    return booked.isBefore(registered) ? registered.plusMinutes(dice.below(120)) : booked;
  }

  private String notes(AppointmentType type) {
    if (type.onlineBookable() && dice.chance(0.12)) {
      return "Booked online";
    }
    return dice.chance(0.05) ? dice.pick(DemoVocabulary.APPOINTMENT_NOTES) : null;
  }

  // ---- who comes how often ----

  /** Young children and older people visit most; a lognormal factor makes some patients frequent attenders. */
  private double propensity(Patient patient, Dice traits) {
    double individual = Math.exp(0.8 * traits.gaussian()); // drawn for everyone, so streams stay aligned
    if (!patient.active()) {
      return 0;
    }
    int age = patient.ageOn(anchor);
    double byAge = age < 5 ? 2.0 : age < 15 ? 0.6 : age < 25 ? 0.7 : age < 45 ? 0.9 : age < 65 ? 1.2
        : age < 75 ? 1.8 : 2.5;
    return individual * byAge * (patient.sex() == 'F' ? 1.2 : 1.0);
  }

  private WeightedPool pool(double[] propensity, int usualDoctorId) {
    int[] members = IntStream.range(0, propensity.length)
        .filter(i -> propensity[i] > 0 && (usualDoctorId < 0 || patients.get(i).usualDoctorId() == usualDoctorId))
        .toArray();
    return new WeightedPool(members, Arrays.stream(members).mapToDouble(i -> propensity[i]).toArray());
  }
}
