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

  static final String CHOICE = """
      {"StartAt": "Route", "States": {
        "Route": {"Type": "Choice", "Choices": [
          {"Variable": "$.n", "NumericGreaterThan": 10, "Next": "Big"}], "Default": "Small"},
        "Big": {"Type": "Pass", "Result": "big", "End": true},
        "Small": {"Type": "Fail", "Error": "TooSmall", "Cause": "n is not above 10"}}}
      """;
}
