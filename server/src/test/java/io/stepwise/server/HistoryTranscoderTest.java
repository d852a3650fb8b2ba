package io.stepwise.server;

import static io.stepwise.server.ExecutionApiTest.awaitEnd;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.journal.EventCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * {@code history export}'s fast way (stored events written as JSON token by token) gives the same
 * bytes as the general one (the history rebuilt, then rendered) for every kind of history, in
 * every output format; and it is the way taken for plain histories.
 */
class HistoryTranscoderTest {
  @TempDir Path dir;

  @Test
  void transcoding_writesWhatRenderingTheRebuiltHistoryWrites() throws Exception {
    String[] definitions = {
        // numbers of every kind, unicode, escapes, nested objects and arrays in data and results
        """
        {"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"i": 7, "big": 12345678901234, "f": 1.5,
          "e": 1e-7, "neg": -3, "s": "é \\"q\\" \\u0001 ✓ 😀", "arr": [1, [2, {"x": null}], true], "o.$": "$"},
          "ResultPath": "$.p", "Next": "C"},
          "C": {"Type": "Choice", "Choices": [{"Variable": "$.p.i", "NumericGreaterThan": 5, "Next": "M"}], "Default": "F"},
          "M": {"Type": "Map", "ItemsPath": "$.p.arr", "MaxConcurrency": 2, "ItemProcessor": {"StartAt": "I",
            "States": {"I": {"Type": "Pass", "End": true}}}, "ResultPath": "$.m", "Next": "Par"},
          "Par": {"Type": "Parallel", "Branches": [
            {"StartAt": "B1", "States": {"B1": {"Type": "Pass", "Result": 1.25, "End": true}}},
            {"StartAt": "B2", "States": {"B2": {"Type": "Wait", "Seconds": 0, "End": true}}}], "Next": "S"},
          "S": {"Type": "Succeed"},
          "F": {"Type": "Fail", "Error": "E", "Cause": "never"}}}
        """,
        // a failure, caught after retries
        """
        {"StartAt": "T", "States": {"T": {"Type": "Fail", "Error": "Boom", "Cause": "c ✗"}}}
        """,
        """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "X"},
          "X": {"Type": "Pass", "Result": {"done": true, "n": 0.1}, "End": true}}}
        """};
    List<String> executions = new ArrayList<>();
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      for (int i = 0; i < definitions.length; i++) {
        String def = definitions[i];
        String machine = sfn.createStateMachine(b -> b.name("m" + executions.size()).definition(def)
            .roleArn(Definitions.ROLE)).stateMachineArn();
        for (String input : List.of("{}", "{\"a\": \"ü\", \"n\": [1, 2.5, -0.0]}")) {
          String exec = sfn.startExecution(b -> b.stateMachineArn(machine).input(input)).executionArn();
          awaitEnd(sfn, exec);
          executions.add(exec);
        }
      }
    }
    java.util.Map<String, StringBuilder> expectedAll = new java.util.LinkedHashMap<>();
    int transcoded = 0;
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(dir)) {
      for (String arn : executions) {
        List<EventCodec.Opened> opened = offline.openedEvents(arn, null);
        if (opened == null) {
          offline.read(arn); // unwraps the data key into the cache
          opened = offline.openedEvents(arn, null);
        }
        assertThat(opened).as(arn).isNotNull();
        for (boolean all : new boolean[] {false, true}) {
          for (boolean jsonl : new boolean[] {false, true}) {
            byte[] fast = HistoryCommand.transcode(arn, opened, all, jsonl);
            HistoryCommand.Offline.Read read = offline.read(arn);
            byte[] general = HistoryCommand.render(read, all, jsonl).text();
            if (all && jsonl) {
              String machine = arn.substring(0, arn.lastIndexOf(':')).replace(":execution:", ":stateMachine:");
              expectedAll.computeIfAbsent(machine, m -> new StringBuilder()).append(new String(general, StandardCharsets.UTF_8));
            }
            assertThat(fast).as(arn + " all=" + all + " jsonl=" + jsonl).isNotNull();
            assertThat(new String(fast, StandardCharsets.UTF_8)).as(arn).isEqualTo(new String(general, StandardCharsets.UTF_8));
            transcoded++;
          }
        }
      }
    }
    assertThat(transcoded).isEqualTo(executions.size() * 4);
    // --all: each machine's executions from one pass over the journal (the others' events interleaved)
    for (var e : expectedAll.entrySet()) {
      assertThat(HistoryExportTest.export(dir, "--all", e.getKey(), "--format", "jsonl")).isEqualTo(e.getValue().toString());
    }
    // the listing read a page at a time, each page's executions in a pass of their own: the same
    // executions in the same order, whatever the page (one persistence id, a few, all)
    try (HistoryCommand.Offline offline = new HistoryCommand.Offline(dir)) {
      for (var e : expectedAll.entrySet()) {
        for (int page : new int[] {1, 2, 3, 5, 1000}) {
          StringBuilder got = new StringBuilder();
          offline.eachOfMachine(e.getKey(), page, (arn, raw) -> HistoryCommand.export(offline, arn, raw, true, true), r -> {
            assertThat(r.failure()).isNull();
            byte[] text = r.transcoded() != null ? r.transcoded().toByteArray() : r.text();
            if (r.transcoded() != null) HistoryCommand.release(r.transcoded());
            got.append(new String(text, StandardCharsets.UTF_8));
          });
          assertThat(got.toString()).as(e.getKey() + " in pages of " + page).isEqualTo(e.getValue().toString());
        }
      }
    }
  }

  @Test
  void timestamps_shownAsTheRenderedNodeWritesThem() throws Exception {
    HistoryTranscoder.Timestamps timestamps = new HistoryTranscoder.Timestamps();
    // whole seconds, tens and hundreds of milliseconds (trailing zeros), sub-millisecond digits, the epoch
    for (String s : List.of("2026-01-02T03:04:05Z", "2026-01-02T03:04:05Z", "2026-01-02T03:04:05.600Z",
        "2026-01-02T03:04:05.670Z", "2026-01-02T03:04:05.678Z", "2026-01-02T03:04:05.678999Z",
        "2026-01-02T03:04:00Z", "2026-01-02T03:00:00Z", "1970-01-01T00:00:00Z", "1970-01-01T00:00:00.001Z",
        "2026-01-02T03:04:05.6Z")) {
      String general = HistoryCommand.JSON.writeValueAsString(
          io.stepwise.api.sfn.Shapes.timestampNode(Instant.parse(s)));
      assertThat(timestamps.shown(s)).as(s).isEqualTo(general);
    }
  }

  @Test
  void instantsOfAnotherForm_areLeftToInstantParse() {
    for (String s : List.of("+10000-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-02T24:00:00Z",
        "2026-01-02T03:04:05.Z", "2026-01-02T03:04:05.1234567890Z", "2026-1-02T03:04:05Z", "2026-01-02T03:04:60Z")) {
      assertThat(io.stepwise.engine.Instants.parseFast(s)).as(s).isNull();
    }
  }

  @Test
  void instants_readAsInstantParseReadsThem() {
    for (String s : List.of("2026-01-02T03:04:05Z", "2026-01-02T03:04:05.6Z", "2026-01-02T03:04:05.678Z",
        "2026-12-31T23:59:59.123456Z", "2024-02-29T00:00:00.000000001Z", "1970-01-01T00:00:00Z",
        "2026-02-28T00:00:00Z", "9999-12-31T23:59:59.999999999Z")) {
      assertThat(io.stepwise.engine.Instants.parse(s)).as(s).isEqualTo(Instant.parse(s));
      assertThat(io.stepwise.engine.Instants.parseFast(s)).as(s).isNotNull();
    }
  }
}
