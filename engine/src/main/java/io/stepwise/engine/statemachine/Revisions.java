package io.stepwise.engine.statemachine;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * Every revision's definition, by revision id, as the state machines' journals hold them. An
 * execution's journal names the revision it runs instead of copying its definition (up to 1 MB
 * per execution); the execution's journal plus its machine's journal rebuild its whole history.
 * Filled as state machine entities replay and persist their events; every stored machine is
 * woken at start-up, before any execution recovers. A machine that start-up could not wake (an
 * ask that timed out under load, say) is woken by the first execution that needs one of its
 * revisions ({@link #missing}), at most once per {@link #RETRY_NANOS} per machine.
 */
public final class Revisions {
  /** How long a machine asked to load is given before it is asked again. */
  static final long RETRY_NANOS = 5_000_000_000L;

  private final ConcurrentHashMap<String, String> definitions = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, Long> asked = new ConcurrentHashMap<>();
  private final Consumer<String> loader;

  /** Revisions whose machines are asked to load by {@code loader} (the engine wakes their entities). */
  public Revisions(Consumer<String> loader) {
    this.loader = loader;
  }

  /** Revisions that ask no machine to load. */
  public Revisions() {
    this(machineArn -> {});
  }

  /** A revision as its machine's journal holds it. */
  public void put(String revisionId, String definition) {
    definitions.put(revisionId, definition);
  }

  public Optional<String> definition(String revisionId) {
    return Optional.ofNullable(definitions.get(revisionId));
  }

  /**
   * A revision of the machine {@code machineArn} is needed and not known: the machine is asked to
   * load, unless it was asked less than {@link #RETRY_NANOS} ago.
   */
  public void missing(String machineArn) {
    long now = System.nanoTime();
    boolean ask = asked.compute(machineArn, (arn, last) -> last == null || now - last >= RETRY_NANOS ? now : last) == now;
    if (ask) loader.accept(machineArn);
  }
}
