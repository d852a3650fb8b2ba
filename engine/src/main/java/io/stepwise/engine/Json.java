package io.stepwise.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The engine's one JSON mapper (thread-safe once configured). */
public final class Json {
  private Json() {}

  public static final ObjectMapper MAPPER = new ObjectMapper();

  /** Compact JSON text, written as the language writes state data (one form for every number). */
  public static String write(JsonNode node) {
    return node == null ? "null" : io.stepwise.asl.path.Json.write(node);
  }
}
