package io.stepwise.asl.path;

import java.util.Set;

/**
 * Jayway's path function names ({@code $.items.length()}). AWS accepts a path ending in one when a
 * definition is created, and such a path reads nothing when it runs ({@link JsonPath#read}).
 */
final class PathFunctions {
  private static final Set<String> NAMES = Set.of("length", "size", "min", "max", "avg", "sum", "stddev", "keys", "first", "last");

  private PathFunctions() {}

  static boolean isFunction(String name) {
    return NAMES.contains(name);
  }
}
