package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;

/** How an execution ended. Error and cause may be null, as in AWS. */
public sealed interface Outcome {
  String status();

  record Succeeded(JsonNode output) implements Outcome {
    public String status() { return "SUCCEEDED"; }
  }

  record Failed(String error, String cause) implements Outcome {
    public String status() { return "FAILED"; }
  }

  record TimedOut(String error, String cause) implements Outcome {
    public String status() { return "TIMED_OUT"; }
  }

  record Aborted(String error, String cause) implements Outcome {
    public String status() { return "ABORTED"; }
  }
}
