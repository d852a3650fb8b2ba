package io.stepwise.asl.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The golden test: every case of the conformance corpus (outcomes recorded against AWS) that
 * the language supports, run directly through the interpreter. Cases needing a feature outside
 * asl (Task resources, distributed Map ItemReader, ...) are skipped by feature tag. It fails when
 * the number passing drops below {@link #MIN_PASSING}: raise that number as the language grows.
 */
class ConformanceTest {
  static final int MIN_PASSING = 803;
  /** Tags of features that need more than asl: real task integrations. */
  static final Set<String> UNSUPPORTED = Set.of("Task");

  @Test
  void corpus_passesAtLeastTheRecordedNumberOfCases() throws Exception {
    Path file = Path.of(System.getProperty("stepwise.conformance", "../../shared/conformance/cases.jsonl"));
    assumeTrue(Files.exists(file), "conformance corpus not found at " + file.toAbsolutePath());
    int pass = 0, fail = 0, skip = 0;
    List<String> failures = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      if (line.isBlank()) continue;
      JsonNode c = Json.parse(line);
      boolean unsupported = false;
      for (JsonNode f : c.path("features")) unsupported |= UNSUPPORTED.contains(f.asText());
      if (unsupported && !c.path("expected").has("expect")) {
        skip++;
        continue;
      }
      String why;
      try {
        why = ConformanceCase.run(c);
      } catch (Exception | StackOverflowError e) {
        why = "threw " + e;
      }
      if (why == null) pass++;
      else {
        fail++;
        failures.add("FAIL " + c.get("id").asText() + ": " + why);
      }
    }
    failures.forEach(System.out::println);
    System.out.printf("conformance through the interpreter: %d passed, %d failed, %d skipped%n", pass, fail, skip);
    assertThat(pass).as("conformance cases passing").isGreaterThanOrEqualTo(MIN_PASSING);
  }
}
