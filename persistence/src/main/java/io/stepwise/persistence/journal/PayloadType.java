package io.stepwise.persistence.journal;

/**
 * A serializer id and manifest pair. Stored once in the journal's type table and referenced by a
 * small number from each event, since Jackson's manifest (the class name) would otherwise be the
 * largest part of a small event.
 */
public record PayloadType(int serializerId, String manifest) {

  /** Gives the number of a payload type while sealing, adding it to the type table if new. */
  @FunctionalInterface
  public interface Numbering {
    int idOf(PayloadType type);
  }
}
