package io.stepwise.engine.statemachine;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every revision's definition, by revision id, as the state machines' journals hold them. An
 * execution's journal names the revision it runs instead of copying its definition (up to 1 MB
 * per execution); the execution's journal plus its machine's journal rebuild its whole history.
 * Filled as state machine entities replay and persist their events; every stored machine is
 * woken at start-up, before any execution recovers.
 */
public final class Revisions {
  private final ConcurrentHashMap<String, String> definitions = new ConcurrentHashMap<>();

  void put(String revisionId, String definition) {
    definitions.put(revisionId, definition);
  }

  public Optional<String> definition(String revisionId) {
    return Optional.ofNullable(definitions.get(revisionId));
  }
}
