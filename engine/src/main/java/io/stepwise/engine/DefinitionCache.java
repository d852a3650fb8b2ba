package io.stepwise.engine;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled definitions shared by every execution of the same revision: a definition is parsed and
 * compiled once, not once per execution. Keyed by the definition text and the machine type (Express
 * machines have rules of their own); bounded so that a stream of distinct definitions cannot grow
 * it without limit.
 */
public final class DefinitionCache {
  private static final int MAX_ENTRIES = 2_000;
  private final ConcurrentHashMap<String, CompiledDefinition> standard = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, CompiledDefinition> express = new ConcurrentHashMap<>();

  private volatile java.util.function.Consumer<String> compiled;

  /** {@code hook} is told each definition text compiled afresh (it must not block: it runs where the compiler does). */
  public void onCompiled(java.util.function.Consumer<String> hook) {
    this.compiled = hook;
  }

  /** {@code type} is the state machine type, {@code STANDARD} or {@code EXPRESS}. */
  public CompiledDefinition get(String definition, String type) throws InvalidDefinitionException {
    boolean isExpress = "EXPRESS".equals(type);
    ConcurrentHashMap<String, CompiledDefinition> cache = isExpress ? express : standard;
    CompiledDefinition hit = cache.get(definition);
    if (hit != null) return hit;
    CompiledDefinition fresh = CompiledDefinition.compile(definition, isExpress);
    java.util.function.Consumer<String> hook = compiled;
    if (hook != null) hook.accept(definition);
    if (cache.size() >= MAX_ENTRIES) cache.clear();
    cache.put(definition, fresh);
    return fresh;
  }
}
