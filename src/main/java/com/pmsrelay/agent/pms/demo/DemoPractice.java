package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoCatalogue.Role;
import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The practice's staff: a typical small-to-medium general practice. */
final class DemoPractice {

  private DemoPractice() {
  }

  private record Position(Role role, String specialty, boolean active, int sessionsPerWeek, String room) {
  }

  /** One departed GP keeps a panel of patients (realistic, and it exercises Active = 0). */
  private static final List<Position> POSITIONS = List.of(
      new Position(Role.GP, "General Practitioner", true, 9, "Consult 1"),
      new Position(Role.GP, "General Practitioner", true, 8, "Consult 2"),
      new Position(Role.GP, "General Practitioner", true, 8, "Consult 3"),
      new Position(Role.GP, "General Practitioner", true, 6, "Consult 4"),
      new Position(Role.GP, "GP Registrar", true, 8, "Consult 5"),
      new Position(Role.GP, "General Practitioner", false, 0, "Consult 6"),
      new Position(Role.NURSE, "Practice Nurse", true, 8, "Treatment 1"),
      new Position(Role.NURSE, "Practice Nurse", true, 4, "Treatment 2"));

  private static final String PROVIDER_LOCATIONS = "0123456789ABCDEFGHJKLMNPQRTUVWXY";

  static List<Practitioner> practitioners(long seed) {
    Dice dice = Dice.stream(seed, "practitioners");
    // A provider number's location character belongs to the practice: all its doctors share it.
    char location = PROVIDER_LOCATIONS.charAt(dice.below(PROVIDER_LOCATIONS.length()));
    List<Practitioner> staff = new ArrayList<>();
    Set<String> usedNames = new HashSet<>(); // membership only; output order comes from POSITIONS
    for (Position position : POSITIONS) {
      boolean female = dice.chance(position.role() == Role.NURSE ? 0.85 : 0.55);
      String first;
      String surname;
      do {
        String[] givenNames = female
            ? (dice.chance(0.5) ? DemoVocabulary.FEMALE_OLDER : DemoVocabulary.FEMALE_YOUNGER)
            : (dice.chance(0.5) ? DemoVocabulary.MALE_OLDER : DemoVocabulary.MALE_YOUNGER);
        first = dice.pick(givenNames);
        surname = dice.pick(DemoVocabulary.SURNAMES);
      } while (!usedNames.add(first + " " + surname));
      boolean doctor = position.role() == Role.GP;
      String title = doctor ? "Dr" : (female ? "Ms" : "Mr");
      // Nurses bill under a GP's provider number, so they have none of their own.
      String providerNumber = doctor ? DemoIdentifiers.providerNumber(dice, location) : null;
      staff.add(new Practitioner(staff.size() + 1, title, first, surname, providerNumber,
          position.specialty(), position.active(), position.role(), position.sessionsPerWeek(),
          position.room()));
    }
    return List.copyOf(staff);
  }
}
