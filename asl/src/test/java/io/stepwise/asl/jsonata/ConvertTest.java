package io.stepwise.asl.jsonata;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.path.Json;
import org.junit.jupiter.api.Test;

/** JSONata results as JSON: numbers as JavaScript writes them, non-finite ones by name (AWS's "Infinity"). */
class ConvertTest {
  private static String json(Object v) {
    return Json.write(Convert.toJson(v, "e", "Output"));
  }

  @Test
  void numbers_areWrittenAsJavaScriptWritesThem() {
    assertThat(json(Double.POSITIVE_INFINITY)).isEqualTo("\"Infinity\"");
    assertThat(json(Double.NEGATIVE_INFINITY)).isEqualTo("\"-Infinity\"");
    assertThat(json(Double.NaN)).isEqualTo("\"NaN\"");
    assertThat(json(java.util.List.of(1.0 / 0, 2.5))).isEqualTo("[\"Infinity\",2.5]");
    assertThat(json(1e20)).isEqualTo("100000000000000000000");
    assertThat(json(9007199254740993.0)).isEqualTo("9007199254740992");
    assertThat(json(3.0)).isEqualTo("3");
  }
}
