package io.stepwise.engine;

import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiled definitions shared by every execution of the same revision: a definition is parsed and
 * compiled once, not once per execution. Keyed by the definition text; bounded so that a stream of
 * distinct definitions cannot grow it without limit.
 */
public final class DefinitionCache {
  private static final int MAX_ENTRIES = 2_000;
  private final ConcurrentHashMap<String, CompiledDefinition> compiled = new ConcurrentHashMap<>();

  public CompiledDefinition get(String definition) throws InvalidDefinitionException {
    CompiledDefinition hit = compiled.get(definition);
    if (hit != null) return hit;
    CompiledDefinition fresh = CompiledDefinition.compile(definition);
    if (compiled.size() >= MAX_ENTRIES) compiled.clear();
    compiled.put(definition, fresh);
    return fresh;
  }
}
