package com.pmsrelay.agent.pms.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.JDBCType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo PMS: deterministic, plausible, read-only, and answering the T-SQL integrators write.
 * One database with the default spec is generated for the class; tests that need their own make it.
 */
class DemoPmsDatabaseTest {

  private static final Set<String> ACMA_MOBILES = Set.of(DemoVocabulary.FICTIONAL_MOBILES);

  @TempDir
  static Path shared;

  private static DemoPmsSpec spec;
  private static DemoPmsDatabase db;
  private static long generationMillis;

  @BeforeAll
  static void generateDefault() throws SQLException {
    spec = DemoPmsSpec.defaults();
    long started = System.nanoTime();
    db = DemoPmsDatabase.open(shared, "Harbourside", spec);
    generationMillis = (System.nanoTime() - started) / 1_000_000;
    System.out.println("Default spec generated in " + generationMillis + " ms");
  }

  // ---- spec ----

  @Test
  void specDefaultsAndLimits() {
    assertThat(DemoPmsSpec.defaults().seed()).isEqualTo(20261126L);
    assertThat(DemoPmsSpec.defaults().patients()).isEqualTo(3000);
    assertThat(DemoPmsSpec.defaults().anchorDate()).isEqualTo(LocalDate.now());
    assertThatThrownBy(() -> new DemoPmsSpec(1, 9, LocalDate.now())).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DemoPmsSpec(1, 200_001, LocalDate.now()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DemoPmsSpec(1, 100, null)).isInstanceOf(NullPointerException.class);
    assertThat(new DemoPmsSpec(1, 10, LocalDate.now()).patients()).isEqualTo(10);
  }

  @Test
  void versionNamesTheEngine() {
    assertThat(DemoPmsDatabase.pmsVersion()).isEqualTo("demo-pms " + DemoPmsSchema.SCHEMA_VERSION + " (H2 2.4.240)");
  }

  @Test
  void rejectsNamesThatAreNotIdentifiers(@TempDir Path dir) {
    for (String bad : List.of("", "1abc", "a;b", "a b", "a.b", "../x")) {
      assertThatThrownBy(() -> DemoPmsDatabase.open(dir, bad, spec)).isInstanceOf(IllegalArgumentException.class);
    }
  }

  // ---- determinism ----

  @Test
  void sameSpecGivesIdenticalRowsAndAnotherSeedDoesNot(@TempDir Path other) throws Exception {
    DemoPmsDatabase again = DemoPmsDatabase.open(other, "Harbourside", spec);
    DemoPmsDatabase reseeded = DemoPmsDatabase.open(other, "Riverbend", spec.withSeed(spec.seed() + 1));
    assertThat(again.generated()).isTrue();
    for (String table : List.of("Practitioners", "AppointmentTypes", "Patients", "Sessions", "Appointments",
        "Invoices", "Recalls")) {
      String sql = "SELECT * FROM dbo." + table + " ORDER BY 1";
      assertThat(hash(again, sql)).as(table).isEqualTo(hash(db, sql));
    }
    assertThat(hash(reseeded, "SELECT * FROM dbo.Patients ORDER BY PatientId"))
        .isNotEqualTo(hash(db, "SELECT * FROM dbo.Patients ORDER BY PatientId"));
    assertThat(hash(reseeded, "SELECT * FROM dbo.Appointments ORDER BY AppointmentId"))
        .isNotEqualTo(hash(db, "SELECT * FROM dbo.Appointments ORDER BY AppointmentId"));
  }

  // ---- shape of the data ----

  @Test
  void sizesFollowTheSpec() throws SQLException {
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients")).isEqualTo(3000);
    assertThat(count("SELECT COUNT(*) FROM dbo.Practitioners")).isBetween(6L, 10L);
    assertThat(count("SELECT COUNT(*) FROM dbo.AppointmentTypes")).isGreaterThanOrEqualTo(10);
    assertThat(count("SELECT COUNT(*) FROM dbo.Appointments")).isGreaterThan(5000);
    assertThat(count("SELECT COUNT(*) FROM dbo.Recalls")).isGreaterThan(500);
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE Status = 'Active'")).isGreaterThan(2000);
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE Status = 'Inactive'")).isPositive();
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE Status = 'Deceased'")).isPositive();
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE DVANo IS NOT NULL")).isBetween(1L, 300L);
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE PensionNo IS NOT NULL")).isBetween(1L, 1000L);
  }

  @Test
  void appointmentsSpanAYearAroundTheAnchor() throws SQLException {
    LocalDate anchor = spec.anchorDate();
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT MIN(AppointmentDate), MAX(AppointmentDate) FROM dbo.Appointments")) {
      rs.next();
      LocalDate first = rs.getObject(1, LocalDate.class);
      LocalDate last = rs.getObject(2, LocalDate.class);
      assertThat(ChronoUnit.DAYS.between(first, anchor)).isBetween(170L, 190L);
      assertThat(ChronoUnit.DAYS.between(anchor, last)).isBetween(150L, 190L);
    }
    String future = " FROM dbo.Appointments WHERE AppointmentDate > '" + anchor + "'";
    String past = " FROM dbo.Appointments WHERE AppointmentDate < '" + anchor + "'";
    assertThat(count("SELECT COUNT(*)" + future + " AND Status NOT IN ('Booked', 'Cancelled')")).isZero();
    assertThat(count("SELECT COUNT(*)" + future + " AND Status = 'Booked'")).isGreaterThan(200);
    assertThat(count("SELECT COUNT(*)" + past + " AND Status IN ('Booked', 'Arrived')")).isZero();
    assertThat(count("SELECT COUNT(*)" + past + " AND Status = 'Completed'"))
        .isGreaterThan(count("SELECT COUNT(*)" + past) * 8 / 10);
    assertThat(count("SELECT COUNT(*) FROM dbo.Appointments WHERE BookedAt >= StartsAt")).isZero();
    assertThat(count("SELECT COUNT(*) FROM dbo.Appointments WHERE CAST(BookedAt AS DATE) > '" + anchor + "'"))
        .isZero();
    assertThat(count("SELECT COUNT(*) FROM dbo.Appointments a JOIN dbo.Patients p ON p.PatientId = a.PatientId"
        + " WHERE a.BookedAt < p.CreatedAt OR p.Status <> 'Active'")).isZero();
  }

  @Test
  void appointmentsAreOnWeekdaysInsideSessionsAndNeverOverlap() throws SQLException {
    Map<String, List<LocalTime[]>> sessions = new TreeMap<>(); // practitioner|date -> [start, end]
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement()) {
      try (ResultSet rs = s.executeQuery("SELECT PractitionerId, SessionDate, StartTime, EndTime FROM dbo.Sessions")) {
        while (rs.next()) {
          LocalDate date = rs.getObject(2, LocalDate.class);
          assertThat(date.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
          sessions.computeIfAbsent(rs.getInt(1) + "|" + date, k -> new ArrayList<>())
              .add(new LocalTime[] {rs.getObject(3, LocalTime.class), rs.getObject(4, LocalTime.class)});
        }
      }
      Map<Integer, LocalDateTime> busyUntil = new TreeMap<>();
      int checked = 0;
      try (ResultSet rs = s.executeQuery("SELECT PractitionerId, AppointmentDate, AppointmentTime, StartsAt,"
          + " DurationMinutes, AppointmentId FROM dbo.Appointments ORDER BY PractitionerId, StartsAt")) {
        while (rs.next()) {
          int practitioner = rs.getInt(1);
          LocalDate date = rs.getObject(2, LocalDate.class);
          LocalTime time = rs.getObject(3, LocalTime.class);
          LocalDateTime start = rs.getObject(4, LocalDateTime.class);
          LocalDateTime end = start.plusMinutes(rs.getInt(5));
          assertThat(start).isEqualTo(LocalDateTime.of(date, time));
          assertThat(date.getDayOfWeek()).isNotIn(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY);
          assertThat(sessions.getOrDefault(practitioner + "|" + date, List.of()))
              .as("session holding appointment %d", rs.getInt(6))
              .anyMatch(x -> !time.isBefore(x[0]) && !end.toLocalTime().isAfter(x[1]));
          LocalDateTime previousEnd = busyUntil.get(practitioner);
          assertThat(previousEnd == null || !start.isBefore(previousEnd))
              .as("appointment %d overlaps the previous one", rs.getInt(6)).isTrue();
          busyUntil.put(practitioner, end);
          checked++;
        }
      }
      assertThat(checked).isGreaterThan(5000);
    }
    // The same, as an integrator would check it in SQL.
    assertThat(count("SELECT COUNT(*) FROM dbo.Appointments a JOIN dbo.Appointments b"
        + " ON a.PractitionerId = b.PractitionerId AND a.AppointmentDate = b.AppointmentDate"
        + " AND a.AppointmentId < b.AppointmentId"
        + " WHERE a.StartsAt < DATEADD(minute, b.DurationMinutes, b.StartsAt)"
        + " AND b.StartsAt < DATEADD(minute, a.DurationMinutes, a.StartsAt)")).isZero();
  }

  @Test
  void everyCompletedAppointmentHasOneInvoice() throws SQLException {
    assertThat(count("SELECT COUNT(*) FROM dbo.Invoices"))
        .isEqualTo(count("SELECT COUNT(*) FROM dbo.Appointments WHERE Status = 'Completed'"));
    assertThat(count("SELECT COUNT(*) FROM dbo.Invoices i JOIN dbo.Appointments a ON a.AppointmentId = i.AppointmentId"
        + " WHERE a.Status <> 'Completed' OR a.PatientId <> i.PatientId OR a.AppointmentDate <> i.InvoiceDate"))
        .isZero();
    assertThat(count("SELECT COUNT(DISTINCT AppointmentId) FROM dbo.Invoices"))
        .isEqualTo(count("SELECT COUNT(*) FROM dbo.Invoices"));
  }

  @Test
  void identifiersAreFormatValid() throws SQLException {
    int cards = 0;
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT MedicareNo, MedicareLineNo, MedicareExpiry, DVANo, PensionNo,"
          + " HomePhone, MobilePhone, Email FROM dbo.Patients")) {
      while (rs.next()) {
        String medicare = rs.getString(1);
        if (medicare != null) {
          cards++;
          assertThat(medicare).matches("[2-6][0-9]{9}");
          assertThat(medicareCheckDigitValid(medicare)).as(medicare).isTrue();
          assertThat(rs.getInt(2)).isBetween(1, 9);
          assertThat(rs.getString(3)).matches("20[0-9]{2}-(0[1-9]|1[0-2])");
        }
        assertThat(rs.getString(4)).satisfiesAnyOf(v -> assertThat(v).isNull(),
            v -> assertThat(v).matches("[NVQSWT]X[0-9]{6}"));
        assertThat(rs.getString(5)).satisfiesAnyOf(v -> assertThat(v).isNull(),
            v -> assertThat(v).matches("[0-9]{9}[A-Z]"));
        // Only numbers and domains reserved for fiction: nobody real can be called or mailed.
        assertThat(rs.getString(6)).satisfiesAnyOf(v -> assertThat(v).isNull(),
            v -> assertThat(v).matches("0[2378] (5550|7010) [0-9]{4}"));
        assertThat(rs.getString(7)).satisfiesAnyOf(v -> assertThat(v).isNull(),
            v -> assertThat(ACMA_MOBILES).contains(v));
        assertThat(rs.getString(8)).satisfiesAnyOf(v -> assertThat(v).isNull(),
            v -> assertThat(v).matches("[a-z]+\\.[a-z]+[0-9]*@example\\.(com|net|org)"));
      }
    }
    assertThat(cards).isGreaterThan(2500);
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT ProviderNumber FROM dbo.Practitioners WHERE ProviderNumber IS NOT NULL")) {
      int doctors = 0;
      while (rs.next()) {
        doctors++;
        assertThat(providerNumberValid(rs.getString(1))).as(rs.getString(1)).isTrue();
      }
      assertThat(doctors).isPositive();
    }
  }

  // ---- read-only ----

  @Test
  void writesAreRefused() throws SQLException {
    long before = count("SELECT COUNT(*) FROM dbo.Patients");
    List<String> writes = List.of(
        "INSERT INTO dbo.Patients (PatientId, FirstName, Surname, DOB, Sex, CreatedAt, Status)"
            + " VALUES (999999, 'X', 'Y', '2000-01-01', 'F', '2020-01-01', 'Active')",
        "UPDATE dbo.Patients SET Surname = 'Changed'",
        "DELETE FROM dbo.Appointments",
        "DROP TABLE dbo.Recalls",
        "CREATE TABLE dbo.Scratch (Id INT)",
        "TRUNCATE TABLE dbo.Invoices",
        "CREATE ALIAS ENV FOR 'java.lang.System.getenv'",
        "CREATE USER intruder PASSWORD 'x' ADMIN");
    try (Connection c = DriverManager.getConnection(db.readOnlyJdbcUrl(), db.readOnlyUser(), db.readOnlyPassword())) {
      for (String sql : writes) {
        try (Statement s = c.createStatement()) {
          assertThatThrownBy(() -> s.execute(sql)).as(sql).isInstanceOf(SQLException.class);
        }
      }
      try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT READONLY()")) {
        rs.next();
        assertThat(rs.getBoolean(1)).as("database opened read-only").isTrue();
      }
      // No admin rights either: no reading files off the practice server.
      try (Statement s = c.createStatement()) {
        assertThatThrownBy(() -> s.executeQuery("SELECT FILE_READ('" + shared.resolve("Harbourside.mv.db") + "')"))
            .isInstanceOf(SQLException.class);
      }
    }
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients")).isEqualTo(before);
    assertThat(count("SELECT COUNT(*) FROM dbo.Patients WHERE Surname = 'Changed'")).isZero();
  }

  // ---- lifecycle ----

  @Test
  void reopeningWithTheSameSpecKeepsTheData(@TempDir Path dir) throws Exception {
    DemoPmsSpec small = new DemoPmsSpec(7, 50, LocalDate.of(2026, 3, 2));
    DemoPmsDatabase first = DemoPmsDatabase.open(dir, "Clinic", small);
    String generatedAt = generatedAt(first);
    DemoPmsDatabase second = DemoPmsDatabase.open(dir, "Clinic", small);
    assertThat(second.generated()).isFalse();
    assertThat(generatedAt(second)).isEqualTo(generatedAt);

    DemoPmsDatabase neighbour = DemoPmsDatabase.open(dir, "Clinic2", small); // shares the name's prefix
    DemoPmsDatabase bigger = DemoPmsDatabase.open(dir, "Clinic", small.withPatients(60));
    assertThat(bigger.generated()).isTrue();
    assertThat(generatedAt(bigger)).isNotEqualTo(generatedAt);
    try (Connection c = bigger.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Patients")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(60);
    }
    // Regenerating Clinic deleted Clinic's files only.
    assertThat(DemoPmsDatabase.open(dir, "Clinic2", small).generated()).isFalse();
    assertThat(generatedAt(neighbour)).isNotNull();
  }

  @Test
  void anUnfinishedDatabaseIsRegenerated(@TempDir Path dir) throws Exception {
    // Tables but no DemoInfo row: what a generation killed half way leaves behind.
    try (Connection c = DriverManager.getConnection("jdbc:h2:file:" + dir.resolve("Clinic")
        + ";MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE", "someone", "pw"); Statement s = c.createStatement()) {
      s.execute("CREATE SCHEMA dbo");
      s.execute("CREATE TABLE dbo.Patients (PatientId INT)");
      s.execute("CREATE TABLE dbo.DemoInfo (SchemaVersion INT)");
    }
    DemoPmsDatabase reopened = DemoPmsDatabase.open(dir, "Clinic", new DemoPmsSpec(7, 20, LocalDate.of(2026, 3, 2)));
    assertThat(reopened.generated()).isTrue();
    try (Connection c = reopened.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM dbo.Patients")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(20);
    }
    assertThat(Files.exists(dir.resolve("Clinic.mv.db"))).isTrue();
  }

  @Test
  void twoDatabasesServeTogetherInOneJvm(@TempDir Path dir) throws Exception {
    LocalDate anchor = LocalDate.of(2026, 11, 26);
    CompletableFuture<DemoPmsDatabase> a = CompletableFuture.supplyAsync(() -> open(dir, "Harbourside",
        new DemoPmsSpec(1, 400, anchor)));
    CompletableFuture<DemoPmsDatabase> b = CompletableFuture.supplyAsync(() -> open(dir, "Riverbend",
        new DemoPmsSpec(2, 300, anchor)));
    DemoPmsDatabase first = a.get();
    DemoPmsDatabase second = b.get();
    try (Connection c1 = first.readOnlyDataSource().getConnection();
      Connection c2 = second.readOnlyDataSource().getConnection();
      Statement s1 = c1.createStatement(); Statement s2 = c2.createStatement();
      ResultSet r1 = s1.executeQuery("SELECT COUNT(*) FROM Patients");
      ResultSet r2 = s2.executeQuery("SELECT COUNT(*) FROM Patients")) {
      r1.next();
      r2.next();
      assertThat(r1.getInt(1)).isEqualTo(400);
      assertThat(r2.getInt(1)).isEqualTo(300);
      assertThat(c1.getCatalog()).isEqualTo("Harbourside");
      assertThat(c2.getCatalog()).isEqualTo("Riverbend");
    }
    assertThat(first.catalogueName()).isEqualTo("Harbourside");
  }

  // ---- the T-SQL integrators write ----

  @Test
  void tsqlAsIntegratorsWriteIt() throws SQLException {
    try (Connection c = DriverManager.getConnection(db.readOnlyJdbcUrl(), "demo", "")) {
      assertThat(rows(c, "SELECT TOP 10 PatientId, FirstName FROM dbo.Patients WHERE Surname = ?", "Nguyen"))
          .hasSizeBetween(1, 10);
      // Unqualified names resolve in dbo; names and strings compare without case, as in SQL Server.
      assertThat(rows(c, "SELECT TOP 10 PatientId, FirstName FROM Patients WHERE Surname = ?", "nguyen"))
          .hasSizeBetween(1, 10);
      assertThat(rows(c, "select patientid, surname from patients p where p.PATIENTID = 1")).hasSize(1);
      assertThat(rows(c, "SELECT COUNT(*) FROM Patients WHERE Surname LIKE 'ngu%'").get(0).get(0))
          .isNotEqualTo("0");
      assertThat(rows(c, "SELECT TOP (5) [PatientId], [Surname] FROM [dbo].[Patients] WITH (NOLOCK)")).hasSize(5);
      assertThat(rows(c, "SELECT COUNT(*) FROM " + db.catalogueName() + ".dbo.Patients").get(0).get(0))
          .isEqualTo("3000");
      assertThat(rows(c, "SELECT GETDATE(), CAST(GETDATE() AS DATE)")).hasSize(1);
      assertThat(rows(c, "SELECT AppointmentId FROM Appointments WHERE StartsAt BETWEEN GETDATE()"
          + " AND DATEADD(day, 7, GETDATE())")).isNotEmpty();
      List<List<String>> ages = rows(c, "SELECT PatientId, DATEDIFF(year, DOB, GETDATE()) AS Age FROM Patients"
          + " WHERE DATEDIFF(year, DOB, GETDATE()) >= 75");
      assertThat(ages).isNotEmpty();
      assertThat(rows(c, "SELECT ISNULL(DVANo, '') AS DVANo FROM Patients WHERE ISNULL(DVANo, '') = ''"))
          .hasSizeGreaterThan(2500);
      assertThat(Integer.parseInt(rows(c, "SELECT MAX(LEN(Surname)) FROM Patients").get(0).get(0))).isPositive();
      assertThat(rows(c, "SELECT PatientId FROM Patients ORDER BY PatientId OFFSET 10 ROWS FETCH NEXT 10 ROWS ONLY"))
          .extracting(r -> r.get(0)).containsExactly("11", "12", "13", "14", "15", "16", "17", "18", "19", "20");
      assertThat(rows(c, "SELECT FirstName + ' ' + Surname AS FullName FROM Patients WHERE PatientId = 1"))
          .hasSize(1);
      List<List<String>> upcoming = rows(c, """
          WITH Upcoming AS (
            SELECT a.AppointmentId, a.PatientId, a.PractitionerId, a.StartsAt
            FROM dbo.Appointments a WITH (NOLOCK)
            WHERE a.StartsAt >= GETDATE() AND a.Status = 'Booked'
          )
          SELECT TOP 20 u.AppointmentId, p.FirstName, p.Surname, pr.Title, pr.Surname AS Doctor, u.StartsAt
          FROM Upcoming u
          JOIN dbo.Patients p ON p.PatientId = u.PatientId
          JOIN dbo.Practitioners pr ON pr.PractitionerId = u.PractitionerId
          ORDER BY u.StartsAt""");
      assertThat(upcoming).hasSize(20);
      assertThat(rows(c, """
          SELECT t.Name, COUNT(*) AS Booked,
             ROW_NUMBER() OVER (ORDER BY COUNT(*) DESC) AS Rank
          FROM Appointments a INNER JOIN AppointmentTypes t ON t.AppointmentTypeId = a.AppointmentTypeId
          WHERE t.OnlineBookable = 1
          GROUP BY t.Name""")).isNotEmpty();
      assertThat(rows(c, "SELECT TOP 1 WITH TIES Surname FROM Patients ORDER BY Surname")).isNotEmpty();
    }
  }

  @Test
  void columnTypesLookLikeSqlServers() throws SQLException {
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT TOP 1 p.PatientId, p.DOB, p.CreatedAt, p.Sex, pr.Active, i.Amount,"
          + " a.AppointmentTime FROM Patients p, Practitioners pr, Invoices i, Appointments a")) {
      ResultSetMetaData md = rs.getMetaData();
      List<JDBCType> types = new ArrayList<>();
      for (int i = 1; i <= md.getColumnCount(); i++) {
        types.add(JDBCType.valueOf(md.getColumnType(i)));
      }
      assertThat(types).containsExactly(JDBCType.INTEGER, JDBCType.DATE, JDBCType.TIMESTAMP, JDBCType.CHAR,
          JDBCType.BOOLEAN, JDBCType.DECIMAL, JDBCType.TIME);
      assertThat(md.getColumnLabel(1)).isEqualTo("PatientId");
    }
  }

  // ---- helpers ----

  private static DemoPmsDatabase open(Path dir, String name, DemoPmsSpec s) {
    try {
      return DemoPmsDatabase.open(dir, name, s);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  private static long count(String sql) throws SQLException {
    try (Connection c = db.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static List<List<String>> rows(Connection c, String sql, Object... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setObject(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        List<List<String>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
          List<String> row = new ArrayList<>();
          for (int i = 1; i <= n; i++) {
            row.add(rs.getString(i));
          }
          rows.add(row);
        }
        return rows;
      }
    }
  }

  private static String hash(DemoPmsDatabase database, String sql) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    try (Connection c = database.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery(sql)) {
      int n = rs.getMetaData().getColumnCount();
      long rows = 0;
      while (rs.next()) {
        rows++;
        for (int i = 1; i <= n; i++) {
          digest.update(String.valueOf(rs.getString(i)).getBytes(StandardCharsets.UTF_8));
          digest.update((byte) 0x1f);
        }
        digest.update((byte) 0x1e);
      }
      assertThat(rows).as(sql).isPositive();
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static String generatedAt(DemoPmsDatabase database) throws SQLException {
    try (Connection c = database.readOnlyDataSource().getConnection(); Statement s = c.createStatement();
      ResultSet rs = s.executeQuery("SELECT GeneratedAt FROM dbo.DemoInfo")) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }

  /** Written from the published rule, not from the generator's code. */
  private static boolean medicareCheckDigitValid(String number) {
    int[] weights = {1, 3, 7, 9, 1, 3, 7, 9};
    int sum = 0;
    for (int i = 0; i < 8; i++) {
      sum += (number.charAt(i) - '0') * weights[i];
    }
    return sum % 10 == number.charAt(8) - '0';
  }

  private static boolean providerNumberValid(String number) {
    if (!number.matches("[0-9]{6}[0-9A-HJ-NP-RT-Y][YXWTLKJHFBA]")) {
      return false;
    }
    int[] weights = {3, 5, 8, 4, 2, 1};
    int sum = "0123456789ABCDEFGHJKLMNPQRTUVWXY".indexOf(number.charAt(6)) * 6;
    for (int i = 0; i < 6; i++) {
      sum += (number.charAt(i) - '0') * weights[i];
    }
    return "YXWTLKJHFBA".charAt(sum % 11) == number.charAt(7);
  }
}
