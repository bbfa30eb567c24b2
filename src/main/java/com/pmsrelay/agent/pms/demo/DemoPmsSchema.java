package com.pmsrelay.agent.pms.demo;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The demo PMS's tables, named like Bp Premier's (schema dbo, PascalCase). Column definitions live
 * here once; the CREATE TABLE and the INSERT column lists are both derived from them, and each row
 * record's values() lists its values in the same order.
 */
final class DemoPmsSchema {

  private DemoPmsSchema() {
  }

  /** Bump when the tables or the generator change, so existing demo files are regenerated. */
  static final int SCHEMA_VERSION = 4;

  enum Table {
    PRACTITIONERS("Practitioners", true,
        "PractitionerId INT NOT NULL", "Title VARCHAR(10) NULL", "FirstName VARCHAR(40) NOT NULL",
        "Surname VARCHAR(40) NOT NULL", "ProviderNumber VARCHAR(8) NULL", "Specialty VARCHAR(40) NOT NULL",
        "Active BIT NOT NULL"),
    APPOINTMENT_TYPES("AppointmentTypes", true,
        "AppointmentTypeId INT NOT NULL", "Name VARCHAR(60) NOT NULL", "DurationMinutes INT NOT NULL",
        "Colour VARCHAR(7) NOT NULL", "OnlineBookable BIT NOT NULL"),
    PATIENTS("Patients", true,
        "PatientId INT NOT NULL", "Title VARCHAR(10) NULL", "FirstName VARCHAR(40) NOT NULL",
        "Surname VARCHAR(40) NOT NULL", "DOB DATE NOT NULL", "Sex CHAR(1) NOT NULL",
        "Address1 VARCHAR(80) NULL", "Suburb VARCHAR(40) NULL", "State VARCHAR(3) NULL",
        "Postcode VARCHAR(4) NULL", "HomePhone VARCHAR(20) NULL", "MobilePhone VARCHAR(20) NULL",
        "Email VARCHAR(100) NULL", "MedicareNo VARCHAR(10) NULL", "MedicareLineNo INT NULL",
        "MedicareExpiry VARCHAR(7) NULL", "DVANo VARCHAR(9) NULL", "PensionNo VARCHAR(10) NULL",
        "UsualDoctorId INT NULL", "CreatedAt DATETIME2 NOT NULL", "Status VARCHAR(10) NOT NULL"),
    SESSIONS("Sessions", true,
        "SessionId INT NOT NULL", "PractitionerId INT NOT NULL", "SessionDate DATE NOT NULL",
        "StartTime TIME NOT NULL", "EndTime TIME NOT NULL", "Room VARCHAR(20) NOT NULL"),
    APPOINTMENTS("Appointments", true,
        "AppointmentId INT NOT NULL", "PatientId INT NOT NULL", "PractitionerId INT NOT NULL",
        "AppointmentTypeId INT NOT NULL", "AppointmentDate DATE NOT NULL", "AppointmentTime TIME NOT NULL",
        "StartsAt DATETIME2 NOT NULL", "DurationMinutes INT NOT NULL", "Status VARCHAR(10) NOT NULL",
        "BookedAt DATETIME2 NOT NULL", "Notes VARCHAR(200) NULL"),
    INVOICES("Invoices", true,
        "InvoiceId INT NOT NULL", "PatientId INT NOT NULL", "AppointmentId INT NOT NULL",
        "PractitionerId INT NOT NULL", "InvoiceDate DATE NOT NULL", "ItemNumber VARCHAR(10) NOT NULL",
        "Amount DECIMAL(10,2) NOT NULL", "Paid BIT NOT NULL", "PaymentMethod VARCHAR(20) NOT NULL"),
    RECALLS("Recalls", true,
        "RecallId INT NOT NULL", "PatientId INT NOT NULL", "PractitionerId INT NOT NULL",
        "Reason VARCHAR(60) NOT NULL", "DueDate DATE NOT NULL", "Status VARCHAR(10) NOT NULL"),
    /** Written last, in the same transaction as the data: no row means an unfinished generation. */
    DEMO_INFO("DemoInfo", false,
        "SchemaVersion INT NOT NULL", "Seed BIGINT NOT NULL", "Patients INT NOT NULL",
        "AnchorDate DATE NOT NULL", "GeneratedAt DATETIME2 NOT NULL");

    final String tableName;
    private final boolean firstColumnIsKey;
    private final List<String> definitions;

    Table(String tableName, boolean firstColumnIsKey, String... definitions) {
      this.tableName = tableName;
      this.firstColumnIsKey = firstColumnIsKey;
      this.definitions = List.of(definitions);
    }

    List<String> columnNames() {
      return definitions.stream().map(d -> d.substring(0, d.indexOf(' '))).collect(Collectors.toList());
    }

    String createSql() {
      List<String> parts = new ArrayList<>(definitions);
      if (firstColumnIsKey) {
        parts.add("CONSTRAINT PK_" + tableName + " PRIMARY KEY (" + columnNames().get(0) + ")");
      }
      return "CREATE TABLE dbo." + tableName + " (" + String.join(", ", parts) + ")";
    }

    String insertSql() {
      List<String> names = columnNames();
      return "INSERT INTO dbo." + tableName + " (" + String.join(", ", names) + ") VALUES ("
          + String.join(", ", Collections.nCopies(names.size(), "?")) + ")";
    }
  }

  /** Lookup indexes. Each foreign key below has an index starting with its column, which H2 reuses. */
  private static final List<String> INDEXES = List.of(
      "CREATE INDEX IX_Patients_Surname ON dbo.Patients (Surname, FirstName)",
      "CREATE INDEX IX_Patients_DOB ON dbo.Patients (DOB)",
      "CREATE INDEX IX_Patients_MedicareNo ON dbo.Patients (MedicareNo)",
      "CREATE INDEX IX_Patients_UsualDoctorId ON dbo.Patients (UsualDoctorId)",
      "CREATE INDEX IX_Sessions_PractitionerId ON dbo.Sessions (PractitionerId, SessionDate)",
      "CREATE INDEX IX_Sessions_SessionDate ON dbo.Sessions (SessionDate)",
      "CREATE INDEX IX_Appointments_AppointmentDate ON dbo.Appointments (AppointmentDate, AppointmentTime)",
      "CREATE INDEX IX_Appointments_PatientId ON dbo.Appointments (PatientId)",
      "CREATE INDEX IX_Appointments_PractitionerId ON dbo.Appointments (PractitionerId, AppointmentDate)",
      "CREATE INDEX IX_Appointments_AppointmentTypeId ON dbo.Appointments (AppointmentTypeId)",
      "CREATE INDEX IX_Invoices_PatientId ON dbo.Invoices (PatientId)",
      "CREATE INDEX IX_Invoices_AppointmentId ON dbo.Invoices (AppointmentId)",
      "CREATE INDEX IX_Invoices_PractitionerId ON dbo.Invoices (PractitionerId)",
      "CREATE INDEX IX_Invoices_InvoiceDate ON dbo.Invoices (InvoiceDate)",
      "CREATE INDEX IX_Recalls_PatientId ON dbo.Recalls (PatientId)",
      "CREATE INDEX IX_Recalls_PractitionerId ON dbo.Recalls (PractitionerId)",
      "CREATE INDEX IX_Recalls_DueDate ON dbo.Recalls (DueDate)");

  private static final List<String> FOREIGN_KEYS = List.of(
      fk("Patients", "UsualDoctorId", "Practitioners", "PractitionerId"),
      fk("Sessions", "PractitionerId", "Practitioners", "PractitionerId"),
      fk("Appointments", "PatientId", "Patients", "PatientId"),
      fk("Appointments", "PractitionerId", "Practitioners", "PractitionerId"),
      fk("Appointments", "AppointmentTypeId", "AppointmentTypes", "AppointmentTypeId"),
      fk("Invoices", "PatientId", "Patients", "PatientId"),
      fk("Invoices", "AppointmentId", "Appointments", "AppointmentId"),
      fk("Invoices", "PractitionerId", "Practitioners", "PractitionerId"),
      fk("Recalls", "PatientId", "Patients", "PatientId"),
      fk("Recalls", "PractitionerId", "Practitioners", "PractitionerId"));

  /**
   * Views, as PMSs offer their integrators (Bp Premier's BPS_ views): read like tables, listed by
   * schema discovery as kind "view", granted in scopes by name.
   */
  private static final List<String> VIEWS = List.of(
      "CREATE VIEW dbo.ActivePatients AS SELECT PatientId, Title, FirstName, Surname, DOB, Sex, UsualDoctorId "
          + "FROM dbo.Patients WHERE Status = 'Active'");

  private static String fk(String table, String column, String target, String targetColumn) {
    return "ALTER TABLE dbo." + table + " ADD CONSTRAINT FK_" + table + "_" + column
        + " FOREIGN KEY (" + column + ") REFERENCES dbo." + target + " (" + targetColumn + ")";
  }

  /**
   * Everything before the data, in order. The collation makes text comparisons case-insensitive
   * and accent-sensitive like SQL Server's default (…_CI_AS), so WHERE Surname = 'nguyen' and
   * LIKE 'ngu%' find 'Nguyen' here as they would in production; it can only be set while the
   * database has no tables, hence first. The T-SQL functions H2 lacks come last ({@link DemoFunctions}).
   */
  static List<String> ddl() {
    List<String> ddl = new ArrayList<>();
    ddl.add("SET COLLATION ENGLISH STRENGTH SECONDARY");
    ddl.add("CREATE SCHEMA IF NOT EXISTS dbo");
    Arrays.stream(Table.values()).map(Table::createSql).forEach(ddl::add);
    ddl.addAll(INDEXES);
    ddl.addAll(FOREIGN_KEYS);
    ddl.addAll(VIEWS);
    ddl.addAll(DemoFunctions.ddl());
    return ddl;
  }
}
