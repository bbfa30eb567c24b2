package com.pmsrelay.guard;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import net.sf.jsqlparser.expression.Alias;
import net.sf.jsqlparser.expression.AnalyticExpression;
import net.sf.jsqlparser.expression.AnalyticType;
import net.sf.jsqlparser.expression.AnyComparisonExpression;
import net.sf.jsqlparser.expression.AnyType;
import net.sf.jsqlparser.expression.CaseExpression;
import net.sf.jsqlparser.expression.CastExpression;
import net.sf.jsqlparser.expression.CollateExpression;
import net.sf.jsqlparser.expression.DoubleValue;
import net.sf.jsqlparser.expression.Function;
import net.sf.jsqlparser.expression.HexValue;
import net.sf.jsqlparser.expression.JdbcParameter;
import net.sf.jsqlparser.expression.LongValue;
import net.sf.jsqlparser.expression.NotExpression;
import net.sf.jsqlparser.expression.NullValue;
import net.sf.jsqlparser.expression.OrderByClause;
import net.sf.jsqlparser.expression.PartitionByClause;
import net.sf.jsqlparser.expression.SignedExpression;
import net.sf.jsqlparser.expression.StringValue;
import net.sf.jsqlparser.expression.TimeKeyExpression;
import net.sf.jsqlparser.expression.TrimFunction;
import net.sf.jsqlparser.expression.WhenClause;
import net.sf.jsqlparser.expression.TranscodingFunction;
import net.sf.jsqlparser.expression.WindowDefinition;
import net.sf.jsqlparser.expression.WindowElement;
import net.sf.jsqlparser.expression.WindowOffset;
import net.sf.jsqlparser.expression.WindowRange;
import net.sf.jsqlparser.expression.operators.arithmetic.Addition;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseAnd;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseOr;
import net.sf.jsqlparser.expression.operators.arithmetic.BitwiseXor;
import net.sf.jsqlparser.expression.operators.arithmetic.Division;
import net.sf.jsqlparser.expression.operators.arithmetic.Modulo;
import net.sf.jsqlparser.expression.operators.arithmetic.Multiplication;
import net.sf.jsqlparser.expression.operators.arithmetic.Subtraction;
import net.sf.jsqlparser.expression.operators.conditional.AndExpression;
import net.sf.jsqlparser.expression.operators.conditional.OrExpression;
import net.sf.jsqlparser.expression.operators.relational.Between;
import net.sf.jsqlparser.expression.operators.relational.EqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ExistsExpression;
import net.sf.jsqlparser.expression.operators.relational.ExpressionList;
import net.sf.jsqlparser.expression.operators.relational.GreaterThan;
import net.sf.jsqlparser.expression.operators.relational.GreaterThanEquals;
import net.sf.jsqlparser.expression.operators.relational.InExpression;
import net.sf.jsqlparser.expression.operators.relational.IsNullExpression;
import net.sf.jsqlparser.expression.operators.relational.LikeExpression;
import net.sf.jsqlparser.expression.operators.relational.MinorThan;
import net.sf.jsqlparser.expression.operators.relational.MinorThanEquals;
import net.sf.jsqlparser.expression.operators.relational.NotEqualsTo;
import net.sf.jsqlparser.expression.operators.relational.ParenthesedExpressionList;
import net.sf.jsqlparser.schema.Column;
import net.sf.jsqlparser.schema.Table;
import net.sf.jsqlparser.statement.Statement;
import net.sf.jsqlparser.statement.Statements;
import net.sf.jsqlparser.statement.create.table.ColDataType;
import net.sf.jsqlparser.statement.select.AllColumns;
import net.sf.jsqlparser.statement.select.AllTableColumns;
import net.sf.jsqlparser.statement.select.Distinct;
import net.sf.jsqlparser.statement.select.ExceptOp;
import net.sf.jsqlparser.statement.select.Fetch;
import net.sf.jsqlparser.statement.select.GroupByElement;
import net.sf.jsqlparser.statement.select.IntersectOp;
import net.sf.jsqlparser.statement.select.Join;
import net.sf.jsqlparser.statement.select.Offset;
import net.sf.jsqlparser.statement.select.OrderByElement;
import net.sf.jsqlparser.statement.select.ParenthesedFromItem;
import net.sf.jsqlparser.statement.select.ParenthesedSelect;
import net.sf.jsqlparser.statement.select.PlainSelect;
import net.sf.jsqlparser.statement.select.Select;
import net.sf.jsqlparser.statement.select.SelectItem;
import net.sf.jsqlparser.statement.select.SetOperationList;
import net.sf.jsqlparser.statement.select.Top;
import net.sf.jsqlparser.statement.select.UnionOp;
import net.sf.jsqlparser.statement.select.Values;
import net.sf.jsqlparser.statement.select.WithItem;

/**
 * The second, independent reading: JSqlParser's tree of the statement, walked completely. The walk
 * is reflective, over every field of every node, so no part of the tree can escape it the way a
 * visitor's forgotten branch would (JSqlParser's own TablesNamesFinder skips ORDER BY and GROUP BY,
 * for one). And it is an allow-list of node types: a node of any type not listed here, say a FOR
 * clause, a sequence, a variable or a MySQL LIMIT, refuses the statement. On the listed ones it
 * checks function names against the {@link FunctionAllowList}, refuses SELECT … INTO and FOR XML,
 * refuses multi-part names exactly as the lexical reading does, and collects the tables read:
 * {@link Table} nodes standing as a FROM item or join item, less the CTEs visible there.
 */
final class TreeReading {
  private static final Set<Class<?>> NODES = Set.of(
      PlainSelect.class, SetOperationList.class, ParenthesedSelect.class, Values.class, SelectItem.class,
      AllColumns.class, AllTableColumns.class, Join.class, ParenthesedFromItem.class, OrderByElement.class,
      OrderByElement.NullOrdering.class, GroupByElement.class, Top.class, Offset.class, Fetch.class,
      Distinct.class, SetOperationList.SetOperationType.class, UnionOp.class, ExceptOp.class, IntersectOp.class, Table.class, Column.class,
      Alias.class, Alias.AliasColumn.class, ColDataType.class,
      Function.class, AnalyticExpression.class, AnalyticType.class, PartitionByClause.class,
      WindowElement.class, WindowElement.Type.class, WindowOffset.class, WindowOffset.Type.class,
      WindowRange.class, WindowDefinition.class, OrderByClause.class, CaseExpression.class, WhenClause.class, CastExpression.class, TranscodingFunction.class, TrimFunction.class,
      TrimFunction.TrimSpecification.class, TimeKeyExpression.class, CollateExpression.class,
      StringValue.class, LongValue.class, DoubleValue.class, HexValue.class, NullValue.class,
      JdbcParameter.class, SignedExpression.class, NotExpression.class,
      Addition.class, Subtraction.class, Multiplication.class, Division.class, Modulo.class,
      BitwiseAnd.class, BitwiseOr.class, BitwiseXor.class, AndExpression.class, OrExpression.class,
      EqualsTo.class, NotEqualsTo.class, GreaterThan.class, GreaterThanEquals.class, MinorThan.class,
      MinorThanEquals.class, InExpression.class, ExistsExpression.class, Between.class, LikeExpression.class,
      LikeExpression.KeyWord.class, IsNullExpression.class, AnyComparisonExpression.class, AnyType.class,
      ExpressionList.class, ParenthesedExpressionList.class);

  private static final Set<String> TIME_KEYS = Set.of("CURRENT_TIMESTAMP", "CURRENT_DATE");
  /** Unbracketed, these are T-SQL keywords, though JSqlParser reads them as column names. */
  private static final Set<String> WHO_KEYWORDS = Set.of("USER", "CURRENT_USER", "SESSION_USER", "SYSTEM_USER");
  /** GROUP BY ROLLUP (a, b) and CUBE (a, b) are syntax, which JSqlParser reads as functions. */
  private static final Set<String> GROUPING_SYNTAX = Set.of("ROLLUP", "CUBE");

  /** Each node type's fields that can hold other nodes. */
  private static final ClassValue<List<Field>> FIELDS = new ClassValue<>() {
    @Override
    protected List<Field> computeValue(Class<?> type) {
      List<Field> fields = new ArrayList<>();
      for (Class<?> c = type; c != null && isParserType(c); c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          int modifiers = f.getModifiers();
          Class<?> t = f.getType();
          if (!Modifier.isStatic(modifiers) && !Modifier.isTransient(modifiers) && !t.isPrimitive()
              && t != String.class && !Number.class.isAssignableFrom(t) && t != Boolean.class) {
            f.setAccessible(true);
            fields.add(f);
          }
        }
      }
      return List.copyOf(fields);
    }
  };

  /** A node to visit, and the field of the node that holds it. */
  private record Visit(Object node, Object parent, String field) {}

  private final Set<String> extraFunctions;
  private final Set<String> tables = new TreeSet<>();
  private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());
  private List<String> visibleCtes = List.of();
  private Object root;

  private TreeReading(Set<String> extraFunctions) {
    this.extraFunctions = extraFunctions;
  }

  /** The tables the one SELECT in {@code statements} reads; throws GuardException if it may not run. */
  static Set<String> read(Statements statements, Set<String> extraFunctions) {
    if (statements == null || statements.size() != 1) {
      throw new GuardException("exactly one statement is allowed");
    }
    Statement statement = statements.get(0);
    if (!(statement instanceof Select select)) {
      throw new GuardException("only SELECT statements are allowed");
    }
    return new TreeReading(extraFunctions).readSelect(select);
  }

  private Set<String> readSelect(Select select) {
    List<WithItem<?>> withItems = select.getWithItemsList() == null ? List.of() : select.getWithItemsList();
    List<String> names = new ArrayList<>();
    for (WithItem<?> item : withItems) {
      names.add(unquote(item.getAlias().getName()).toLowerCase(Locale.ROOT));
      visibleCtes = List.copyOf(names);
      walk(item.getAlias());
      if (item.getWithItemList() != null) {
        walk(item.getWithItemList());
      }
      walk(item.getParenthesedStatement());
    }
    visibleCtes = names;
    root = select;
    walk(select);
    return tables;
  }

  private void walk(Object start) {
    Deque<Visit> pending = new ArrayDeque<>();
    pending.push(new Visit(start, null, null));
    while (!pending.isEmpty()) {
      Visit visit = pending.pop();
      Object node = visit.node();
      Class<?> type = node.getClass();
      if (isParserType(type)) {
        if (!seen.add(node)) {
          continue;
        }
        if (!NODES.contains(type)) {
          throw new GuardException("the statement uses something the guard does not accept (" + type.getSimpleName() + ")");
        }
        if (!check(node, visit)) {
          continue;
        }
        pushFields(node, pending);
      }
      // Lists of nodes (some of them nodes themselves, like ExpressionList), maps and arrays.
      if (node instanceof Collection<?> items) {
        items.forEach(item -> pushChild(item, visit, pending));
      } else if (node instanceof Map<?, ?> map) {
        map.values().forEach(item -> pushChild(item, visit, pending));
      } else if (type.isArray() && !type.getComponentType().isPrimitive()) {
        Arrays.stream((Object[]) node).forEach(item -> pushChild(item, visit, pending));
      }
    }
  }

  private void pushFields(Object node, Deque<Visit> pending) {
    for (Field f : FIELDS.get(node.getClass())) {
      if (node == root && f.getName().equals("withItemsList")) {
        continue;
      }
      Object value;
      try {
        value = f.get(node);
      } catch (IllegalAccessException e) {
        throw new GuardException("the statement could not be fully understood");
      }
      if (value != null) {
        pending.push(new Visit(value, node, f.getName()));
      }
    }
  }

  private static void pushChild(Object item, Visit holder, Deque<Visit> pending) {
    if (item != null) {
      pending.push(new Visit(item, holder.parent(), holder.field()));
    }
  }

  private static boolean isParserType(Class<?> type) {
    return type.getName().startsWith("net.sf.jsqlparser.");
  }

  /** Node-specific rules; returns whether to walk the node's fields. */
  private boolean check(Object node, Visit visit) {
    if (node instanceof Select select && node != root && select.getWithItemsList() != null) {
      throw new GuardException("common table expressions (WITH) are only allowed at the start of the statement");
    }
    if (node instanceof PlainSelect plain) {
      if (plain.getIntoTables() != null || plain.getIntoTempTable() != null) {
        throw new GuardException("'INTO' creates a table: SELECT … INTO is not allowed");
      }
      if (plain.getForXmlPath() != null) {
        throw new GuardException("FOR XML is not allowed");
      }
    } else if (node instanceof Function function) {
      checkFunction(function.getMultipartName());
    } else if (node instanceof AnalyticExpression analytic) {
      checkFunction(List.of(analytic.getName()));
    } else if (node instanceof Table table) {
      readTable(table, visit);
    } else if (node instanceof TimeKeyExpression key && !TIME_KEYS.contains(key.getStringValue().toUpperCase(Locale.ROOT))) {
      throw new GuardException("'" + key.getStringValue() + "' is not allowed");
    } else if (node instanceof Column column) {
      if (column.getTable() == null && WHO_KEYWORDS.contains(column.getColumnName().toUpperCase(Locale.ROOT))) {
        throw new GuardException("'" + column.getColumnName() + "' reveals who is connected");
      }
      List<String> parts = new ArrayList<>(column.getTable() == null ? List.of() : names(column.getTable()));
      parts.add(unquote(column.getColumnName()));
      refuseIf(TableName.refusal(parts));
      if (column.getArrayConstructor() != null) {
        throw new GuardException("the statement uses something the guard does not accept (ArrayConstructor)");
      }
      return false;
    } else if (node instanceof AllTableColumns all) {
      refuseIf(TableName.refusal(names(all.getTable())));
      return false;
    }
    return true;
  }

  private void readTable(Table table, Visit visit) {
    boolean fromItem = visit.field() != null && switch (visit.field()) {
      case "fromItem" -> visit.parent() instanceof PlainSelect || visit.parent() instanceof Join
          || visit.parent() instanceof ParenthesedFromItem;
      case "rightItem" -> visit.parent() instanceof Join;
      default -> false;
    };
    if (!fromItem) {
      throw new GuardException("the statement names a table where the guard does not expect one ('"
          + table.getFullyQualifiedName() + "')");
    }
    List<String> parts = names(table);
    refuseIf(TableName.tableRefusal(parts));
    if (!(parts.size() == 1 && visibleCtes.contains(parts.get(0).toLowerCase(Locale.ROOT)))) {
      tables.add(TableName.of(parts));
    }
  }

  private void checkFunction(List<String> nameParts) {
    List<String> parts = new ArrayList<>(nameParts.size());
    for (String part : nameParts) {
      parts.add(unquote(part));
    }
    refuseIf(TableName.refusal(parts));
    String name = String.join(".", parts);
    String upper = name.toUpperCase(Locale.ROOT);
    if (extraFunctions.contains(upper) || (parts.size() == 1 && (FunctionAllowList.allows(name) || GROUPING_SYNTAX.contains(upper)))) {
      return;
    }
    throw new GuardException(parts.size() == 1
        ? "the function '" + name + "' is not on the allowed list"
        : "user-defined functions and methods are not allowed ('" + name + "')");
  }

  private static List<String> names(Table table) {
    // JSqlParser keeps the parts last first (name, schema, database, server).
    List<String> parts = new ArrayList<>();
    for (String part : table.getNameParts()) {
      parts.add(0, unquote(part));
    }
    return parts;
  }

  private static String unquote(String part) {
    if (part == null) {
      return "";
    }
    if (part.length() >= 2 && ((part.startsWith("[") && part.endsWith("]")) || (part.startsWith("\"") && part.endsWith("\"")))) {
      String inner = part.substring(1, part.length() - 1);
      return part.charAt(0) == '[' ? inner.replace("]]", "]") : inner.replace("\"\"", "\"");
    }
    return part;
  }

  private static void refuseIf(String why) {
    if (why != null) {
      throw new GuardException(why);
    }
  }
}
