package io.stepwise.asl.jsonata;

import java.lang.reflect.Field;
import java.util.List;

/**
 * AWS runs JSONata with no context item, and refuses at creation an expression whose path
 * starts from a bare field name ({@code phone} instead of {@code $states.input.phone}). Only a
 * path's first step counts; predicates, sort terms and later steps may name fields. dashjoin
 * keeps its AST package-private, so it is read reflectively; anything unexpected means "no
 * finding", never a false refusal.
 */
final class TopLevelReferences {
  private static final Field AST = field(com.dashjoin.jsonata.Jsonata.class, "ast");

  private TopLevelReferences() {}

  private static Field field(Class<?> c, String name) {
    try {
      Field f = c.getDeclaredField(name);
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  /** The first field name read at the top level, or null. */
  static String find(com.dashjoin.jsonata.Jsonata expr) {
    if (AST == null) return null;
    try {
      return walk(AST.get(expr), 0);
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static Object get(Object sym, String name) throws ReflectiveOperationException {
    for (Class<?> c = sym.getClass(); c != null; c = c.getSuperclass()) {
      try {
        Field f = c.getDeclaredField(name);
        f.setAccessible(true);
        return f.get(sym);
      } catch (NoSuchFieldException e) {
        // declared higher up: Terminal and friends extend Symbol
      }
    }
    throw new NoSuchFieldException(name);
  }

  private static String walk(Object sym, int depth) throws ReflectiveOperationException {
    if (sym == null || depth > 200) return null;
    String type = (String) get(sym, "type");
    if (type == null) return null;
    switch (type) {
      case "name":
        return String.valueOf(get(sym, "value"));
      case "path": {
        List<?> steps = (List<?>) get(sym, "steps");
        return steps == null || steps.isEmpty() ? null : walk(steps.get(0), depth + 1);
      }
      case "binary":
      case "bind":
      case "apply":
        return first(walk(get(sym, "lhs"), depth + 1), walk(get(sym, "rhs"), depth + 1));
      case "unary": {
        Object v = get(sym, "value");
        if ("-".equals(v)) return walk(get(sym, "expression"), depth + 1);
        if ("[".equals(v)) return all((List<?>) get(sym, "expressions"), depth);
        if ("{".equals(v)) {
          List<?> pairs = (List<?>) get(sym, "lhsObject");
          if (pairs == null) return null;
          for (Object p : pairs) {
            Object[] kv = (Object[]) p;
            for (Object s : kv) {
              String n = walk(s, depth + 1);
              if (n != null) return n;
            }
          }
        }
        return null;
      }
      case "function":
      case "partial":
        return all((List<?>) get(sym, "arguments"), depth);
      case "lambda":
        return walk(get(sym, "body"), depth + 1);
      case "condition":
        return first(walk(get(sym, "condition"), depth + 1), first(walk(get(sym, "then"), depth + 1), walk(get(sym, "_else"), depth + 1)));
      case "block":
        return all((List<?>) get(sym, "expressions"), depth);
      default:
        return null;
    }
  }

  private static String all(List<?> l, int depth) throws ReflectiveOperationException {
    if (l == null) return null;
    for (Object s : l) {
      String n = walk(s, depth + 1);
      if (n != null) return n;
    }
    return null;
  }

  private static String first(String a, String b) {
    return a != null ? a : b;
  }
}
