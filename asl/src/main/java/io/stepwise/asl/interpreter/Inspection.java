package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.path.Json;

/**
 * What a TestState run records of the one state it runs (the root frame only): each stage of its
 * data flow, the retrier or catcher that took its error, and where it would go next. The
 * interpreter fills it only when a run has one ({@link Run#inspect}); executions never do. At
 * the state's exit the run stops instead of entering the next state.
 */
final class Inspection {
  /** InspectionData as TestState shows it at DEBUG: JSON texts, in the order the stages run. */
  final ObjectNode data = Json.NODES.objectNode();
  /** Retry attempts already made, as TestState's {@code retrierRetryCount} says. */
  final int retrierRetryCount;
  /** A caller's context object, which replaces the one the execution would have ({@code $$}). */
  final JsonNode context;

  boolean exited;
  String nextState;
  JsonNode output;
  String error;
  String cause;
  boolean caught;
  boolean retrying;

  Inspection(int retrierRetryCount, JsonNode context) {
    this.retrierRetryCount = retrierRetryCount;
    this.context = context;
  }

  /** Records {@code value} under {@code name} for the state under test (not for frames inside it). */
  void put(Frame f, String name, JsonNode value) {
    if (f.parent == null && value != null) data.put(name, Json.write(value));
  }

  ObjectNode errorDetails() {
    JsonNode d = data.get("errorDetails");
    return d instanceof ObjectNode o ? o : data.putObject("errorDetails");
  }
}
