package io.stepwise.engine;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.datatype.jsr310.deser.InstantDeserializer;
import java.io.IOException;
import java.time.Instant;

/**
 * Reads (and writes) the instants of journaled events (every history event has one) with {@link Instants}
 * instead of a {@code DateTimeFormatter}: what recovering an execution, stepping it from its
 * journal and exporting its history spend much of their reading time on. Anything but the plain
 * ISO-8601 text Jackson writes goes to Jackson's own {@link InstantDeserializer}, so every
 * instant reads as before. Registered after Jackson's Java time module
 * ({@code pekko.serialization.jackson.jackson-modules}), it takes its place for {@link Instant}.
 */
public final class FastInstantModule extends SimpleModule {
  public FastInstantModule() {
    super("stepwise-fast-instant");
    addDeserializer(Instant.class, new Reader());
    addSerializer(Instant.class, new Writer());
  }

  /** Writes what Jackson's own writes (ISO-8601 text, as {@link Instant#toString}), without its formatter. */
  private static final class Writer extends com.fasterxml.jackson.databind.ser.std.StdScalarSerializer<Instant> {
    Writer() {
      super(Instant.class);
    }

    @Override
    public void serialize(Instant value, com.fasterxml.jackson.core.JsonGenerator gen,
        com.fasterxml.jackson.databind.SerializerProvider provider) throws IOException {
      if (provider.isEnabled(com.fasterxml.jackson.databind.SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)) {
        com.fasterxml.jackson.datatype.jsr310.ser.InstantSerializer.INSTANCE.serialize(value, gen, provider);
      } else {
        gen.writeString(Instants.format(value));
      }
    }
  }

  private static final class Reader extends StdScalarDeserializer<Instant> {
    Reader() {
      super(Instant.class);
    }

    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      if (p.currentToken() == JsonToken.VALUE_STRING) {
        Instant fast = Instants.parseFast(p.getText());
        if (fast != null) return fast;
      }
      return InstantDeserializer.INSTANT.deserialize(p, ctxt);
    }
  }
}
