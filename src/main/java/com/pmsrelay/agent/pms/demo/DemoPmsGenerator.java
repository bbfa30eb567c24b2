package com.pmsrelay.agent.pms.demo;

import com.pmsrelay.agent.pms.demo.DemoPmsSchema.Table;
import com.pmsrelay.agent.pms.demo.DemoRows.Appointment;
import com.pmsrelay.agent.pms.demo.DemoRows.Invoice;
import com.pmsrelay.agent.pms.demo.DemoRows.Patient;
import com.pmsrelay.agent.pms.demo.DemoRows.Practitioner;
import com.pmsrelay.agent.pms.demo.DemoRows.Recall;
import com.pmsrelay.agent.pms.demo.DemoRows.Row;
import com.pmsrelay.agent.pms.demo.DemoRows.Session;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.List;

/**
 * Fills an empty H2 database (opened with MODE=MSSQLServer;DATABASE_TO_UPPER=FALSE) with a general
 * practice's PMS data. The rows are built in memory first (a pure function of the spec), then
 * written with JDBC batches in one transaction that ends with the DemoInfo row: a database with
 * no DemoInfo row is an unfinished one.
 */
public final class DemoPmsGenerator {

  private static final int BATCH_SIZE = 1000;

  private DemoPmsGenerator() {
  }

  /** Every row of one generation, in insertion order. */
  record Content(List<Practitioner> practitioners, List<Patient> patients, List<Session> sessions,
         List<Appointment> appointments, List<Invoice> invoices, List<Recall> recalls) {
  }

  static Content content(DemoPmsSpec spec) {
    List<Practitioner> practitioners = DemoPractice.practitioners(spec.seed());
    List<Patient> patients = DemoPatients.generate(spec, practitioners);
    List<Session> sessions = DemoSessions.generate(spec, practitioners);
    List<Appointment> appointments = DemoAppointments.generate(spec, patients, sessions);
    return new Content(practitioners, patients, sessions, appointments,
        DemoBilling.invoices(spec, patients, appointments),
        DemoRecalls.recalls(spec, practitioners, patients));
  }

  /**
   * Creates schema dbo, the tables, indexes and foreign keys, and the data. The connection must
   * point at an empty H2 database (the collation can only be set before the first table exists).
   */
  public static void generate(Connection c, DemoPmsSpec spec) throws SQLException {
    Content content = content(spec);
    try (Statement s = c.createStatement()) {
      for (String ddl : DemoPmsSchema.ddl()) {
        s.execute(ddl); // DDL commits by itself in H2, so it runs before the data transaction
      }
    }
    boolean autoCommit = c.getAutoCommit();
    c.setAutoCommit(false);
    try {
      insert(c, Table.PRACTITIONERS, content.practitioners());
      insert(c, Table.APPOINTMENT_TYPES,
          DemoCatalogue.APPOINTMENT_TYPES.stream().map(DemoRows.AppointmentTypeRow::new).toList());
      insert(c, Table.PATIENTS, content.patients());
      insert(c, Table.SESSIONS, content.sessions());
      insert(c, Table.APPOINTMENTS, content.appointments());
      insert(c, Table.INVOICES, content.invoices());
      insert(c, Table.RECALLS, content.recalls());
      Row info = () -> new Object[] {DemoPmsSchema.SCHEMA_VERSION, spec.seed(), spec.patients(),
        spec.anchorDate(), LocalDateTime.now()};
      insert(c, Table.DEMO_INFO, List.of(info));
      c.commit();
    } catch (SQLException | RuntimeException e) {
      c.rollback();
      throw e;
    } finally {
      c.setAutoCommit(autoCommit);
    }
  }

  private static void insert(Connection c, Table table, List<? extends Row> rows) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(table.insertSql())) {
      int pending = 0;
      for (Row row : rows) {
        Object[] values = row.values();
        for (int i = 0; i < values.length; i++) {
          ps.setObject(i + 1, values[i]);
        }
        ps.addBatch();
        if (++pending == BATCH_SIZE) {
          ps.executeBatch();
          pending = 0;
        }
      }
      if (pending > 0) {
        ps.executeBatch();
      }
    }
  }
}
