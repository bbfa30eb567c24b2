package com.pmsrelay.guard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The grant's scopes as one rule for statements and for schema discovery: a table a scoped grant's
 * statement may read is exactly a table its schema lists, by the same normal form.
 */
class TableScopesTest {
  private final SqlGuard guard = new SqlGuard(65_536);

  @Test
  void theSchemaListsExactlyTheTablesAStatementMayRead() {
    List<String> scopes = List.of("Patients", "[dbo].[Recalls]", "audit.Log", "dbo.Nothing.Here", "");
    TableScopes rule = TableScopes.of(scopes);
    String[][] tables = {{"dbo", "Patients"}, {"dbo", "PATIENTS"}, {"dbo", "Recalls"}, {"audit", "Log"},
      {"dbo", "Invoices"}, {"other", "Patients"}, {"dbo", "Log"}};
    for (String[] t : tables) {
      boolean listed = rule.allows(t[0], t[1]);
      SqlGuard.Checked checked = guard.check("SELECT * FROM [" + t[0] + "].[" + t[1] + "]");
      boolean readable;
      try {
        guard.checkScope(checked, scopes);
        readable = true;
      } catch (ScopeException e) {
        readable = false;
      }
      assertThat(listed).as("%s.%s", t[0], t[1]).isEqualTo(readable);
    }
    assertThat(rule.allows("dbo", "Patients")).isTrue();
    assertThat(rule.allows("dbo", "Invoices")).isFalse();
  }

  @Test
  void noScopesIsEveryTableTheGuardLetsAStatementReadAndNeverTheSystemCatalogue() {
    TableScopes all = TableScopes.of(List.of());
    assertThat(all.allows("dbo", "Invoices")).isTrue();
    assertThat(all.allows("audit", "Log")).isTrue();
    for (String[] system : new String[][] {{"sys", "objects"}, {"INFORMATION_SCHEMA", "TABLES"}, {"dbo", "sysobjects"},
        {"dbo", "#tmp"}}) {
      assertThat(all.allows(system[0], system[1])).as("%s.%s", system[0], system[1]).isFalse();
      assertThat(TableScopes.readable(system[0], system[1])).isFalse();
      assertThatThrownBy(() -> guard.check("SELECT * FROM " + system[0] + ".[" + system[1] + "]"))
          .isInstanceOf(GuardException.class);
    }
    // Even a grant that names them does not make them readable.
    assertThat(TableScopes.of(List.of("sys.objects")).allows("sys", "objects")).isFalse();
  }
}
