package io.stepwise.engine.execution;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.interpreter.Outcome;
import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.Json;
import java.time.Instant;

/** How an execution ended, in the terms DescribeExecution uses; {@code output} is JSON text. */
public record Result(String status, String output, String error, String cause, Instant stopDate) implements CborSerializable {
  public static Result of(Outcome outcome, Instant stopDate) {
    if (outcome instanceof Outcome.Succeeded s) return new Result("SUCCEEDED", text(s.output()), null, null, stopDate);
    if (outcome instanceof Outcome.Failed f) return new Result("FAILED", null, f.error(), f.cause(), stopDate);
    if (outcome instanceof Outcome.TimedOut t) return new Result("TIMED_OUT", null, t.error(), t.cause(), stopDate);
    Outcome.Aborted a = (Outcome.Aborted) outcome;
    return new Result("ABORTED", null, a.error(), a.cause(), stopDate);
  }

  private static String text(JsonNode output) {
    return output == null ? null : Json.write(output);
  }
}
