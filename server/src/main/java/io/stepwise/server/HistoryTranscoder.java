package io.stepwise.server;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.util.TokenBuffer;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import io.stepwise.api.sfn.Shapes;
import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.persistence.journal.EventCodec;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * {@code history export}'s fast way: the history events of an execution's journal written as
 * JSON straight from their stored form (Jackson CBOR, as Pekko's {@code jackson-cbor} serializer
 * writes the engine's events), token by token, without building the events, their history or
 * their positions. It takes only the plain case — an execution started, then stepped, every
 * event read, no snapshot — and answers false for anything else, which the caller then exports
 * the general way ({@link io.stepwise.engine.execution.ExecutionHistory#rebuild}). Both give the
 * same bytes (HistoryExportTest compares them).
 */
final class HistoryTranscoder {
  private static final CBORFactory CBOR = new CBORFactory();
  private static final String STARTED = ExecutionEntity.Started.class.getName();
  private static final String STEPPED = ExecutionEntity.Stepped.class.getName();

  private HistoryTranscoder() {}

  /**
   * Writes the history of {@code events} (an execution's journal from its first event) to
   * {@code g}: each event as {@link Shapes#historyEvent} makes it, with {@code executionArn} first
   * when it is not null, and a newline after each when {@code lines}. False, having written
   * something or not, if the events are not of the plain case.
   */
  static boolean write(List<EventCodec.Opened> events, JsonGenerator g, String executionArn, boolean lines)
      throws IOException {
    if (events.isEmpty() || !type(events.get(0)).equals(STARTED) || !started(events.get(0).payload())) return false;
    Timestamps timestamps = new Timestamps();
    for (int i = 1; i < events.size(); i++) {
      EventCodec.Opened e = events.get(i);
      if (!type(e).equals(STEPPED)) return false;
      if (!step(e.payload(), g, executionArn, lines, timestamps)) return false;
    }
    return true;
  }

  /**
   * Timestamps as history events show them, the last one's text remembered: the events of one
   * step, and often of several, share their instant.
   */
  static final class Timestamps {
    private String stored;
    private String shown;

    /** The stored (ISO-8601) text as the JSON number {@link Shapes#timestampNode} writes. */
    String shown(String timestamp) {
      if (!timestamp.equals(stored)) {
        shown = Shapes.timestampNode(io.stepwise.engine.Instants.parse(timestamp)).asText();
        stored = timestamp;
      }
      return shown;
    }
  }

  /** The class name in a serializer manifest (which may carry a {@code #version}). */
  private static String type(EventCodec.Opened e) {
    String m = e.type().manifest();
    int hash = m.indexOf('#');
    return hash < 0 ? m : m.substring(0, hash);
  }

  /** Whether a start event names its execution (the general way refuses one that does not). */
  private static boolean started(byte[] cbor) throws IOException {
    try (JsonParser p = CBOR.createParser(cbor)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("info")) return value == JsonToken.START_OBJECT;
        p.skipChildren();
      }
      return false;
    }
  }

  private static boolean step(byte[] cbor, JsonGenerator g, String executionArn, boolean lines, Timestamps timestamps)
      throws IOException {
    try (JsonParser p = CBOR.createParser(cbor)) {
      if (p.nextToken() != JsonToken.START_OBJECT) return false;
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (!field.equals("events")) {
          p.skipChildren();
          continue;
        }
        // a step without its events list is one the general way cannot read: it reports it
        if (value != JsonToken.START_ARRAY) return false;
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
          if (e != JsonToken.START_OBJECT || !event(p, g, executionArn, lines, timestamps)) return false;
        }
        // what follows (the position, the result) the history does not show: not read at all
        return true;
      }
      return false;
    }
  }

  /** One history event, the parser on its START_OBJECT; leaves it on its END_OBJECT. */
  private static boolean event(JsonParser p, JsonGenerator g, String executionArn, boolean lines, Timestamps timestamps)
      throws IOException {
    long id = 0;
    long previous = 0;
    String timestamp = null;
    String type = null;
    int seen = 0;
    boolean written = false;
    TokenBuffer early = null;
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "id" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) return false;
          id = p.getLongValue();
          seen |= 1;
        }
        case "previousEventId" -> {
          if (value != JsonToken.VALUE_NUMBER_INT) return false;
          previous = p.getLongValue();
          seen |= 2;
        }
        case "timestamp" -> {
          if (value != JsonToken.VALUE_STRING) return false;
          timestamp = p.getText();
          seen |= 4;
        }
        case "type" -> {
          if (value != JsonToken.VALUE_STRING) return false;
          type = p.getText();
          seen |= 8;
        }
        case "details" -> {
          if (value != JsonToken.START_OBJECT) return false;
          if (seen == 15) {
            head(g, executionArn, timestamps.shown(timestamp), type, id, previous);
            written = true;
            copyFields(p, g);
          } else {
            early = new TokenBuffer(p);
            early.copyCurrentStructure(p);
          }
          seen |= 16;
        }
        default -> p.skipChildren();
      }
    }
    if (seen != 31) return false;
    if (!written) {
      head(g, executionArn, timestamps.shown(timestamp), type, id, previous);
      try (JsonParser buffered = early.asParser()) {
        buffered.nextToken();
        copyFields(buffered, g);
      }
    }
    g.writeEndObject();
    if (lines) g.writeRaw('\n');
    return true;
  }

  private static void head(JsonGenerator g, String executionArn, String timestamp, String type, long id,
      long previous) throws IOException {
    g.writeStartObject();
    if (executionArn != null) g.writeStringField("executionArn", executionArn);
    g.writeFieldName("timestamp");
    // the node's text, as its serialization writes it (a number: BigDecimal's toString, not plain)
    g.writeNumber(timestamp);
    g.writeStringField("type", type);
    g.writeNumberField("id", id);
    g.writeNumberField("previousEventId", previous);
  }

  /** The members of the object the parser is on (its START_OBJECT), copied; leaves it on its END_OBJECT. */
  private static void copyFields(JsonParser p, JsonGenerator g) throws IOException {
    for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
      g.writeFieldName(p.currentName());
      p.nextToken();
      copy(p, g);
    }
  }

  /**
   * The value the parser is on, copied. A big decimal is refused ({@link NotPlain}): the general
   * way reads it into a tree that strips its trailing zeros, which a copy would keep.
   */
  private static void copy(JsonParser p, JsonGenerator g) throws IOException {
    int depth = 0;
    do {
      JsonToken t = p.currentToken();
      if (t == JsonToken.VALUE_NUMBER_FLOAT && p.getNumberType() == JsonParser.NumberType.BIG_DECIMAL) {
        throw new NotPlain();
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) depth++;
      else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) depth--;
      g.copyCurrentEvent(p);
    } while (depth > 0 && p.nextToken() != null);
  }

  /** A value the transcoder does not copy: the history goes the general way. */
  static final class NotPlain extends IOException {
    NotPlain() {
      super("not a plain history", null);
    }
  }


}
