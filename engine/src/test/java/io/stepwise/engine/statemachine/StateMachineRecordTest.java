package io.stepwise.engine.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/**
 * Logging and tracing configurations are described in the API's shape whatever was stored: before
 * requests were checked, a machine could hold members of another type (which an SDK then failed to
 * read) or leave members out; a repeated create compares them in that shape too.
 */
class StateMachineRecordTest {
  private static final ObjectMapper M = new ObjectMapper();

  private static JsonNode json(String s) throws Exception {
    return M.readTree(s);
  }

  @Test
  void storedLoggingAndTracing_areReadIntoTheApiShape() throws Exception {
    assertThat(StateMachineRecord.logging(null)).isEqualTo(json("{\"level\":\"OFF\",\"includeExecutionData\":false}"));
    assertThat(StateMachineRecord.logging(json("{\"level\":\"OFF\"}"))).isEqualTo(json("{\"level\":\"OFF\",\"includeExecutionData\":false}"));
    assertThat(StateMachineRecord.logging(json("{\"level\":\"ALL\",\"destinations\":\"x\",\"includeExecutionData\":\"yes\",\"extra\":1}")))
        .isEqualTo(json("{\"level\":\"ALL\",\"includeExecutionData\":false}"));
    String group = "{\"cloudWatchLogsLogGroup\":{\"logGroupArn\":\"arn:aws:logs:us-east-1:1:log-group:g:*\"}}";
    assertThat(StateMachineRecord.logging(json("{\"level\":\"ERROR\",\"includeExecutionData\":true,\"destinations\":[" + group + ",null,{}]}")))
        .isEqualTo(json("{\"level\":\"ERROR\",\"includeExecutionData\":true,\"destinations\":[" + group + "]}"));
    assertThat(StateMachineRecord.tracing(json("{\"enabled\":\"maybe\"}"))).isEqualTo(json("{\"enabled\":false}"));
    assertThat(StateMachineRecord.tracing(json("{}"))).isEqualTo(json("{\"enabled\":false}"));
    assertThat(StateMachineRecord.tracing(json("{\"enabled\":true}"))).isEqualTo(json("{\"enabled\":true}"));
  }
}
