package com.pmsrelay.doctor;

import static org.assertj.core.api.Assertions.assertThat;

import com.pmsrelay.doctor.WritePermissions.Dialect;
import com.pmsrelay.doctor.WritePermissions.Finding;
import com.pmsrelay.doctor.WritePermissions.Row;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The read-only judgement on SQL Server's rows (what {@link WritePermissions#readSqlServer} reads
 * from sys.database_principals, sys.server_principals, sys.database_permissions and
 * fn_my_permissions), since SQL Server cannot run here: each write path and the T-SQL that removes it.
 */
@Timeout(10)
class WritePermissionsTest {
  private static List<Finding> judge(Row... rows) {
    return WritePermissions.findings("pmsrelay_reader", "PRACTICE\\pmsrelay", List.of(rows), Dialect.SQL_SERVER);
  }

  @Test
  void aLoginWithSelectOnlyHasNoFinding() {
    assertThat(judge(new Row("ROLE", "db_datareader", null, null, "GRANT"), new Row("ROLE", "public", null, null, "GRANT"),
        new Row("GRANT", "SELECT", "SCHEMA", "dbo", "GRANT"), new Row("GRANT", "CONNECT", "DATABASE", null, "GRANT"),
        new Row("EFFECTIVE", "SELECT", "DATABASE", null, "GRANT"), new Row("EFFECTIVE", "CONNECT", "DATABASE", null, "GRANT")))
        .isEmpty();
  }

  @Test
  void writerRolesAreDroppedFromTheUser() {
    assertThat(judge(new Row("ROLE", "db_datawriter", null, null, "GRANT"), new Row("ROLE", "db_owner", null, null, "GRANT"),
        new Row("ROLE", "db_ddladmin", null, null, "GRANT"), new Row("EFFECTIVE", "INSERT", "DATABASE", null, "GRANT")))
        .extracting(Finding::fix).containsExactly(
            "ALTER ROLE [db_datawriter] DROP MEMBER [pmsrelay_reader];",
            "ALTER ROLE [db_owner] DROP MEMBER [pmsrelay_reader];",
            "ALTER ROLE [db_ddladmin] DROP MEMBER [pmsrelay_reader];");
  }

  @Test
  void serverRolesAreDroppedFromTheLogin() {
    assertThat(judge(new Row("SERVER_ROLE", "sysadmin", null, null, "GRANT"), new Row("SERVER_ROLE", "public", null, null, "GRANT")))
        .singleElement().satisfies(f -> {
          assertThat(f.what()).isEqualTo("member of the server role sysadmin");
          assertThat(f.fix()).isEqualTo("ALTER SERVER ROLE [sysadmin] DROP MEMBER [PRACTICE\\pmsrelay];");
        });
  }

  @Test
  void grantsAreRevokedAtTheirScopeAndDeniesIgnored() {
    assertThat(judge(new Row("GRANT", "INSERT", "OBJECT", "dbo.Patients", "GRANT"),
        new Row("GRANT", "UPDATE", "SCHEMA", "dbo", "GRANT_WITH_GRANT_OPTION"),
        new Row("GRANT", "EXECUTE", "DATABASE", null, "GRANT"),
        new Row("GRANT", "DELETE", "DATABASE", null, "DENY"),
        new Row("GRANT", "SELECT", "OBJECT", "dbo.Patients", "GRANT"),
        new Row("EFFECTIVE", "INSERT", "DATABASE", null, "GRANT")))
        .extracting(Finding::fix).containsExactly(
            "REVOKE INSERT ON OBJECT::[dbo].[Patients] FROM [pmsrelay_reader] CASCADE;",
            "REVOKE UPDATE ON SCHEMA::[dbo] FROM [pmsrelay_reader] CASCADE;",
            "REVOKE EXECUTE FROM [pmsrelay_reader] CASCADE;");
  }

  @Test
  void aWritePermissionFromElsewhereIsNamedWithoutAGuessedFix() {
    assertThat(judge(new Row("EFFECTIVE", "ALTER", "DATABASE", null, "GRANT"))).singleElement().satisfies(f -> {
      assertThat(f.what()).startsWith("ALTER on the database, through a Windows group");
      assertThat(f.fix()).isNull();
    });
  }

  @Test
  void theDatabaseOwnerIsToldToUseALoginOfItsOwn() {
    assertThat(WritePermissions.findings("dbo", "sa", List.of(new Row("ROLE", "db_owner", null, null, "GRANT")),
        Dialect.SQL_SERVER)).singleElement().satisfies(f -> assertThat(f.fix()).startsWith("ALTER AUTHORIZATION ON DATABASE::"));
  }

  @Test
  void namesWithBracketsAreQuoted() {
    assertThat(WritePermissions.bracket("odd]name")).isEqualTo("[odd]]name]");
  }
}
