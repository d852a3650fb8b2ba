package io.stepwise.engine.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class MockConfigTest {
  private static final String CONFIG = """
      {
        "StateMachines": {
          "M": {
            "TestCases": {
              "Happy": {"A": "Ok"},
              "Retry": {"A": "Flaky", "B": "Ok"}
            }
          }
        },
        "MockedResponses": {
          "Ok": {"0": {"Return": {"v": 1}}},
          "Flaky": {
            "0": {"Throw": {"Error": "E0", "Cause": "first"}},
            "1-2": {"Throw": {"Error": "E12", "Cause": "again"}},
            "3": {"Return": [1, 2]}
          }
        }
      }
      """;

  @Test
  void responses_areChosenByZeroBasedInvocation_withInclusiveRanges() throws Exception {
    MockConfig c = MockConfig.parse(CONFIG, "f.json");
    assertThat(c.hasTestCase("M", "Retry")).isTrue();
    assertThat(c.hasTestCase("M", "Other")).isFalse();
    assertThat(c.hasTestCase("N", "Retry")).isFalse();
    assertThat(c.response("M", "Retry", "A", 0).orElseThrow().error()).isEqualTo("E0");
    assertThat(c.response("M", "Retry", "A", 1).orElseThrow().error()).isEqualTo("E12");
    assertThat(c.response("M", "Retry", "A", 2).orElseThrow().cause()).isEqualTo("again");
    assertThat(c.response("M", "Retry", "A", 3).orElseThrow().result()).isEqualTo(new ObjectMapper().readTree("[1,2]"));
    assertThat(c.response("M", "Happy", "A", 0).orElseThrow().fails()).isFalse();
    // a state the test case does not mock runs unmocked
    assertThat(c.response("M", "Happy", "B", 0)).isEmpty();
  }

  @Test
  void aMockedState_withoutAResponseForAnInvocation_failsWithStatesRuntime() {
    MockConfig c = MockConfig.parse(CONFIG, "f.json");
    MockConfig.Response r = c.response("M", "Retry", "A", 4).orElseThrow();
    assertThat(r.error()).isEqualTo("States.Runtime");
    assertThat(r.cause()).contains("'Flaky'", "'Retry'", "invocation 4", "'A'");
  }

  @Test
  void everyRuleBroken_isNamedWithItsLine() {
    assertRefused("{\n  \"StateMachines\": {\n    \"M\": {\"TestCases\": {\"T\": {\"A\": \"Missing\"}}}\n  }\n}",
        "line 3", "no response named 'Missing'");
    assertRefused("{\"MockedResponses\": {\n \"R\": {\n  \"x\": {\"Return\": 1}}}}", "line 3", "zero-based number");
    assertRefused("{\"MockedResponses\": {\n \"R\": {\n  \"2-1\": {\"Return\": 1}}}}", "line 3", "ends before it starts");
    assertRefused("{\"MockedResponses\": {\"R\": {\n\"0-2\": {\"Return\": 1},\n\"2\": {\"Return\": 2}}}}", "line 3", "overlap");
    assertRefused("{\"MockedResponses\": {\"R\": {\n\"0\": {\"Return\": 1, \"Throw\": {\"Error\": \"E\", \"Cause\": \"c\"}}}}}",
        "line 2", "exactly one of Return and Throw");
    assertRefused("{\"MockedResponses\": {\"R\": {\"0\": {}}}}", "line 1", "exactly one of Return and Throw");
    assertRefused("{\"MockedResponses\": {\"R\": {\"0\": {\n\"Throw\": {\"Error\": \"E\"}}}}}", "line 2", "Error and a Cause");
    assertRefused("{\"MockedResponses\": {\"R\": {}}}", "line 1", "at least one invocation");
    assertRefused("{\n\"StateMachine\": {}}", "line 2", "unknown field 'StateMachine'");
    assertRefused("{\"StateMachines\": {\"M\": {\n\"TestCase\": {}}}}", "line 2", "unknown field 'TestCase'");
    assertRefused("{\"StateMachines\": {\n\"M\": {}}}", "line 2", "must have TestCases");
    assertRefused("{\"StateMachines\": {\"M\": {\"TestCases\": {\"T\": {\n\"A\": 7}}}}}", "line 2", "must name a mocked response");
    assertRefused("[]", "line 1", "must be a JSON object");
    assertRefused("{\n\"MockedResponses\": {\n}\n,}", "line 4", "not valid JSON");
    assertRefused("{\"MockedResponses\": {}, \"MockedResponses\": {}}", "line 1", "not valid JSON");
    assertRefused("{\"MockedResponses\": {}} {}", "line 1", "not valid JSON");
  }

  @Test
  void membersInsideReturnValues_doNotConfuseTheLineOfALaterMember() {
    String text = "{\"MockedResponses\": {\n"
        + "\"R\": {\"0\": {\"Return\": {\"a\": [1, {\"b\": {\"c\": 2}}], \"d\": 3}}},\n"
        + "\"S\": {\n\"0\": {\"Return\": 1},\n\"bad\": {\"Return\": 1}}}}";
    assertRefused(text, "line 5 (MockedResponses.S.bad)", "zero-based number");
  }

  @Test
  void aValueOnTheLineAfterItsName_isReportedOnTheNamesLine() {
    assertRefused("{\"MockedResponses\":\n  {\"R\":\n\n   {}}}", "line 2 (MockedResponses.R)", "at least one invocation");
  }

  private static void assertRefused(String text, String line, String rule) {
    assertThatThrownBy(() -> MockConfig.parse(text, "mock.json"))
        .isInstanceOf(MockConfig.Invalid.class)
        .hasMessageStartingWith("mock.json: " + line)
        .hasMessageContaining(rule);
  }
}
