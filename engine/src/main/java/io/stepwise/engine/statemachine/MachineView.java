package io.stepwise.engine.statemachine;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.engine.DefinitionCache;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A local view of the state machines, fed by their entities' persisted events: a start resolves
 * its machine (revision, compiled definition, key configuration, type) here instead of asking
 * the entity. An entity puts its record after each persisted change (and when it recovers) and
 * removes it when deleted or unreadable, so a hit is never older than the last acknowledged write.
 * A miss is answered by asking the entity, which then fills the view.
 */
public final class MachineView {
  /** A machine's current revision with its definition compiled once. */
  public record Entry(StateMachineRecord record, CompiledDefinition compiled) {}

  private final ConcurrentHashMap<String, Entry> machines = new ConcurrentHashMap<>();
  private final DefinitionCache definitions;

  public MachineView(DefinitionCache definitions) {
    this.definitions = definitions;
  }

  public Optional<Entry> get(String stateMachineArn) {
    return Optional.ofNullable(machines.get(stateMachineArn));
  }

  /**
   * The entry for {@code record}, compiled; it becomes the view's entry for that machine. A stored
   * definition that no longer compiles is left out (null): the ask path reports it.
   */
  public Entry put(StateMachineRecord record) {
    Entry current = machines.get(record.stateMachineArn());
    if (current != null && current.record().equals(record)) return current;
    try {
      Entry fresh = new Entry(record, definitions.get(record.definition(), record.type()));
      machines.put(record.stateMachineArn(), fresh);
      return fresh;
    } catch (InvalidDefinitionException e) {
      machines.remove(record.stateMachineArn());
      return null;
    }
  }

  public void remove(String stateMachineArn) {
    machines.remove(stateMachineArn);
  }
}
