package com.pmsrelay.agent.pms.demo;

import java.util.List;

/**
 * Word lists the generator draws from. Names are common given names and surnames, combined at
 * random: no row describes a real person. Phone numbers and e-mail domains come only from ranges
 * reserved for fiction (ACMA) and documentation (RFC 2606), so an integrator testing SMS or e-mail
 * against the demo can never reach anyone.
 */
final class DemoVocabulary {

  private DemoVocabulary() {
  }

  record Suburb(String name, String state, String postcode) {
  }

  /** One catchment per practice: the seed picks which, so two demo practices usually differ. */
  record Region(String areaCode, List<Suburb> suburbs) {
  }

  static final List<Region> REGIONS = List.of(
      new Region("02", List.of(
          new Suburb("Manly", "NSW", "2095"), new Suburb("Dee Why", "NSW", "2099"),
          new Suburb("Brookvale", "NSW", "2100"), new Suburb("Narrabeen", "NSW", "2101"),
          new Suburb("Mona Vale", "NSW", "2103"), new Suburb("Collaroy", "NSW", "2097"),
          new Suburb("Freshwater", "NSW", "2096"), new Suburb("Balgowlah", "NSW", "2093"),
          new Suburb("Frenchs Forest", "NSW", "2086"), new Suburb("Newport", "NSW", "2106"))),
      new Region("03", List.of(
          new Suburb("Box Hill", "VIC", "3128"), new Suburb("Blackburn", "VIC", "3130"),
          new Suburb("Nunawading", "VIC", "3131"), new Suburb("Mitcham", "VIC", "3132"),
          new Suburb("Ringwood", "VIC", "3134"), new Suburb("Doncaster", "VIC", "3108"),
          new Suburb("Vermont", "VIC", "3133"), new Suburb("Burwood", "VIC", "3125"),
          new Suburb("Surrey Hills", "VIC", "3127"), new Suburb("Balwyn", "VIC", "3103"))),
      new Region("07", List.of(
          new Suburb("Sunnybank", "QLD", "4109"), new Suburb("Mount Gravatt", "QLD", "4122"),
          new Suburb("Holland Park", "QLD", "4121"), new Suburb("Coorparoo", "QLD", "4151"),
          new Suburb("Greenslopes", "QLD", "4120"), new Suburb("Annerley", "QLD", "4103"),
          new Suburb("Moorooka", "QLD", "4105"), new Suburb("Salisbury", "QLD", "4107"),
          new Suburb("Carindale", "QLD", "4152"), new Suburb("Tarragindi", "QLD", "4121"))),
      new Region("08", List.of(
          new Suburb("Norwood", "SA", "5067"), new Suburb("Kensington", "SA", "5068"),
          new Suburb("Magill", "SA", "5072"), new Suburb("Burnside", "SA", "5066"),
          new Suburb("Glenunga", "SA", "5064"), new Suburb("Unley", "SA", "5061"),
          new Suburb("Prospect", "SA", "5082"), new Suburb("Walkerville", "SA", "5081"),
          new Suburb("Payneham", "SA", "5070"), new Suburb("Stepney", "SA", "5069"))));

  static final String[] STREETS = {
    "George", "Victoria", "King", "Church", "Park", "High", "Station", "Railway", "Queen", "Albert",
    "Elizabeth", "William", "Bridge", "Hill", "Beach", "Ocean", "Bay", "Wattle", "Banksia", "Acacia",
    "Jacaranda", "Grevillea", "Waratah", "Kurrajong", "Boronia", "Myrtle", "Short", "Long", "Mill", "Forest",
  };

  static final String[] STREET_TYPES = {
    "Street", "Street", "Street", "Road", "Road", "Avenue", "Parade", "Crescent", "Place", "Court", "Drive", "Lane",
  };

  /** ACMA's list of mobile numbers reserved for fiction (there are only 30; families share them). */
  static final String[] FICTIONAL_MOBILES = {
    "0491 570 006", "0491 570 156", "0491 570 157", "0491 570 158", "0491 570 159", "0491 570 110",
    "0491 570 313", "0491 570 737", "0491 571 266", "0491 571 491", "0491 571 804", "0491 572 549",
    "0491 572 665", "0491 572 983", "0491 573 770", "0491 573 087", "0491 574 118", "0491 574 632",
    "0491 575 254", "0491 575 789", "0491 576 398", "0491 576 801", "0491 577 426", "0491 577 644",
    "0491 578 957", "0491 578 148", "0491 578 888", "0491 579 212", "0491 579 760", "0491 579 455",
  };

  /** ACMA's fictional landline blocks: (0X) 5550 xxxx and (0X) 7010 xxxx in every area code. */
  static final String[] FICTIONAL_LANDLINE_BLOCKS = {"5550", "7010"};

  static final String[] EMAIL_DOMAINS = {"example.com", "example.net", "example.org"};

  static final String[] SURNAMES = {
    "Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Johnson", "Martin", "White",
    "Anderson", "Walker", "Thompson", "Thomas", "Lee", "Ryan", "Kelly", "King", "Harris", "Robinson",
    "Chen", "Wang", "Li", "Singh", "Patel", "Kaur", "Tran", "Le", "Murphy", "O'Brien",
    "Campbell", "Clarke", "Hughes", "Mitchell", "Roberts", "Young", "Scott", "Wright", "Green", "Hall",
    "Baker", "Wood", "Evans", "Edwards", "Turner", "Cooper", "Papadopoulos", "Russo", "Rossi", "Kumar",
    "Sharma", "Khan", "Ali", "Ahmed", "Kim", "Park", "Zhang", "Liu", "Huang", "Pham",
    "Hoang", "O'Connor", "McDonald", "Stewart", "Morris", "Bell", "Ward", "Cook", "Morgan", "Bailey",
    "Nguyen", "Smith", "Nguyen", "Brown", "Kowalski", "Novak", "Haddad", "Costa", "Fernando", "Silva",
    "Smith-Jones", "MacKenzie", "Ivanov", "Dimitriou", "Okafor", "Mensah", "Tanaka", "Sato", "Walsh", "Byrne",
  };

  // Two eras of given names, so that a 90-year-old is not called "Mia".
  static final String[] FEMALE_OLDER = {
    "Margaret", "Patricia", "Susan", "Helen", "Jennifer", "Barbara", "Carol", "Elizabeth", "Judith", "Christine",
    "Anne", "Dorothy", "Joan", "Kathleen", "Lorraine", "Robyn", "Wendy", "Gail", "Denise", "Janet",
    "Maria", "Linda", "Julie", "Karen", "Deborah", "Sandra", "Lynette", "Heather", "Pamela", "Thi Lan",
  };
  static final String[] FEMALE_YOUNGER = {
    "Olivia", "Charlotte", "Amelia", "Isla", "Mia", "Ava", "Grace", "Chloe", "Emily", "Sophie",
    "Ruby", "Zoe", "Harper", "Matilda", "Sienna", "Lily", "Ella", "Jessica", "Sarah", "Emma",
    "Hannah", "Lauren", "Rebecca", "Megan", "Priya", "Mei", "Aisha", "Renée", "Zoë", "Ngoc Anh",
  };
  static final String[] MALE_OLDER = {
    "John", "Robert", "Peter", "David", "Michael", "William", "James", "Ian", "Graham", "Kevin",
    "Geoffrey", "Barry", "Ross", "Bruce", "Stephen", "Gregory", "Anthony", "Kenneth", "Raymond", "Colin",
    "Brian", "Trevor", "Neil", "Wayne", "Allan", "Giuseppe", "Nikolaos", "Wei", "Van Minh", "Ronald",
  };
  static final String[] MALE_YOUNGER = {
    "Oliver", "Noah", "Jack", "William", "Leo", "Lucas", "Thomas", "Henry", "Charlie", "James",
    "Liam", "Ethan", "Lachlan", "Cooper", "Hudson", "Oscar", "Mason", "Harrison", "Joshua", "Daniel",
    "Matthew", "Ryan", "Nathan", "Aarav", "Arjun", "Kai", "Minh", "Mohammed", "Luca", "Jayden",
  };
  static final String[] UNISEX = {
    "Alex", "Sam", "Jordan", "Charlie", "Riley", "Taylor", "Jamie", "Casey", "Morgan", "Quinn",
  };

  /** Front-desk notes; most appointments have none. */
  static final String[] APPOINTMENT_NOTES = {
    "Interpreter required", "Prefers female doctor", "Bring previous imaging", "Fasting bloods",
    "Carer attending", "Review results", "Running late - SMS sent", "Wheelchair access", "Repeat script",
    "Needs longer appointment next time",
  };

  static final String[] CONSULT_ROOMS = {
    "Consult 1", "Consult 2", "Consult 3", "Consult 4", "Consult 5", "Consult 6",
  };
}
