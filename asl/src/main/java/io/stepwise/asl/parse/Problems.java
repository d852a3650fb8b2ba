package io.stepwise.asl.parse;

import io.stepwise.asl.Problem;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a definition with its JSON pointer, as AWS's validator does. */
final class Problems {
  final List<Problem> list = new ArrayList<>();

  void error(String code, String location, String message) {
    list.add(Problem.error(code, location == null ? null : location.isEmpty() ? "/" : location, message));
  }

  void schema(String location, String message) {
    error("SCHEMA_VALIDATION_FAILED", location, message);
  }

  void warning(String code, String location, String message) {
    list.add(new Problem("WARNING", code, location.isEmpty() ? "/" : location, message));
  }

  /** Adds the (pointer, message) pairs that path/template compilers report. */
  void addAll(List<String[]> raw) {
    for (String[] r : raw) error(r.length > 2 ? r[2] : "SCHEMA_VALIDATION_FAILED", r[0], r[1]);
    raw.clear();
  }
}
