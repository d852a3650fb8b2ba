package io.stepwise.asl.jsonata;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.asl.path.Json;
import org.junit.jupiter.api.Test;

/** Numbers into and out of JSONata: exact while they fit a long, non-finite results by name (AWS's "Infinity"). */
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
    assertThat(Convert.toJson(1e20, "e", "Output").doubleValue()).isEqualTo(1e20);
    assertThat(json(9007199254740993.0)).isEqualTo("9007199254740992");
    assertThat(json(3.0)).isEqualTo("3");
    assertThat(Convert.toJava(Json.NODES.numberNode(9223372036854775807L))).isEqualTo(9223372036854775807L);
    assertThat(Convert.toJava(Json.NODES.numberNode(new java.math.BigInteger("9223372036854775808")))).isEqualTo(9.223372036854776E18);
  }
}
