package io.stepwise.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.activity.ActivityEntity;
import io.stepwise.engine.activity.ActivityRecord;
import io.stepwise.engine.catalog.ActivitySummary;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.catalog.ExecutionSummary;
import io.stepwise.engine.catalog.Page;
import io.stepwise.engine.catalog.StateMachineSummary;
import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.ExecutionView;
import io.stepwise.engine.execution.ExpressRunner;
import io.stepwise.engine.kms.Encryption;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.statemachine.StateMachineEntity;
import io.stepwise.engine.statemachine.StateMachineRecord;
import io.stepwise.persistence.StepwiseStorage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.cluster.typed.Join;

/**
 * The engine's one entry point for the API edge: every Step Functions action that touches state
 * goes through here to the sharded entities. Methods never block; failures the caller caused
 * complete the stage with a {@link ServiceError}.
 */
public final class StepFunctionsEngine {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Catalog catalog = new Catalog();
  private final DefinitionCache definitions = new DefinitionCache();
  private final ExpressRunner express;
  private final Clock clock;
  private final Duration askTimeout;
  private final Encryption encryption;

  public StepFunctionsEngine(ActorSystem<?> system, Clock clock) {
    this.system = system;
    this.clock = clock;
    this.askTimeout = system.settings().config().getDuration("stepwise.engine.ask-timeout");
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    this.sharding = ClusterSharding.get(system);
    this.encryption = new Encryption(StepwiseStorage.get(system),
        system.settings().config().getInt("stepwise.engine.kms-requests-per-second"));
    sharding.init(Entity.of(StateMachineEntity.ENTITY_KEY,
        ctx -> StateMachineEntity.create(ctx.getEntityId(), catalog, encryption)));
    sharding.init(Entity.of(ActivityEntity.ENTITY_KEY,
        ctx -> ActivityEntity.create(ctx.getEntityId(), catalog, encryption)));
    sharding.init(Entity.of(ExecutionEntity.ENTITY_KEY,
        ctx -> ExecutionEntity.create(ctx.getEntityId(), ctx.getShard(), catalog, definitions, clock)));
    this.express = new ExpressRunner(system.scheduler(), system.executionContext(), definitions, clock);
  }

  public Clock clock() {
    return clock;
  }

  /** Customer-managed keys: validation of encryption configurations and read permission checks. */
  public Encryption encryption() {
    return encryption;
  }

  /** Wakes every stored entity so that listings are complete and interrupted executions carry on. */
  public CompletionStage<Integer> recover() {
    return new Recovery(system, sharding, askTimeout).run();
  }

  // --- state machines ---

  public CompletionStage<StateMachineRecord> createStateMachine(StateMachineRecord record) {
    compile(record.definition(), record.type());
    return ask(machine(record.stateMachineArn()),
        (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Create(record, r))
        .thenApply(r -> r.get(encryption::unreadable));
  }

  /** DescribeStateMachine's {@code variableReferences}: per state, the variables it reads (empty if none). */
  public Map<String, List<String>> variableReferences(StateMachineRecord machine) {
    try {
      return definitions.get(machine.definition(), machine.type()).variableReferences();
    } catch (InvalidDefinitionException e) {
      return Map.of();
    }
  }

  public CompletionStage<StateMachineRecord> describeStateMachine(String arn) {
    return ask(machine(arn), StateMachineEntity.Describe::new).thenApply(r -> r.get(encryption::unreadable));
  }

  /** Null arguments leave their part unchanged; a new encryption configuration applies to events written after it. */
  public CompletionStage<StateMachineRecord> updateStateMachine(String arn, String definition, String roleArn,
      JsonNode logging, JsonNode tracing, EncryptionConfig encryptionConfiguration) {
    String revisionId = UUID.randomUUID().toString();
    Instant at = clock.instant();
    return describeStateMachine(arn).thenCompose(current -> {
      if (definition != null) compile(definition, current.type());
      if (encryptionConfiguration == null) encryption.checkUsable(current.encryption());
      return ask(machine(arn),
          (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Update(definition, roleArn, logging, tracing,
              encryptionConfiguration, revisionId, at, r));
    }).thenApply(r -> r.get(encryption::unreadable));
  }

  public CompletionStage<Void> deleteStateMachine(String arn) {
    Instant at = clock.instant();
    return ask(machine(arn),
        (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Delete(at, r))
        .thenApply(reply -> {
          reply.get(encryption::unreadable);
          return null;
        });
  }

  public Page<StateMachineSummary> listStateMachines(String region, String account, int maxResults, String nextToken) {
    return catalog.listStateMachines(Arns.stateMachine(region, account, ""), maxResults, nextToken);
  }

  // --- executions ---

  /** Starts an execution of the machine's current revision; Express executions run in memory. */
  public CompletionStage<ExecutionView> startExecution(String machineArn, String name, String input) {
    return describeStateMachine(machineArn).thenCompose(m -> {
      encryption.checkUsable(m.encryption());
      Arns.Parsed p = Arns.parse(machineArn);
      String execName = name != null ? name : UUID.randomUUID().toString();
      Instant now = clock.instant();
      if (m.type().equals("EXPRESS")) {
        String arn = Arns.express(p.region(), p.account(), m.name(), execName, UUID.randomUUID().toString());
        ExecutionInfo info = info(m, arn, execName, input, now);
        express.run(info); // AWS keeps no record of an Express execution started this way
        return CompletableFuture.completedFuture(new ExecutionView(info, null));
      }
      String arn = Arns.execution(p.region(), p.account(), m.name(), execName);
      ExecutionInfo info = info(m, arn, execName, input, now);
      return ask(execution(arn),
          (ActorRef<ExecutionEntity.StartReply> r) -> new ExecutionEntity.Start(info, r))
          .thenApply(r -> r.get(encryption::unreadable));
    });
  }

  /**
   * Runs an Express execution to its end and answers with its result. {@code readCheck} sees the
   * machine once it is known to be Express and may refuse the caller (e.g. no kms:Decrypt on its
   * key), so the machine is described only once.
   */
  public CompletionStage<ExecutionView> startSyncExecution(String machineArn, String name, String input,
      Consumer<StateMachineRecord> readCheck) {
    return describeStateMachine(machineArn).thenCompose(m -> {
      if (!m.type().equals("EXPRESS")) {
        throw new ServiceError("StateMachineTypeNotSupported",
            "This operation is not supported by this type of state machine");
      }
      readCheck.accept(m);
      encryption.checkUsable(m.encryption());
      Arns.Parsed p = Arns.parse(machineArn);
      String execName = name != null ? name : UUID.randomUUID().toString();
      String arn = Arns.express(p.region(), p.account(), m.name(), execName, UUID.randomUUID().toString());
      ExecutionInfo info = info(m, arn, execName, input, clock.instant());
      return express.run(info).thenApply(result -> new ExecutionView(info, result));
    });
  }

  public CompletionStage<ExecutionView> describeExecution(String arn) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return ask(execution(arn), ExecutionEntity.Describe::new).thenApply(r -> view(arn, r));
  }

  public CompletionStage<ExecutionView> stopExecution(String arn, String error, String cause) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return ask(execution(arn),
        (ActorRef<ExecutionEntity.ViewReply> r) -> new ExecutionEntity.Stop(error, cause, r))
        .thenApply(r -> view(arn, r));
  }

  public CompletionStage<List<HistoryEvent>> getExecutionHistory(String arn) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return ask(execution(arn), ExecutionEntity.GetHistory::new).thenApply(r -> {
      if (r.unreadable() != null) throw encryption.unreadable(r.unreadable());
      if (!r.exists()) throw ServiceError.executionDoesNotExist(arn);
      return r.events();
    });
  }

  public Page<ExecutionSummary> listExecutions(String machineArn, String status, int maxResults, String nextToken) {
    return catalog.listExecutions(machineArn, status, maxResults, nextToken);
  }

  // --- activities ---

  public CompletionStage<ActivityRecord> createActivity(ActivityRecord record) {
    return ask(activity(record.activityArn()),
        (ActorRef<ActivityEntity.Reply> r) -> new ActivityEntity.Create(record, r))
        .thenApply(r -> r.get(encryption::unreadable));
  }

  public CompletionStage<ActivityRecord> describeActivity(String arn) {
    return ask(activity(arn), ActivityEntity.Describe::new).thenApply(r -> {
      ActivityRecord a = r.get(encryption::unreadable);
      if (a == null) throw new ServiceError("ActivityDoesNotExist", "Activity Does Not Exist: '" + arn + "'");
      return a;
    });
  }

  public CompletionStage<Void> deleteActivity(String arn) {
    Instant at = clock.instant();
    return ask(activity(arn), (ActorRef<ActivityEntity.Reply> r) -> new ActivityEntity.Delete(at, r))
        .thenApply(r -> {
          r.get(encryption::unreadable);
          return null;
        });
  }

  public Page<ActivitySummary> listActivities(String region, String account, int maxResults, String nextToken) {
    return catalog.listActivities(Arns.activity(region, account, ""), maxResults, nextToken);
  }

  // --- helpers ---

  private ExecutionView view(String arn, ExecutionEntity.ViewReply r) {
    if (r.unreadable() != null) throw encryption.unreadable(r.unreadable());
    if (r.view() == null) throw ServiceError.executionDoesNotExist(arn);
    return r.view();
  }

  private static ExecutionInfo info(StateMachineRecord m, String arn, String name, String input, Instant now) {
    return new ExecutionInfo(arn, name, m.stateMachineArn(), m.name(), m.type(), m.definition(), m.revisionId(),
        m.updateDate(), m.roleArn(), input, now, m.loggingConfiguration(), m.tracingConfiguration(), m.encryption());
  }

  private void compile(String definition, String type) {
    try {
      definitions.get(definition, type);
    } catch (InvalidDefinitionException e) {
      throw new ServiceError("InvalidDefinition", e.getMessage());
    }
  }

  private <C, R> CompletionStage<R> ask(EntityRef<C> entity, Function<ActorRef<R>, C> message) {
    return Asks.ask(entity, message, askTimeout, system.executionContext());
  }

  private EntityRef<StateMachineEntity.Command> machine(String arn) {
    return sharding.entityRefFor(StateMachineEntity.ENTITY_KEY, arn);
  }

  private EntityRef<ActivityEntity.Command> activity(String arn) {
    return sharding.entityRefFor(ActivityEntity.ENTITY_KEY, arn);
  }

  private EntityRef<ExecutionEntity.Command> execution(String arn) {
    return sharding.entityRefFor(ExecutionEntity.ENTITY_KEY, arn);
  }
}
