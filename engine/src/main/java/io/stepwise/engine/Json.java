package io.stepwise.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The engine's one JSON mapper (thread-safe once configured). */
public final class Json {
  private Json() {}

  /** Reads numbers as the language does ({@link io.stepwise.asl.path.Json#stateDataMapper}): fractions are doubles, none is Infinity. */
  public static final ObjectMapper MAPPER = io.stepwise.asl.path.Json.stateDataMapper();

  /** Compact JSON text, written as the language writes state data (one form for every number). */
  public static String write(JsonNode node) {
    return node == null ? "null" : io.stepwise.asl.path.Json.write(node);
  }
}
