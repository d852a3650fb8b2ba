package io.stepwise.api.sfn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Execution inputs are checked without a tree, yet exactly as readTree would check them. */
class FieldsTest {
  static final ObjectMapper MAPPER = new ObjectMapper();

  static String readTreeProblem(String text) {
    try {
      MAPPER.readTree(text);
      return null;
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "{}", "{\"a\":[1,2,{\"b\":null}],\"c\":\"d\"}", "[1,2]", "\"text\"", "42", "-1.5e3", "true",
      "null", "{} trailing", "1 2", // accepted
      "{", "{\"a\":", "{\"a\":1,}", "[1,2", "\"unterminated", "{\"a\":\"unterminated}", "tru",
      "{'a':1}", "{a:1}", "01", "1x", "NaN", "{\"a\" 1}", "\"bad \\q escape\"", "]"})
  void jsonProblem_sameVerdictAndMessageAsReadTree(String text) {
    assertThat(Fields.jsonProblem(MAPPER, text)).isEqualTo(readTreeProblem(text));
  }

  /** No JSON at all: what Jackson's mapper says when it reads a value from it. */
  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "\n\t"})
  void jsonProblem_blank_isNoContent(String text) {
    assertThat(Fields.jsonProblem(MAPPER, text)).isEqualTo("No content to map due to end-of-input");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MAPPER.readValue(text, com.fasterxml.jackson.databind.JsonNode.class))
        .isInstanceOfSatisfying(JsonProcessingException.class,
            e -> assertThat(e.getOriginalMessage()).isEqualTo("No content to map due to end-of-input"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":", "\"unterminated", "tru"})
  void jsonProblem_malformed_reported(String text) {
    assertThat(Fields.jsonProblem(MAPPER, text)).isNotBlank();
  }

  /**
   * A payload's limit counts UTF-8 bytes (AWS's API reference: "Length constraints apply to the
   * payload size, and are expressed as bytes in UTF-8 encoding"), and the refusal says so, naming the
   * member but not showing the value.
   */
  /** A number no decimal holds, or whose text could not be read back, is refused before anything reads it. */
  @ParameterizedTest
  @ValueSource(strings = {"1e9999999999", "{\"a\": [1, 0.5e-2147483647]}", "[123.456e2147483647]"})
  void jsonProblem_numberOutOfRange_isRefused(String text) {
    assertThat(Fields.jsonProblem(MAPPER, text)).startsWith("Numeric value (").endsWith(") out of range");
  }

  @Test
  void maxBytes_countsUtf8Bytes_andSaysSo() {
    String ascii = "a".repeat(262_144);
    assertThat(Fields.maxBytes(ascii, "input", 262_144)).isSameAs(ascii);
    String wide = "\u00e9".repeat(131_072);
    assertThat(Fields.maxBytes(wide, "output", 262_144)).isSameAs(wide);
    for (String[] over : new String[][] {{ascii + "a", "input"}, {wide + "a", "output"}, {"\u20ac".repeat(87_382), "input"}}) {
      assertThatThrownBy(() -> Fields.maxBytes(over[0], over[1], 262_144))
          .isInstanceOf(io.stepwise.engine.ServiceError.class)
          .extracting(e -> ((io.stepwise.engine.ServiceError) e).code(), Throwable::getMessage)
          .containsExactly("ValidationException", "1 validation error detected: Value at '" + over[1]
              + "' failed to satisfy constraint: Member must have size less than or equal to 262144 bytes in UTF-8 encoding");
    }
  }
}
