package com.pmsrelay.guard;

import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A grant's scopes as the guard reads them: which tables and views its integrator may read. The
 * one place that decides it, for a statement's tables ({@link SqlGuard#checkScope}) and for the
 * tables schema discovery lists. Scopes are one- or two-part names in the guard's normal form
 * ({@code Patients}, {@code dbo.Patients} and {@code [dbo].[Patients]} are all
 * {@code dbo.patients}); none means no restriction; a scope that is not such a name allows nothing.
 */
public final class TableScopes {
  private static final TableScopes ALL = new TableScopes(null);

  /** The normal forms allowed; null: every table the guard lets a statement read. */
  private final Set<String> allowed;

  private TableScopes(Set<String> allowed) {
    this.allowed = allowed;
  }

  public static TableScopes of(Collection<String> scopes) {
    if (scopes == null || scopes.isEmpty()) {
      return ALL;
    }
    Set<String> allowed = new HashSet<>();
    for (String name : scopes) {
      String normal = name == null ? null : TableName.parse(name);
      if (normal != null) {
        allowed.add(normal);
      }
    }
    return new TableScopes(Set.copyOf(allowed));
  }

  /** Whether {@code scope} is a one- or two-part name a grant's scope can hold (else it would allow nothing). */
  public static boolean isName(String scope) {
    return scope != null && TableName.parse(scope) != null;
  }

  /** Whether a table in the guard's normal form ({@code dbo.patients}) is within the scopes. */
  boolean allowsNormal(String normalName) {
    return allowed == null || allowed.contains(normalName);
  }

  /**
   * Whether a statement could read {@code schema.table} under these scopes: the guard would let
   * it name the table at all (not the system catalogue, a compatibility view or a temporary
   * table) and the scopes include it.
   */
  public boolean allows(String schema, String table) {
    return readable(schema, table) && allowsNormal(TableName.of(List.of(schema, table)));
  }

  /**
   * Whether the guard lets any statement read {@code schema.table}, whatever the scopes: false
   * for the system catalogue ({@code sys}, {@code INFORMATION_SCHEMA}), the compatibility views
   * and temporary tables.
   */
  public static boolean readable(String schema, String table) {
    if (schema == null || table == null || schema.isEmpty() || table.isEmpty()) {
      return false;
    }
    return TableName.tableRefusal(List.of(schema, table)) == null;
  }
}
