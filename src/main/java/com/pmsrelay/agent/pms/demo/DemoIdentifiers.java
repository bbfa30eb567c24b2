package com.pmsrelay.agent.pms.demo;

/**
 * Format-valid but made-up Australian health identifiers. Integrators validate these formats
 * (check digits above all), so the demo data must pass the same checks real data does.
 */
final class DemoIdentifiers {

  private DemoIdentifiers() {
  }

  private static final int[] MEDICARE_WEIGHTS = {1, 3, 7, 9, 1, 3, 7, 9};
  private static final String PROVIDER_LOCATIONS = "0123456789ABCDEFGHJKLMNPQRTUVWXY";
  private static final String PROVIDER_CHECKS = "YXWTLKJHFBA";
  private static final int[] PROVIDER_WEIGHTS = {3, 5, 8, 4, 2, 1};

  /**
   * A 10-digit Medicare card number: 8 identifying digits (the first 2..6), the check digit,
   * then the card's issue number (1..9).
   */
  static String medicareNumber(Dice dice) {
    String identifier = dice.between(2, 6) + dice.digits(7);
    return identifier + medicareCheckDigit(identifier) + dice.between(1, 9);
  }

  /** Weighted sum of the first 8 digits modulo 10. */
  static int medicareCheckDigit(String first8) {
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (first8.charAt(i) - '0') * MEDICARE_WEIGHTS[i];
    }
    return sum % 10;
  }

  /** Medicare provider number: six-digit stem, practice location character, check character. */
  static String providerNumber(Dice dice, char location) {
    String stem = dice.between(2, 4) + dice.digits(5);
    int sum = PROVIDER_LOCATIONS.indexOf(location) * 6;
    for (int i = 0; i < 6; i++) {
      sum += (stem.charAt(i) - '0') * PROVIDER_WEIGHTS[i];
    }
    return stem + location + PROVIDER_CHECKS.charAt(sum % 11);
  }

  /** DVA file number: state letter, war code, six digits (e.g. NX123456). */
  static String dvaNumber(Dice dice, String state) {
    char stateLetter = switch (state) {
      case "VIC" -> 'V';
      case "QLD" -> 'Q';
      case "SA", "NT" -> 'S';
      case "WA" -> 'W';
      case "TAS" -> 'T';
      default -> 'N'; // NSW and ACT
    };
    return stateLetter + "X" + dice.digits(6);
  }

  /** Centrelink customer reference number as printed on pension cards: nine digits and a letter. */
  static String pensionNumber(Dice dice) {
    return dice.between(2, 6) + dice.digits(8) + (char) ('A' + dice.below(26));
  }
}
