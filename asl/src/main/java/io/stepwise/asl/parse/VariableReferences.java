package io.stepwise.asl.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The variables each JSONPath state reads ({@code $name} in paths, {@code .$} values and
 * intrinsic arguments), as DescribeStateMachine's {@code variableReferences} lists them.
 * JSONata expressions are not included, as AWS does not include them.
 */
final class VariableReferences {
  private static final Set<String> PATH_FIELDS = Set.of(
      "InputPath", "OutputPath", "ItemsPath", "SecondsPath", "TimestampPath", "ErrorPath", "CausePath",
      "MaxConcurrencyPath", "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "TimeoutSecondsPath",
      "HeartbeatSecondsPath", "Variable", "MaxItemsPath", "MaxItemsPerBatchPath", "MaxInputBytesPerBatchPath");
  private static final Set<String> NESTED_MACHINES = Set.of("Branches", "ItemProcessor", "Iterator");

  private VariableReferences() {}

  static Set<String> of(JsonNode state) {
    Set<String> out = new TreeSet<>();
    scan(state, out);
    return out;
  }

  private static void scan(JsonNode n, Set<String> out) {
    if (n.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String k = e.getKey();
        if (NESTED_MACHINES.contains(k)) continue;
        JsonNode v = e.getValue();
        if (v.isTextual() && (k.endsWith(".$") || PATH_FIELDS.contains(k) || (k.endsWith("Path") && ChoiceParser.OPERATOR_SET.contains(k)))) {
          names(v.textValue(), out);
        } else if (v.isContainerNode()) {
          scan(v, out);
        }
      }
    } else if (n.isArray()) {
      for (JsonNode c : n) scan(c, out);
    }
  }

  /** {@code $name} at a path's start or inside intrinsic arguments; {@code $$} and {@code $.} are not variables. */
  private static void names(String s, Set<String> out) {
    char quote = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (quote != 0) {
        if (c == '\\') i++;
        else if (c == quote) quote = 0;
        continue;
      }
      if (c == '\'') {
        quote = c;
      } else if (c == '$') {
        if (i + 1 < s.length() && s.charAt(i + 1) == '$') {
          i++;
          continue;
        }
        int j = i + 1;
        while (j < s.length() && io.stepwise.asl.path.PathExpr.variablePart(s.codePointAt(j))) j += Character.charCount(s.codePointAt(j));
        if (j > i + 1 && !Character.isDigit(s.charAt(i + 1))) out.add(s.substring(i + 1, j));
        i = j - 1;
      }
    }
  }
}
