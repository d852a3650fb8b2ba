package io.stepwise.asl.model;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.path.PathExpr;
import io.stepwise.asl.payload.Expr;
import java.time.Instant;
import java.util.List;

/** The eight state types of the States Language, compiled. */
public sealed interface State {
  Common common();

  default String name() {
    return common().name();
  }

  record Pass(Common common, Expr parameters, JsonNode result, ResultPathSpec resultPath) implements State {}

  record Succeed(Common common) implements State {}

  /** Error/Cause: literal, path (JSONPath) or expression (JSONata); each may be null. */
  record Fail(Common common, Expr error, Expr cause) implements State {}

  record Choice(Common common, List<ChoiceRule.Branch> choices, String defaultNext) implements State {}

  /** Exactly one of seconds / timestamp / secondsPath / timestampPath / secondsExpr / timestampExpr is set. */
  record Wait(Common common, Long seconds, Instant timestamp, PathExpr secondsPath, PathExpr timestampPath, Expr secondsExpr, Expr timestampExpr)
      implements State {}

  record Task(
      Common common,
      String resource,
      Expr parameters,
      Expr resultSelector,
      ResultPathSpec resultPath,
      Expr timeoutSeconds,
      Expr heartbeatSeconds,
      List<Retrier> retry,
      List<Catcher> catchers,
      Expr credentials)
      implements State {
    /** True when {@code resource} names a Step Functions activity ({@code arn:<partition>:states:<region>:<account>:activity:<name>}). */
    public static boolean isActivity(String resource) {
      return resource.startsWith("arn:") && resource.contains(":activity:") && resource.split(":")[2].equals("states");
    }
  }

  record Parallel(
      Common common,
      List<Machine> branches,
      Expr parameters,
      Expr resultSelector,
      ResultPathSpec resultPath,
      List<Retrier> retry,
      List<Catcher> catchers)
      implements State {}

  /**
   * Inline (and, run inline, distributed) Map. {@code items}: ItemsPath or JSONata Items;
   * {@code itemSelector}: ItemSelector or the legacy Parameters.
   */
  record Map(
      Common common,
      Machine processor,
      Expr items,
      String itemsSource,
      Expr itemSelector,
      Expr maxConcurrency,
      Expr resultSelector,
      ResultPathSpec resultPath,
      Expr toleratedFailureCount,
      Expr toleratedFailurePercentage,
      boolean distributed,
      List<Retrier> retry,
      List<Catcher> catchers,
      Batching batching,
      boolean itemReader,
      boolean resultWriter,
      DistributedParts distributedParts)
      implements State {}

  /**
   * What a Map Run needs of a Distributed Map beyond the inline fields: the state as written
   * ({@code raw}: ItemProcessor, ItemReader, ResultWriter, ItemSelector, Label), and the
   * ItemReader's and ResultWriter's Parameters (Arguments) and ReaderConfig.MaxItems(Path), evaluated
   * when the state starts. Null for an inline Map.
   */
  record DistributedParts(com.fasterxml.jackson.databind.node.ObjectNode raw, Expr readerParameters, Expr readerMaxItems,
      Expr writerParameters) {}

  /** A distributed Map's ItemBatcher: items per batch, bytes per batch, and the BatchInput added to each. */
  record Batching(Expr maxItems, Expr maxBytes, Expr batchInput) {}
}
