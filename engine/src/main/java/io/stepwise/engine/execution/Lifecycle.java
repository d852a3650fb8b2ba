package io.stepwise.engine.execution;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import java.io.IOException;

/**
 * Where an execution's journal event stands in its life: it ended the execution (a step with a
 * result, or a failure for its KMS key), it redrove it, or neither. Read from the event, or from
 * its stored form (Jackson CBOR, as Pekko's {@code jackson-cbor} serializer writes it) without
 * building it: {@code journal verify} checks a million events this way.
 */
public enum Lifecycle {
  ENDED, REDRIVEN, OTHER;

  private static final CBORFactory CBOR = new CBORFactory();
  private static final String STEPPED = ExecutionEntity.Stepped.class.getName();
  private static final String KEY_FAILED = ExecutionEntity.KeyFailed.class.getName();
  private static final String REDRIVEN_EVENT = ExecutionEntity.Redriven.class.getName();

  public static Lifecycle of(Object event) {
    if (event instanceof ExecutionEntity.Redriven) return REDRIVEN;
    if (event instanceof ExecutionEntity.KeyFailed) return ENDED;
    if (event instanceof ExecutionEntity.Stepped s && s.result() != null) return ENDED;
    return OTHER;
  }

  /**
   * The same answer as {@link #of(Object)} from a serialized event: {@code manifest} is its
   * serializer manifest (the class name, perhaps with a {@code #version}), {@code cbor} its bytes.
   *
   * @throws IOException if a step's bytes are not a CBOR object
   */
  public static Lifecycle of(String manifest, byte[] cbor) throws IOException {
    int hash = manifest.indexOf('#');
    String type = hash < 0 ? manifest : manifest.substring(0, hash);
    if (type.equals(REDRIVEN_EVENT)) return REDRIVEN;
    if (type.equals(KEY_FAILED)) return ENDED;
    if (!type.equals(STEPPED)) return OTHER;
    try (JsonParser p = CBOR.createParser(cbor)) {
      if (p.nextToken() != JsonToken.START_OBJECT) throw new IOException("a step is not a CBOR object");
      for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        if (field.equals("result")) return value == JsonToken.VALUE_NULL ? OTHER : ENDED;
        p.skipChildren();
      }
      return OTHER;
    }
  }
}
