package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoCatalogue.Role;
import com.pmsrelay.agent.pms.demo.DemoRows.Patient;
import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import com.pmsrelay.agent.pms.demo.DemoVocabulary.Region;
import com.pmsrelay.agent.pms.demo.DemoVocabulary.Suburb;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.YearMonth;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Patients, generated household by household: family members share a surname, an address, a home
 * phone and a Medicare card (with their own line numbers), as they do in a real PMS. Ids follow
 * registration order, as a PMS assigns them.
 */
final class DemoPatients {

  private final Dice dice;
  private final LocalDate anchor;
  private final Region region;
  private final List<Practitioner> gps;
  private final double[] gpWeights;
  private final List<Patient> drafts = new ArrayList<>();

  private DemoPatients(DemoPmsSpec spec, List<Practitioner> staff) {
    this.dice = Dice.stream(spec.seed(), "patients");
    this.anchor = spec.anchorDate();
    this.region = Dice.stream(spec.seed(), "region").pick(DemoVocabulary.REGIONS);
    this.gps = staff.stream().filter(p -> p.role() == Role.GP).toList();
    // Panels follow how much each GP works; the departed GP keeps a small legacy panel.
    this.gpWeights = gps.stream().mapToDouble(p -> p.active() ? p.sessionsPerWeek() : 3).toArray();
  }

  static List<Patient> generate(DemoPmsSpec spec, List<Practitioner> staff) {
    DemoPatients generator = new DemoPatients(spec, staff);
    while (generator.drafts.size() < spec.patients()) {
      generator.household(spec.patients());
    }
    List<Patient> sorted = new ArrayList<>(generator.drafts);
    sorted.sort(Comparator.comparing(Patient::createdAt)); // stable: ties keep generation order
    List<Patient> patients = new ArrayList<>(sorted.size());
    for (int i = 0; i < sorted.size(); i++) {
      patients.add(sorted.get(i).withId(i + 1));
    }
    return patients;
  }

  /** Shared by everyone in one household. */
  private record Home(String surname, String address1, Suburb suburb, String homePhone, String medicareCard,
            String medicareExpiry, int usualDoctorId, LocalDate registered, boolean movedAway) {
  }

  private void household(int limit) {
    String card = dice.chance(0.97) ? DemoIdentifiers.medicareNumber(dice) : null; // some are visitors
    Home home = new Home(dice.pick(DemoVocabulary.SURNAMES), streetAddress(), dice.pick(region.suburbs()),
        dice.chance(0.5) ? landline() : null, card, card == null ? null : medicareExpiry(),
        usualDoctor(), registrationDate(), dice.chance(0.12));
    double shape = dice.unit();
    int headAge = adultAge();
    char headSex = sex();
    List<int[]> members = new ArrayList<>(); // {age, sex}
    members.add(new int[] {headAge, headSex});
    boolean couple = shape >= 0.30 && shape < 0.90;
    if (couple) {
      char partnerSex = dice.chance(0.92) ? opposite(headSex) : headSex;
      members.add(new int[] {Math.max(18, headAge + dice.between(-6, 6)), partnerSex});
    }
    if (shape >= 0.55 && headAge >= 21 && headAge <= 64) {
      // Children born when the head was 20 to 45; some young adults still live at home.
      int youngest = Math.max(0, headAge - 45);
      int oldest = Math.min(24, headAge - 20);
      int children = 1 + dice.weighted(new double[] {40, 40, 20});
      for (int i = 0; i < children; i++) {
        members.add(new int[] {dice.between(youngest, oldest), dice.chance(0.5) ? 'F' : 'M'});
      }
    }
    for (int i = 0; i < members.size() && drafts.size() < limit; i++) {
      drafts.add(person(home, members.get(i)[0], (char) members.get(i)[1], i + 1, couple && i < 2));
    }
  }

  private Patient person(Home home, int age, char sex, int line, boolean inCouple) {
    LocalDate dob = anchor.minusYears(age).minusDays(age == 0 ? 1 + dice.below(364) : dice.below(365));
    String first = givenName(sex, dob);
    boolean adult = age >= 18;
    String title = title(sex, age, inCouple);
    String mobile = age >= 13 && dice.chance(0.88) ? dice.pick(DemoVocabulary.FICTIONAL_MOBILES) : null;
    String email = adult && dice.chance(0.7) ? email(first, home.surname()) : null;
    String dva = age >= 70 && dice.chance(0.04) ? DemoIdentifiers.dvaNumber(dice, home.suburb().state()) : null;
    String pension = dice.chance(age >= 67 ? 0.55 : adult ? 0.07 : 0) ? DemoIdentifiers.pensionNumber(dice) : null;
    int doctor = dice.chance(0.7) ? home.usualDoctorId() : usualDoctor();
    LocalDateTime created = createdAt(home.registered(), dob);
    return new Patient(0, title, first, home.surname(), dob, sex, home.address1(), home.suburb(),
        home.homePhone(), mobile, email, home.medicareCard(), home.medicareCard() == null ? null : line,
        home.medicareExpiry(), dva, pension, doctor, created, status(age, home.movedAway(), created));
  }

  private int adultAge() {
    int band = dice.weighted(new double[] {18, 26, 32, 18, 6});
    return switch (band) {
      case 0 -> dice.between(18, 29);
      case 1 -> dice.between(30, 44);
      case 2 -> dice.between(45, 64);
      case 3 -> dice.between(65, 79);
      default -> dice.between(80, 96);
    };
  }

  private char sex() {
    double r = dice.unit();
    return r < 0.003 ? 'X' : r < 0.52 ? 'F' : 'M';
  }

  private static char opposite(char sex) {
    return sex == 'F' ? 'M' : 'F';
  }

  private String givenName(char sex, LocalDate dob) {
    boolean older = dob.getYear() < 1975;
    String[] names = switch (sex) {
      case 'F' -> older ? DemoVocabulary.FEMALE_OLDER : DemoVocabulary.FEMALE_YOUNGER;
      case 'M' -> older ? DemoVocabulary.MALE_OLDER : DemoVocabulary.MALE_YOUNGER;
      default -> DemoVocabulary.UNISEX;
    };
    return dice.pick(names);
  }

  private String title(char sex, int age, boolean inCouple) {
    if (sex == 'X') {
      return age >= 18 ? "Mx" : null;
    }
    if (age < 18) {
      return sex == 'F' ? (dice.chance(0.4) ? "Miss" : null) : (age < 13 && dice.chance(0.3) ? "Master" : null);
    }
    if (dice.chance(0.02)) {
      return "Dr";
    }
    if (sex == 'M') {
      return "Mr";
    }
    if (inCouple && dice.chance(0.6)) {
      return "Mrs";
    }
    return age < 30 && dice.chance(0.3) ? "Miss" : "Ms";
  }

  private String streetAddress() {
    String street = dice.between(1, 180) + " " + dice.pick(DemoVocabulary.STREETS) + " "
        + dice.pick(DemoVocabulary.STREET_TYPES);
    return dice.chance(0.15) ? dice.between(1, 24) + "/" + street : street;
  }

  private String landline() {
    return region.areaCode() + " " + dice.pick(DemoVocabulary.FICTIONAL_LANDLINE_BLOCKS) + " " + dice.digits(4);
  }

  private String email(String first, String surname) {
    String local = ascii(first) + "." + ascii(surname) + (dice.chance(0.4) ? dice.digits(2) : "");
    return local + "@" + dice.pick(DemoVocabulary.EMAIL_DOMAINS);
  }

  /** "Renée O'Brien" becomes "renee", "obrien": e-mail local parts stay plain ASCII. */
  private static String ascii(String name) {
    return Normalizer.normalize(name, Normalizer.Form.NFD).replaceAll("[^A-Za-z]", "").toLowerCase();
  }

  /** Cards last up to five years; a few have lapsed, which integrators must cope with. */
  private String medicareExpiry() {
    YearMonth now = YearMonth.from(anchor);
    YearMonth expiry = dice.chance(0.03) ? now.minusMonths(dice.between(1, 12)) : now.plusMonths(dice.between(1, 60));
    return expiry.toString(); // yyyy-MM
  }

  private int usualDoctor() {
    return gps.get(dice.weighted(gpWeights)).id();
  }

  /** The practice opened 18 years before the anchor; households joined at any time since. */
  private LocalDate registrationDate() {
    LocalDate opened = anchor.minusYears(18);
    return opened.plusDays(dice.below((int) ChronoUnit.DAYS.between(opened, anchor)));
  }

  /** Babies are registered a few weeks after birth; nobody is registered after the anchor date. */
  private LocalDateTime createdAt(LocalDate registered, LocalDate dob) {
    LocalDate date = registered;
    LocalDate afterBirth = dob.plusDays(dice.between(7, 56));
    if (date.isBefore(afterBirth)) {
      date = afterBirth;
    }
    LocalDate latest = anchor.minusDays(1);
    if (date.isAfter(latest)) {
      date = latest.isBefore(dob) ? dob : latest;
    }
    return LocalDateTime.of(date, LocalTime.of(8, 0).plusMinutes(dice.below(600)));
  }

  /** A household that moved away left at least a year after joining (so no newborn is "Inactive"). */
  private String status(int age, boolean movedAway, LocalDateTime created) {
    double deathRate = age >= 75 ? 0.05 : age >= 60 ? 0.01 : 0.001;
    if (dice.chance(deathRate)) {
      return "Deceased";
    }
    return movedAway && created.toLocalDate().isBefore(anchor.minusYears(1)) ? "Inactive" : "Active";
  }
}
