package io.stepwise.loadtests;

import java.util.Map;
import java.util.TreeMap;

/** Errors by kind, with the first example of each kept for the report. */
final class ErrorTally {
  private final Map<String, Long> counts = new TreeMap<>();
  private final Map<String, String> examples = new TreeMap<>();

  void add(String kind, String example) {
    counts.merge(kind, 1L, Long::sum);
    examples.putIfAbsent(kind, example.length() > 300 ? example.substring(0, 300) + "..." : example);
  }

  /** An HTTP error: its kind is the status and AWS error type, e.g. "400 ThrottlingException". */
  void addHttp(int status, String body) {
    String type = "?";
    int t = body.indexOf("\"__type\"");
    if (t >= 0) {
      int start = body.indexOf('"', body.indexOf(':', t) + 1) + 1;
      int end = body.indexOf('"', start);
      type = start > 0 && end > start ? body.substring(start, end) : type;
    }
    add("http " + status + " " + type, body);
  }

  long total() {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  Map<String, Long> counts() {
    return counts;
  }

  String describe() {
    StringBuilder sb = new StringBuilder();
    counts.forEach((k, n) -> sb.append(String.format("    %8d  %s   e.g. %s%n", n, k, examples.get(k))));
    return sb.toString();
  }
}
