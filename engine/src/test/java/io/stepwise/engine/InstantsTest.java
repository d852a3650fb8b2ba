package io.stepwise.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The fast instant text is Java's own, both ways, and the journal's bytes do not change with it. */
class InstantsTest {
  record Stamped(Instant at, List<Instant> more) {}

  private static List<Instant> samples() {
    Random random = new Random(3);
    List<Instant> out = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
        Instant.parse("0999-12-31T23:59:59.999999999Z"), Instant.parse("1000-01-01T00:00:00Z"),
        Instant.parse("9999-12-31T23:59:59.5Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("2024-02-29T12:00:00.000001Z"), Instant.parse("1969-12-31T23:59:59.1Z")));
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong(-40_000_000_000L, 260_000_000_000L);
      int nanos = switch (random.nextInt(4)) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      out.add(Instant.ofEpochSecond(seconds, nanos));
    }
    return out;
  }

  @Test
  void format_isInstantToString_andParseReadsItBack() {
    for (Instant t : samples()) {
      assertThat(Instants.format(t)).isEqualTo(t.toString());
      assertThat(Instants.parse(t.toString())).isEqualTo(t);
    }
  }

  @Test
  void module_writesTheBytesJacksonsOwnWrites_andReadsThemBack() throws Exception {
    ObjectMapper plain = new CBORMapper().registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    ObjectMapper fast = new CBORMapper().registerModule(new JavaTimeModule()).registerModule(new FastInstantModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    List<Instant> all = samples().subList(0, 2_000);
    for (Instant t : all) {
      Stamped s = new Stamped(t, List.of(t, Instant.EPOCH));
      byte[] bytes = fast.writeValueAsBytes(s);
      assertThat(bytes).isEqualTo(plain.writeValueAsBytes(s));
      assertThat(fast.readValue(bytes, Stamped.class)).isEqualTo(s);
    }
    // numeric timestamps, where a mapper asks for them, stay Jackson's
    ObjectMapper numeric = fast.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    ObjectMapper numericPlain = plain.copy().enable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    Stamped s = new Stamped(Instant.parse("2026-12-04T17:00:00.123Z"), List.of());
    assertThat(numeric.writeValueAsBytes(s)).isEqualTo(numericPlain.writeValueAsBytes(s));
  }
}
