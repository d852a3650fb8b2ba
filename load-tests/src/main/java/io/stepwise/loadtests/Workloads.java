package io.stepwise.loadtests;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference workload shipped in load-tests/workloads, found from the repository root (the
 * scripts' working directory) or from load-tests/ itself (where `mvn exec:java` may run).
 */
final class Workloads {
  static final String DEFINITION = "load-tests/workloads/pass-choice-6.asl.json";
  static final String INPUT = "load-tests/workloads/pass-choice-6.input.json";

  private Workloads() {}

  /** {@code path} as given, or without its load-tests/ prefix when run from inside load-tests. */
  static Path resolve(String path) {
    Path p = Path.of(path);
    if (!Files.exists(p) && path.startsWith("load-tests/")) {
      Path inside = Path.of(path.substring("load-tests/".length()));
      if (Files.exists(inside)) {
        return inside;
      }
    }
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("no such file: " + p.toAbsolutePath());
    }
    return p;
  }

  /** Argument {@code i} if given, else the default. */
  static Path arg(String[] args, int i, String defaultPath) {
    return resolve(args.length > i ? args[i] : defaultPath);
  }
}
