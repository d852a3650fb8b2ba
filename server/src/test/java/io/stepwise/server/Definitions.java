package io.stepwise.server;

/** Small state machines the tests share. */
final class Definitions {
  private Definitions() {}

  static final String ROLE = "arn:aws:iam::123456789012:role/stepwise-test";

  static final String PASS = """
      {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"greeting": "hi"}, "ResultPath": "$.out", "End": true}}}
      """;

  static final String PASS_V2 = """
      {"StartAt": "Hello", "States": {"Hello": {"Type": "Pass", "Result": {"greeting": "v2"}, "ResultPath": "$.out", "End": true}}}
      """;

  static String waitSeconds(int seconds) {
    return """
        {"StartAt": "Pause", "States": {
          "Pause": {"Type": "Wait", "Seconds": %d, "Next": "Done"},
          "Done": {"Type": "Pass", "Parameters": {"waited.$": "$.tag"}, "End": true}}}
        """.formatted(seconds);
  }

  /** Counts {@code $.i} from 0 to {@code times}, waiting {@code seconds} before each increment. */
  static String waitLoop(int times, int seconds) {
    return """
        {"StartAt": "Init", "States": {
          "Init": {"Type": "Pass", "Result": 0, "ResultPath": "$.i", "Next": "Loop"},
          "Loop": {"Type": "Choice", "Choices": [{"Variable": "$.i", "NumericGreaterThanEquals": %d, "Next": "Done"}],
                   "Default": "Pause"},
          "Pause": {"Type": "Wait", "Seconds": %d, "Next": "Inc"},
          "Inc": {"Type": "Pass", "Parameters": {"i.$": "States.MathAdd($.i, 1)"}, "Next": "Loop"},
          "Done": {"Type": "Succeed"}}}
        """.formatted(times, seconds);
  }

  static final String CHOICE = """
      {"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
          {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Pass", "Result": "big", "End": true},
        "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "n is not above 10"}}}
      """;
}
