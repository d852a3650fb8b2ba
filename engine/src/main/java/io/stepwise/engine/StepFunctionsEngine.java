package io.stepwise.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import io.stepwise.asl.CompiledDefinition;
import io.stepwise.asl.InvalidDefinitionException;
import io.stepwise.asl.Problem;
import io.stepwise.asl.TaskCheck;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.activity.ActivityEntity;
import io.stepwise.engine.activity.ActivityRecord;
import io.stepwise.engine.activity.ActivityTasks;
import io.stepwise.engine.activity.TaskInput;
import io.stepwise.engine.activity.TaskTokens;
import io.stepwise.engine.catalog.ActivitySummary;
import io.stepwise.engine.catalog.Catalog;
import io.stepwise.engine.catalog.ExecutionSummary;
import io.stepwise.engine.catalog.ListingTokens;
import io.stepwise.engine.catalog.Page;
import io.stepwise.engine.catalog.StateMachineSummary;
import io.stepwise.engine.execution.DirectWaker;
import io.stepwise.engine.execution.EffectDriver;
import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.asl.interpreter.StateTester;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.TestStates;
import io.stepwise.engine.execution.ExecutionStarter;
import io.stepwise.engine.execution.ExecutionStore;
import io.stepwise.engine.execution.ExecutionView;
import io.stepwise.engine.execution.Result;
import io.stepwise.engine.execution.ExpressRunner;
import io.stepwise.engine.maprun.Scratch;
import io.stepwise.engine.kms.Encryption;
import io.stepwise.engine.integration.HttpInvoke;
import io.stepwise.engine.integration.IntegrationCheck;
import io.stepwise.engine.integration.Integrations;
import io.stepwise.engine.integration.AwsServices;
import io.stepwise.engine.integration.LambdaInvoke;
import io.stepwise.engine.integration.NestedExecutions;
import io.stepwise.engine.mock.Mocks;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.statemachine.Alias;
import io.stepwise.engine.statemachine.MachineView;
import io.stepwise.engine.statemachine.Revisions;
import io.stepwise.engine.statemachine.StateMachineEntity;
import io.stepwise.engine.statemachine.StateMachineRecord;
import io.stepwise.engine.statemachine.Versions;
import io.stepwise.engine.Arns.AliasRef;
import io.stepwise.engine.Arns.VersionRef;
import io.stepwise.engine.tags.Tags;
import io.stepwise.engine.timers.EngineClock;
import io.stepwise.engine.timers.WakeUpScheduler;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.index.ActivityQueue;
import io.stepwise.persistence.journal.DeleteOp;
import io.stepwise.persistence.index.ExecutionIndex;
import io.stepwise.persistence.index.ResourceIndex;
import io.stepwise.persistence.index.WakeUpIndex;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.japi.function.Function;

/**
 * The engine's one entry point for the API edge: every Step Functions action that touches state
 * goes through here to the sharded entities. Methods never block; failures the caller caused
 * complete the stage with a {@link ServiceError}.
 */
public final class StepFunctionsEngine {
  private final ActorSystem<?> system;
  private final ClusterSharding sharding;
  private final Catalog catalog;
  private final DefinitionCache definitions = new DefinitionCache();
  private final MachineView machines = new MachineView(definitions);
  private final Revisions revisions;
  private final ExpressRunner express;
  private final Mocks mocks;
  private final EngineClock clock;
  private final Duration askTimeout;
  private final Encryption encryption;
  private final StepwiseStorage.Handles storage;
  private final Executor io;
  private final ExecutionStore executions;
  private final ExecutionStarter starter;
  private final DirectWaker waker;
  private final WakeUpScheduler wakeUps;
  private final Admission admission;
  private final TaskTokens tokens;
  private final Duration pollWait;
  private final ActivityTasks activityTasks;
  private final io.stepwise.persistence.index.MapRunIndex mapRunIndex;
  private final io.stepwise.engine.maprun.MapRuns mapRuns;
  private final Integrations integrations;

  public StepFunctionsEngine(ActorSystem<?> system, Clock clock) {
    this.system = system;
    // An execution whose machine start-up could not wake wakes it (Revisions throttles the asks).
    this.revisions = new Revisions(arn -> machine(arn).tell(new StateMachineEntity.Wake(system.ignoreRef())));
    this.clock = clock instanceof EngineClock c ? c : EngineClock.real(clock);
    Config config = system.settings().config();
    this.askTimeout = config.getDuration("stepwise.engine.ask-timeout");
    this.admission = new Admission(config.getInt("stepwise.engine.max-waiting-per-entity"));
    Cluster cluster = Cluster.get(system);
    cluster.manager().tell(Join.create(cluster.selfMember().address()));
    this.sharding = ClusterSharding.get(system);
    StepwiseStorage stepwiseStorage = StepwiseStorage.get(system);
    this.storage = stepwiseStorage.handles();
    this.io = stepwiseStorage.ioExecutor();
    // the models a definition's tasks are checked against are read off the actors that run them
    definitions.onCompiled(definition -> io.execute(() -> IntegrationCheck.warm(definition)));
    this.encryption = new Encryption(stepwiseStorage, config.getInt("stepwise.engine.kms-requests-per-second"));
    this.catalog = new Catalog(storage.committer()::submit, new ResourceIndex(storage.db(), storage.names()), io,
        this.clock);
    this.wakeUps = new WakeUpScheduler(new WakeUpIndex(storage.db(), storage.names()), this.clock, this::fire,
        config.getDuration("stepwise.engine.wake-up-horizon"), config.getInt("stepwise.engine.wake-ups-in-flight"));
    // Workers take tasks through the execution that waits for them (askExecution runs later, once asked).
    this.activityTasks = new ActivityTasks(new ActivityQueue(storage.db(), storage.names()),
        (task, worker) -> askExecution(task.executionArn(),
            (ActorRef<ExecutionEntity.TaskHandout> r) -> new ExecutionEntity.StartTask(task, worker, r))
            .thenApply(ExecutionEntity.TaskHandout::input), io);
    this.executions = new ExecutionStore(storage.committer()::submit, wakeUps::scheduled, activityTasks::queued,
        new ExecutionIndex(storage.db(), storage.names()), io, config.getInt("stepwise.engine.snapshot-every"));
    this.tokens = new TaskTokens(storage.taskTokenKey());
    this.pollWait = config.getDuration("stepwise.engine.activity-poll-wait");
    // Standard executions wait for activity workers; Express ones fail such tasks, as AWS does not run them.
    String mockFile = config.getString("stepwise.engine.mock-config");
    this.mocks = mockFile.isBlank() ? Mocks.NONE
        : Mocks.load(java.nio.file.Path.of(mockFile), config.getDuration("stepwise.engine.mock-config-check"));
    NestedExecutions.Executions nested = new NestedExecutions.Executions() {
      @Override
      public CompletionStage<ExecutionView> start(String stateMachineArn, String name, String input,
          Consumer<CompletionStage<ExecutionView>> expressResult) {
        return startExecution(stateMachineArn, null, name, input, null, expressResult);
      }

      @Override
      public CompletionStage<ExecutionView> describe(String executionArn) {
        return describeExecution(executionArn);
      }

      @Override
      public CompletionStage<ExecutionView> stop(String executionArn, String error, String cause) {
        return stopExecution(executionArn, error, cause);
      }
    };
    var serviceEndpoints = serviceEndpoints(config);
    this.mapRunIndex = new io.stepwise.persistence.index.MapRunIndex(storage.db(), storage.names());
    AwsServices awsServices = new AwsServices(serviceEndpoints, java.time.Clock.systemUTC());
    java.util.concurrent.ExecutorService mapRunThreads = java.util.concurrent.Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "stepwise-map-runs");
      t.setDaemon(true);
      return t;
    });
    // emptied now: what a killed server was reading or writing there is of no use
    java.nio.file.Path scratch = Scratch.prepare(java.nio.file.Path.of(config.getString("stepwise.data-dir")));
    this.mapRuns = new io.stepwise.engine.maprun.MapRuns(new io.stepwise.engine.maprun.MapRuns.Children() {
      @Override
      public CompletionStage<io.stepwise.engine.execution.Result> standard(ExecutionInfo info, CompiledDefinition def) {
        return standardChild(info, def);
      }

      @Override
      public CompletionStage<io.stepwise.engine.execution.Result> express(ExecutionInfo info, CompiledDefinition def) {
        return express.run(info, def);
      }

      @Override
      public CompletionStage<io.stepwise.engine.execution.Result> redrive(ExecutionInfo info, CompiledDefinition def) {
        String arn = info.executionArn();
        CompletableFuture<io.stepwise.engine.execution.Result> end = executions.endOf(arn);
        return redriveExecution(arn, null).thenCompose(date -> endAfter(arn, date, end));
      }

      @Override
      public void stop(String executionArn, String error, String cause) {
        if (executionArn.contains(":express:")) express.stop(executionArn, error, cause);
        else stopExecution(executionArn, error, cause);
      }
    }, new io.stepwise.engine.maprun.MapRuns.Records() {
      @Override
      public void save(String executionArn, String mapRunArn, com.fasterxml.jackson.databind.node.ObjectNode record) {
        storage.committer().submit(mapRunIndex.put(new io.stepwise.persistence.index.IndexOp(), executionArn, mapRunArn,
            Json.write(record).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }

      @Override
      public Optional<com.fasterxml.jackson.databind.node.ObjectNode> load(String mapRunArn) {
        return mapRunIndex.get(mapRunArn).map(StepFunctionsEngine::record);
      }

      @Override
      public void childrenEnded(String mapRunArn, long block, com.fasterxml.jackson.databind.node.ObjectNode outcomes) {
        storage.committer().submit(mapRunIndex.putChildren(new io.stepwise.persistence.index.IndexOp(), mapRunArn, block,
            Json.write(outcomes).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      }

      @Override
      public Optional<com.fasterxml.jackson.databind.node.ObjectNode> children(String mapRunArn, long block) {
        return mapRunIndex.children(mapRunArn, block).map(StepFunctionsEngine::record);
      }
    },
        bucketDirectories(config), new io.stepwise.engine.maprun.ObjectStore() {
          @Override
          public JsonNode call(String operation, JsonNode parameters) {
            return awaited(awsServices.call("s3", operation, parameters));
          }

          @Override
          public boolean available() {
            return awsServices.reaches("s3");
          }

          @Override
          public void download(JsonNode parameters, java.nio.file.Path file) {
            awaited(awsServices.download(parameters, file));
          }

          @Override
          public void upload(JsonNode parameters, java.nio.file.Path file) {
            awaited(awsServices.upload(parameters, file));
          }

          @Override
          public java.nio.file.Path scratch() {
            try {
              return Scratch.ready(scratch);
            } catch (java.io.IOException e) {
              throw new io.stepwise.asl.StatesError("States.Runtime", e.getMessage(), true);
            }
          }
        }, this.clock, mapRunThreads);
    Adapter.toClassic(system).registerOnTermination(mapRunThreads::shutdownNow);
    Adapter.toClassic(system).registerOnTermination(() -> {
      try {
        java.nio.file.Files.deleteIfExists(scratch); // when empty: runs under way keep theirs until the next start
      } catch (java.io.IOException e) {
        // not empty, or gone
      }
    });
    this.integrations = new Integrations(List.of(
        mapRuns,
        new HttpInvoke(httpConnections(config),
            config.hasPath("stepwise.region") ? config.getString("stepwise.region") : "us-east-1"),
        new LambdaInvoke(serviceEndpoints.apply("lambda").orElse(null), java.time.Clock.systemUTC()),
        new io.stepwise.engine.integration.KubernetesCalls(kubernetesTokens(config)),
        awsServices,
        new NestedExecutions(nested, config.getDuration("stepwise.engine.nested-execution-poll"),
            (delay, task) -> system.scheduler().scheduleOnce(delay, task, system.executionContext()))), io);
    wakeUps.holdVirtualTimeWhile(integrations::busy);
    EffectDriver driver = new EffectDriver(EffectDriver.ACTIVITIES_LATER, mocks, integrations, tokens::encode);
    EffectDriver expressDriver = new EffectDriver(EffectDriver.UNSUPPORTED, mocks, integrations, tokens::encode);
    this.starter = new ExecutionStarter(executions, driver, this.clock);
    this.waker = new DirectWaker(executions, storage.store(), storage.reader(), revisions, definitions, driver,
        encryption, this.clock, io);
    sharding.init(Entity.of(StateMachineEntity.ENTITY_KEY,
        ctx -> StateMachineEntity.create(ctx.getEntityId(), ctx.getShard(), catalog, encryption, machines, revisions)));
    sharding.init(Entity.of(ActivityEntity.ENTITY_KEY,
        ctx -> ActivityEntity.create(ctx.getEntityId(), ctx.getShard(), catalog, encryption)));
    sharding.init(Entity.of(ExecutionEntity.ENTITY_KEY,
        ctx -> ExecutionEntity.create(ctx.getEntityId(), ctx.getShard(), definitions, revisions, executions, driver,
            encryption, this.clock))
        .withStopMessage(ExecutionEntity.PASSIVATE));
    this.express = new ExpressRunner(system.scheduler(), system.executionContext(), expressDriver, this.clock);
    Adapter.toClassic(system).registerOnTermination(wakeUps::stop);
    Adapter.toClassic(system).registerOnTermination(mocks::close);
  }

  public Clock clock() {
    return clock;
  }

  /** Hands a due row of the wake-up index to its execution; completes with when to try again (null: done). */
  private CompletionStage<Instant> fire(WakeUpIndex.WakeUp row) {
    java.util.function.Supplier<CompletionStage<Instant>> byEntity = () -> askExecution(row.entityId(),
        (ActorRef<ExecutionEntity.Fired> r) -> new ExecutionEntity.Fire(row, r)).thenApply(ExecutionEntity.Fired::retryAt);
    // an integration's call is made by the execution's entity (its answer goes there): reading the
    // journal here first would only find that out
    return ExecutionStore.isDispatch(row) ? byEntity.get() : waker.fire(row, byEntity);
  }

  /** Due wake-up rows fired so far: {@code [stepped directly from the journal, by entities]}. */
  public long[] wakeUpsFired() {
    return waker.fired();
  }

  /** Customer-managed keys: validation of encryption configurations and read permission checks. */
  public Encryption encryption() {
    return encryption;
  }

  /**
   * Wakes the stored state machines and activities, then starts the wake-up scheduler: executions
   * whose deadlines passed while the server was down carry on first, the rest when due.
   */
  public CompletionStage<Integer> recover() {
    return new Recovery(system, sharding, askTimeout, storage.store(), io).run().thenApply(n -> {
      wakeUps.start();
      return n;
    });
  }

  // --- state machines ---

  /** A machine as created or updated, and the version that published (null if none). */
  public record Saved(StateMachineRecord record, String versionArn) {}

  /**
   * {@code tags} apply only if the machine is new: a repeated create ignores them, as AWS does;
   * {@code publish} also publishes the new machine as version 1.
   */
  public CompletionStage<Saved> createStateMachine(StateMachineRecord record, Map<String, String> tags, boolean publish,
      String versionDescription) {
    // off the dispatcher: the check may read a service's model. Then Standard executions of a
    // deleted machine of this ARN that still run: the listing has them
    return CompletableFuture.supplyAsync(() -> {
      compileNew(record.definition(), record.type());
      return executions.listing().hasRunning(record.stateMachineArn());
    }, io)
        .thenCompose(deleting -> ask(machine(record.stateMachineArn()),
            (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Create(record, tags, publish,
                versionDescription, deleting, r)))
        .thenApply(r -> new Saved(r.get(encryption::unreadable), r.versionArn()));
  }

  /** DescribeStateMachine's {@code variableReferences}: per state, the variables it reads (empty if none). */
  public Map<String, List<String>> variableReferences(StateMachineRecord machine) {
    try {
      return definitions.get(machine.definition(), machine.type()).variableReferences();
    } catch (InvalidDefinitionException e) {
      return Map.of();
    }
  }

  /**
   * From the local view when it holds the machine, else from its entity (which fills the view). A
   * machine deleted while executions of it still run is being deleted: StateMachineDeleting.
   */
  public CompletionStage<StateMachineRecord> describeStateMachine(String arn) {
    return describeStateMachineStatus(arn).thenApply(d -> {
      if (d.deleting()) throw ServiceError.stateMachineDeleting(arn);
      return d.record();
    });
  }

  /**
   * A machine as DescribeStateMachine shows it: {@code deleting} (status DELETING) until its
   * executions end, as on AWS; {@code record} is null for one deleted while it could not be read.
   */
  public record Described(StateMachineRecord record, boolean deleting) {}

  private static ServiceError typeNotSupported() {
    return new ServiceError("StateMachineTypeNotSupported", "This operation is not supported by this type of state machine");
  }

  public CompletionStage<Described> describeStateMachineStatus(String arn) {
    Optional<MachineView.Entry> hit = machines.get(arn);
    if (hit.isPresent()) return CompletableFuture.completedFuture(new Described(hit.get().record(), false));
    return ask(machine(arn), StateMachineEntity.Describe::new).thenCompose(r -> {
      if (r.unreadable() != null || r.errorCode() == null) {
        return CompletableFuture.completedFuture(new Described(r.get(encryption::unreadable), false));
      }
      // none: being deleted while Standard executions of a deleted one run (the listing has them)
      return CompletableFuture.supplyAsync(() -> executions.listing().hasRunning(arn), io).thenApply(running -> {
        if (!running) r.get(encryption::unreadable); // throws StateMachineDoesNotExist
        return new Described(r.record(), true);
      });
    });
  }

  /**
   * Whether the machine {@code executionArn} ran on was deleted (being deleted, or gone): its
   * executions cannot be redriven. A Map Run's child runs {@code machine/label}, no machine of its own: false.
   */
  private CompletionStage<Boolean> machineDeleted(String executionArn) {
    Arns.Parsed p = Arns.parse(executionArn);
    int colon = p.rest().indexOf(':');
    String name = colon < 0 ? p.rest() : p.rest().substring(0, colon);
    if (name.contains("/")) return CompletableFuture.completedFuture(false);
    String machineArn = Arns.stateMachine(p.region(), p.account(), name);
    if (machines.get(machineArn).isPresent()) return CompletableFuture.completedFuture(false);
    return describeStateMachineStatus(machineArn).handle((d, e) -> e == null ? d.deleting() : machineNotFound(e));
  }

  private static boolean machineNotFound(Throwable failure) {
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return cause instanceof ServiceError se && se.code().equals("StateMachineDoesNotExist");
  }

  /** Null arguments leave their part unchanged; a new encryption configuration applies to events written after it. */
  public CompletionStage<Saved> updateStateMachine(String arn, String definition, String roleArn,
      JsonNode logging, JsonNode tracing, EncryptionConfig encryptionConfiguration, boolean publish,
      String versionDescription) {
    String revisionId = UUID.randomUUID().toString();
    Instant at = clock.instant();
    return describeStateMachine(arn).thenComposeAsync(current -> {
      if (definition != null) compileNew(definition, current.type()); // on io: it may read a service's model
      if (encryptionConfiguration == null) encryption.checkUsable(current.encryption());
      return ask(machine(arn),
          (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.Update(definition, roleArn, logging, tracing,
              encryptionConfiguration, revisionId, at, publish, versionDescription, r));
    }, io).thenApply(r -> new Saved(r.get(encryption::unreadable), r.versionArn()));
  }

  // --- versions ---

  public CompletionStage<StateMachineRecord> publishStateMachineVersion(String arn, String revisionId,
      String description) {
    Instant at = clock.instant();
    return deletingWhileRunning(arn, ask(machine(arn), (ActorRef<StateMachineEntity.Reply> r) ->
        new StateMachineEntity.Publish(revisionId, description, at, r)).thenApply(r -> r.get(encryption::unreadable)));
  }

  /**
   * {@code stage}, but a machine deleted while its Standard executions still run is being deleted:
   * its StateMachineDoesNotExist becomes StateMachineDeleting, as AWS answers.
   */
  private <T> CompletionStage<T> deletingWhileRunning(String machineArn, CompletionStage<T> stage) {
    return stage.exceptionallyCompose(e -> {
      if (!machineNotFound(e)) return CompletableFuture.failedFuture(e);
      return CompletableFuture.supplyAsync(() -> executions.listing().hasRunning(machineArn), io)
          .thenCompose(running -> CompletableFuture.<T>failedFuture(running ? ServiceError.stateMachineDeleting(machineArn) : e));
    });
  }

  /** Newest first. */
  public CompletionStage<List<Versions.Version>> listStateMachineVersions(String arn) {
    return ask(machine(arn), StateMachineEntity.ListVersions::new).thenApply(r -> r.get(encryption::unreadable));
  }

  public CompletionStage<StateMachineRecord> describeStateMachineVersion(VersionRef version) {
    return ask(machine(version.machineArn()),
        (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.DescribeVersion(version.number(), r))
        .thenApply(r -> r.get(encryption::unreadable));
  }

  // --- aliases ---

  public CompletionStage<Alias> saveStateMachineAlias(AliasRef alias, String description, List<Alias.Route> routing,
      boolean create) {
    Instant at = clock.instant();
    CompletionStage<Alias> saved = ask(machine(alias.machineArn()), (ActorRef<StateMachineEntity.AliasReply> r) ->
        new StateMachineEntity.SaveAlias(alias.name(), description, routing, create, at, r))
        .thenApply(r -> r.get(encryption::unreadable).alias());
    return create ? deletingWhileRunning(alias.machineArn(), saved) : saved;
  }

  public CompletionStage<Alias> describeStateMachineAlias(AliasRef alias) {
    return ask(machine(alias.machineArn()),
        (ActorRef<StateMachineEntity.AliasReply> r) -> new StateMachineEntity.DescribeAlias(alias.name(), r))
        .thenApply(r -> r.get(encryption::unreadable).alias());
  }

  public CompletionStage<Void> deleteStateMachineAlias(AliasRef alias) {
    return ask(machine(alias.machineArn()),
        (ActorRef<StateMachineEntity.AliasReply> r) -> new StateMachineEntity.DeleteAlias(alias.name(), r))
        .thenApply(r -> {
          r.get(encryption::unreadable);
          return null;
        });
  }

  /** By name. */
  public CompletionStage<List<Alias>> listStateMachineAliases(String machineArn) {
    return ask(machine(machineArn), StateMachineEntity.ListAliases::new)
        .thenApply(r -> r.get(encryption::unreadable).aliases());
  }

  public CompletionStage<Void> deleteStateMachineVersion(VersionRef version) {
    return ask(machine(version.machineArn()),
        (ActorRef<StateMachineEntity.Reply> r) -> new StateMachineEntity.DeleteVersion(version.number(), r))
        .thenApply(r -> {
          r.get(encryption::unreadable);
          return null;
        });
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

  public CompletionStage<Page<StateMachineSummary>> listStateMachines(String region, String account, int maxResults,
      String nextToken) {
    return catalog.listStateMachines(Arns.stateMachine(region, account, ""), maxResults, nextToken);
  }

  // --- executions ---

  /**
   * Starts an execution of the machine's current revision; Express executions run in memory.
   * {@code testCase} (null for none) names the mock configuration's test case it runs with.
   */
  public CompletionStage<ExecutionView> startExecution(String machineArn, String testCase, String name, String input) {
    return startExecution(machineArn, testCase, name, input, null, null);
  }

  /** As above, with the X-Ray trace header the start was given ({@code traceHeader}, null if none). */
  public CompletionStage<ExecutionView> startExecution(String machineArn, String testCase, String name, String input,
      String traceHeader) {
    return startExecution(machineArn, testCase, name, input, traceHeader, null);
  }

  /** As above; an Express execution's result is handed to {@code expressResult} (nested .sync tasks wait on it). */
  private CompletionStage<ExecutionView> startExecution(String machineArn, String testCase, String name, String input,
      String traceHeader, Consumer<CompletionStage<ExecutionView>> expressResult) {
    return startTarget(machineArn, (m, target) -> {
      StateMachineRecord r = m.record();
      requireTestCase(r.name(), testCase);
      encryption.checkUsable(r.encryption());
      Arns.Parsed p = Arns.parse(r.stateMachineArn());
      String execName = name != null ? name : Ids.uuid();
      Instant now = clock.instant();
      if (r.type().equals("EXPRESS")) {
        String arn = Arns.express(p.region(), p.account(), r.name(), execName, Ids.uuid());
        ExecutionInfo info = info(r, arn, execName, input, now, target).withTestCase(testCase)
            .withTraceHeader(traceHeader);
        // AWS keeps no record of an Express execution started this way
        CompletionStage<Result> run = express.run(info, m.compiled());
        if (expressResult != null) expressResult.accept(run.thenApply(result -> new ExecutionView(info, result)));
        return CompletableFuture.completedFuture(new ExecutionView(info, null));
      }
      String arn = Arns.execution(p.region(), p.account(), r.name(), execName);
      return starter.start(info(r, arn, execName, input, now, target).withTestCase(testCase)
          .withTraceHeader(traceHeader), m.compiled(),
          info -> askExecution(arn,
          (ActorRef<ExecutionEntity.StartReply> reply) -> new ExecutionEntity.Start(info, reply))
          .thenApply(reply -> reply.get(encryption::unreadable)));
    });
  }

  /**
   * Runs an Express execution to its end and answers with its result. {@code readCheck} sees the
   * machine once it is known to be Express and may refuse the caller (e.g. no kms:Decrypt on its
   * key). The machine comes from the local view, and an execution that does not wait runs to its
   * end on the calling thread.
   */
  public CompletionStage<ExecutionView> startSyncExecution(String machineArn, String testCase, String name,
      String input, String traceHeader, Consumer<StateMachineRecord> readCheck) {
    return startTarget(machineArn, (m, target) -> {
      StateMachineRecord r = m.record();
      if (!r.type().equals("EXPRESS")) throw typeNotSupported();
      requireTestCase(r.name(), testCase);
      readCheck.accept(r);
      encryption.checkUsable(r.encryption());
      Arns.Parsed p = Arns.parse(r.stateMachineArn());
      String execName = name != null ? name : Ids.uuid();
      String arn = Arns.express(p.region(), p.account(), r.name(), execName, Ids.uuid());
      ExecutionInfo info = info(r, arn, execName, input, clock.instant(), target).withTestCase(testCase)
          .withTraceHeader(traceHeader);
      return express.run(info, m.compiled()).thenApply(result -> new ExecutionView(info, result));
    });
  }

  /**
   * {@code stepwise.engine.http-connections}: what each EventBridge connection an HTTP Task names
   * (by ARN or name) adds to its calls.
   */
  private static Map<String, HttpInvoke.Connection> httpConnections(Config config) {
    Map<String, HttpInvoke.Connection> out = new java.util.HashMap<>();
    for (Config c : config.getConfigList("stepwise.engine.http-connections")) {
      out.put(c.getString("connection"), new HttpInvoke.Connection(strings(c, "headers"),
          strings(c, "query-parameters"),
          c.hasPath("body-parameters")
              ? (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.valueToTree(c.getObject("body-parameters").unwrapped())
              : Json.MAPPER.createObjectNode()));
    }
    return out;
  }

  /** {@code stepwise.engine.bucket-directories}: the local directory of each bucket Distributed Maps read and write. */
  private static Map<String, java.nio.file.Path> bucketDirectories(Config config) {
    Map<String, java.nio.file.Path> out = new java.util.HashMap<>();
    var dirs = config.getObject("stepwise.engine.bucket-directories");
    for (String bucket : dirs.keySet()) {
      out.put(bucket, java.nio.file.Path.of(dirs.toConfig().getString("\"" + bucket + "\"")).toAbsolutePath().normalize());
    }
    return out;
  }

  /**
   * A Map Run's Standard child: started (or found, started before a restart) and waited for — its
   * end is told by the step that ends it, and looked at every 30 s as well (in case that was missed).
   */
  private CompletionStage<io.stepwise.engine.execution.Result> standardChild(ExecutionInfo info, CompiledDefinition def) {
    String arn = info.executionArn();
    CompletableFuture<io.stepwise.engine.execution.Result> end = executions.endOf(arn);
    starter.start(info, def, existing -> describeExecution(arn)).whenComplete((view, failure) -> {
      if (failure != null) {
        // not known to have started (a full journal, a timeout): look again rather than count it failed
        lookAgain(arn, end);
      } else if (view.result() != null) {
        executions.forgetEnd(arn);
        end.complete(view.result());
      } else {
        lookAgain(arn, end);
      }
    });
    return end;
  }

  /**
   * The end of a Standard child redriven at {@code redriven}: an end from before it (a stop sent
   * by the failed attempt, written just ahead of the redrive) is not it; looked at every 30 s too,
   * as the end's notice is only a hint.
   */
  private CompletionStage<io.stepwise.engine.execution.Result> endAfter(String arn, Instant redriven,
      CompletableFuture<io.stepwise.engine.execution.Result> end) {
    lookAgain(arn, end);
    return end.thenCompose(r -> r.stopDate() != null && r.stopDate().isBefore(redriven)
        ? endAfter(arn, redriven, executions.endOf(arn))
        : CompletableFuture.completedFuture(r));
  }

  private void lookAgain(String arn, CompletableFuture<io.stepwise.engine.execution.Result> end) {
    system.scheduler().scheduleOnce(Duration.ofSeconds(30), () -> {
      if (end.isDone()) return;
      describeExecution(arn).whenComplete((view, failure) -> {
        Throwable f = failure instanceof java.util.concurrent.CompletionException c && c.getCause() != null ? c.getCause() : failure;
        if (f instanceof ServiceError e && e.code().equals("ExecutionDoesNotExist")) {
          executions.forgetEnd(arn);
          end.completeExceptionally(e);
        } else if (failure == null && view.result() != null) {
          executions.forgetEnd(arn);
          end.complete(view.result());
        } else if (!end.isDone()) {
          lookAgain(arn, end);
        }
      });
    }, system.executionContext());
  }

  /** TestState: the state runs in the request; a Task without a mock calls its integration for real. */
  public CompletionStage<StateTester.Outcome> testState(TestStates.Request request) {
    // off the caller's (dispatcher) thread: a service's model is read from the jar the first time a
    // mock is checked against it, and a Map's reader data is parsed
    return CompletableFuture.supplyAsync(() -> TestStates.run(request, clock.instant(), integrations), io)
        .thenCompose(outcome -> outcome);
  }

  // --- Map Runs ---

  /** {@code ...:mapRun:machine/label:id} to {@code ...:stateMachine:machine/label}, what its children run. */
  public static String childMachineOf(String mapRunArn) {
    String s = mapRunArn.replace(":mapRun:", ":stateMachine:");
    return s.substring(0, s.lastIndexOf(':'));
  }

  /** DescribeMapRun: the run under way here, else its record; ResourceNotFound if there is none. */
  public CompletionStage<com.fasterxml.jackson.databind.node.ObjectNode> describeMapRun(String mapRunArn) {
    Optional<com.fasterxml.jackson.databind.node.ObjectNode> live = mapRuns.live(mapRunArn);
    if (live.isPresent()) return CompletableFuture.completedFuture(live.get());
    return CompletableFuture.supplyAsync(() -> mapRunIndex.get(mapRunArn).map(StepFunctionsEngine::record)
        .orElseThrow(() -> new ServiceError("ResourceNotFound", "Resource not found: '" + mapRunArn + "'")), io);
  }

  /** Waits for {@code stage} (on a Map Run's own thread, never a dispatcher's); its failure as thrown. */
  private static <T> T awaited(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : e;
    }
  }

  private static com.fasterxml.jackson.databind.node.ObjectNode record(byte[] bytes) {
    try {
      return (com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(bytes);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** ListMapRuns: the records of the execution's Map Runs (ExecutionDoesNotExist if it does not exist). */
  public CompletionStage<List<com.fasterxml.jackson.databind.node.ObjectNode>> listMapRuns(String executionArn) {
    return describeExecution(executionArn).thenCompose(exists -> CompletableFuture.supplyAsync(() -> {
      List<com.fasterxml.jackson.databind.node.ObjectNode> out = new ArrayList<>();
      for (String arn : mapRunIndex.of(executionArn)) {
        Optional<com.fasterxml.jackson.databind.node.ObjectNode> r = mapRuns.live(arn);
        out.add(r.orElseGet(() -> mapRunIndex.get(arn).map(StepFunctionsEngine::record).orElseThrow()));
      }
      return out;
    }, io));
  }

  /** UpdateMapRun: a running Map Run's concurrency and tolerated failures. */
  public CompletionStage<Void> updateMapRun(String mapRunArn, Integer maxConcurrency, Double toleratedCount,
      Double toleratedPercentage) {
    if (mapRuns.update(mapRunArn, maxConcurrency, toleratedCount, toleratedPercentage)) {
      return CompletableFuture.completedFuture(null);
    }
    return describeMapRun(mapRunArn).thenApply(r -> {
      throw ServiceError.validation("Map Run " + mapRunArn + " is not running: it is " + r.path("status").asText());
    });
  }

  /** {@code stepwise.engine.kubernetes-tokens}: the bearer token of each cluster, by its name. */
  private static Map<String, String> kubernetesTokens(Config config) {
    Map<String, String> out = new java.util.HashMap<>();
    var tokens = config.getObject("stepwise.engine.kubernetes-tokens");
    for (String cluster : tokens.keySet()) out.put(cluster, String.valueOf(tokens.get(cluster).unwrapped()));
    return out;
  }

  /**
   * The endpoint of a service by its model name: {@code stepwise.engine.endpoints.<service>}, else
   * {@code stepwise.engine.endpoints.default} (one endpoint for every service, LocalStack's say).
   * Each is checked once, when the engine starts.
   */
  private static java.util.function.Function<String, java.util.Optional<io.stepwise.engine.integration.Endpoint>> serviceEndpoints(
      Config config) {
    Map<String, io.stepwise.engine.integration.Endpoint> all = new java.util.HashMap<>();
    for (String service : config.getObject("stepwise.engine.endpoints").keySet()) {
      io.stepwise.engine.integration.Endpoint e = endpoint(config, service);
      if (e != null) all.put(service, e);
    }
    io.stepwise.engine.integration.Endpoint fallback = all.get("default");
    return service -> java.util.Optional.ofNullable(all.getOrDefault(service, fallback));
  }

  /** {@code stepwise.engine.endpoints.<service>}, signed with {@code stepwise.engine.endpoint-credentials}; null if unset. */
  private static io.stepwise.engine.integration.Endpoint endpoint(Config config, String service) {
    String url = config.getString("stepwise.engine.endpoints." + service);
    if (url.isBlank()) return null;
    java.net.URI uri = java.net.URI.create(url.endsWith("/") ? url : url + "/");
    if (uri.getScheme() == null || uri.getHost() == null) {
      throw new IllegalArgumentException("stepwise.engine.endpoints." + service + " must be an http(s) URL, got " + url);
    }
    return new io.stepwise.engine.integration.Endpoint(uri,
        config.hasPath("stepwise.region") ? config.getString("stepwise.region") : "us-east-1",
        config.getString("stepwise.engine.endpoint-credentials.access-key-id"),
        config.getString("stepwise.engine.endpoint-credentials.secret-access-key"));
  }

  private static Map<String, String> strings(Config c, String path) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    if (c.hasPath(path)) c.getObject(path).unwrapped().forEach((k, v) -> out.put(k, String.valueOf(v)));
    return out;
  }

  /** A test case must be in the mock configuration in use, under the machine's name. */
  private void requireTestCase(String machineName, String testCase) {
    if (testCase == null || mocks.current().hasTestCase(machineName, testCase)) return;
    throw ServiceError.validation(mocks.file().isEmpty()
        ? "Test case '" + testCase + "' cannot be used: this server runs without a mock configuration"
            + " (start it with --mock-config FILE or SFN_MOCK_CONFIG=FILE)"
        : "The mock configuration " + mocks.file().get() + " has no test case '" + testCase
            + "' for state machine '" + machineName + "'");
  }

  /**
   * Runs {@code then} with the machine from the local view; on a miss, asks its entity (which
   * recovers and fills the view). Failures, thrown or not, end up in the returned stage.
   */
  private <T> CompletionStage<T> machine(String arn,
      java.util.function.Function<MachineView.Entry, CompletionStage<T>> then) {
    Optional<MachineView.Entry> hit = machines.get(arn);
    if (hit.isPresent()) {
      try {
        return then.apply(hit.get());
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    return describeStateMachine(arn).thenCompose(record -> {
      MachineView.Entry e = machines.get(arn).filter(v -> v.record().equals(record))
          .orElseGet(() -> new MachineView.Entry(record, compile(record.definition(), record.type())));
      return then.apply(e);
    });
  }

  public CompletionStage<ExecutionView> describeExecution(String arn) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return askExecution(arn, ExecutionEntity.Describe::new).thenApply(r -> view(arn, r)).thenCompose(v -> {
      // one that could be redriven cannot once its machine was deleted
      if (v.result() == null || v.notRedrivable() != null) return CompletableFuture.completedFuture(v);
      return machineDeleted(arn).thenApply(deleted -> deleted ? new ExecutionView(v.info(), v.result(), ExecutionView.MACHINE_DELETED) : v);
    });
  }

  public CompletionStage<ExecutionView> stopExecution(String arn, String error, String cause) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return askExecution(arn,
        (ActorRef<ExecutionEntity.ViewReply> r) -> new ExecutionEntity.Stop(error, cause, r))
        .thenApply(r -> view(arn, r));
  }

  /** RedriveExecution: the redrive's date (that of the earlier one, for a client token used in the last 15 minutes). */
  public CompletionStage<Instant> redriveExecution(String arn, String clientToken) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      // Express executions are never recorded, so none can be redriven (AWS: not supported for EXPRESS).
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return machineDeleted(arn).thenCompose(deleted -> askExecution(arn,
        (ActorRef<ExecutionEntity.RedriveReply> r) -> new ExecutionEntity.Redrive(clientToken, deleted, r)))
        .thenApply(r -> {
          if (r.unreadable() != null) throw encryption.unreadable(r.unreadable());
          if (r.errorCode() != null) throw new ServiceError(r.errorCode(), r.errorMessage());
          return r.redriveDate();
        });
  }

  public CompletionStage<List<HistoryEvent>> getExecutionHistory(String arn) {
    if (Arns.parse(arn).resourceType().equals("express")) {
      return CompletableFuture.failedFuture(ServiceError.executionDoesNotExist(arn));
    }
    return askExecution(arn, ExecutionEntity.GetHistory::new).thenApply(r -> {
      if (r.unreadable() != null) throw encryption.unreadable(r.unreadable());
      if (!r.exists()) throw ServiceError.executionDoesNotExist(arn);
      return r.events();
    });
  }

  /**
   * Executions listed under {@code listedArn} (a machine, or one of its versions or aliases),
   * newest first, from the persisted listing index; {@code redriven} keeps only executions that
   * were (true) or were not (false) redriven, null keeps all.
   */
  public CompletionStage<Page<ExecutionSummary>> listExecutions(String listedArn, String status, Boolean redriven,
      int maxResults, String nextToken) {
    byte[] after = nextToken == null ? null : ListingTokens.decode(nextToken);
    Optional<VersionRef> version = Arns.version(listedArn);
    Optional<AliasRef> alias = version.isPresent() ? Optional.empty() : Arns.alias(listedArn);
    String machineArn = version.map(VersionRef::machineArn).or(() -> alias.map(AliasRef::machineArn)).orElse(listedArn);
    boolean mapRun = listedArn.contains(":mapRun:");
    // The version, alias, machine or Map Run must exist (each answers its own not-found error).
    CompletionStage<?> exists = version.isPresent() ? describeStateMachineVersion(version.get())
        : alias.isPresent() ? describeStateMachineAlias(alias.get()).thenCompose(a -> describeStateMachineStatus(machineArn))
        : mapRun ? describeMapRun(listedArn) : describeStateMachineStatus(listedArn); // a deleting machine lists its executions
    return exists.thenApplyAsync(known -> {
      // "This API action is not supported by EXPRESS state machines" (the API Reference)
      StateMachineRecord listedMachine = known instanceof Described d ? d.record() : known instanceof StateMachineRecord r ? r : null;
      if (listedMachine != null && listedMachine.type().equals("EXPRESS")) throw typeNotSupported();
      ExecutionIndex.Page page;
      try {
        page = executions.listing().page(listedArn, machineArn, status, after, maxResults,
            redriven == null ? r -> true : r -> (r.redriveCount() > 0) == redriven);
      } catch (IllegalArgumentException e) {
        throw ListingTokens.invalid();
      }
      List<ExecutionSummary> items = new ArrayList<>(page.rows().size());
      for (ExecutionIndex.Row r : page.rows()) {
        // a Map Run's children are listed under it and run its machine/label
        String machine = mapRun ? childMachineOf(listedArn) : r.stateMachineArn();
        items.add(new ExecutionSummary(r.executionArn(), machine, r.name(), r.status(),
            ExecutionStore.ofMicros(r.startMicros()), r.stopMicros() < 0 ? null : ExecutionStore.ofMicros(r.stopMicros()),
            r.versionArn(), r.aliasArn(), r.redriveCount(),
            r.redriveMicros() < 0 ? null : ExecutionStore.ofMicros(r.redriveMicros()),
            mapRun && r.itemCount() >= 0 ? Integer.valueOf(r.itemCount()) : null));
      }
      return new Page<>(items, page.next() == null ? null : ListingTokens.encode(page.next()));
    }, io);
  }

  // --- activities ---

  /** {@code tags} apply only if the activity is new: a repeated create ignores them, as AWS does. */
  public CompletionStage<ActivityRecord> createActivity(ActivityRecord record, Map<String, String> tags) {
    return ask(activity(record.activityArn()),
        (ActorRef<ActivityEntity.Reply> r) -> new ActivityEntity.Create(record, tags, r))
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

  public CompletionStage<Page<ActivitySummary>> listActivities(String region, String account, int maxResults,
      String nextToken) {
    return catalog.listActivities(Arns.activity(region, account, ""), maxResults, nextToken);
  }

  // --- activity tasks ---

  /** A task a worker took: its token and input. */
  public record ActivityTask(String taskToken, String input) {}

  /**
   * GetActivityTask: the oldest task of the activity, started for {@code workerName}, or empty
   * when none comes within {@code stepwise.engine.activity-poll-wait}. {@code readCheck} sees the
   * activity first and may refuse the caller (no kms:Decrypt on its key, or the key unusable):
   * then no task is taken. The worker gets the input as journaled under the activity's key. When
   * {@code callerGone} completes (the worker's connection closed) the poll ends and takes nothing.
   */
  public CompletionStage<Optional<ActivityTask>> getActivityTask(String activityArn, String workerName,
      Consumer<ActivityRecord> readCheck, CompletionStage<?> callerGone) {
    return describeActivity(activityArn).thenCompose(a -> {
      readCheck.accept(a);
      return activityTasks.poll(activityArn, workerName, pollWait, callerGone);
    }).thenCompose(h -> {
      if (h.isEmpty()) return CompletableFuture.completedFuture(Optional.<ActivityTask>empty());
      ActivityTasks.Handout t = h.get();
      String token = tokens.encode(t.task().executionArn(), t.task().effectId());
      // The task has started: the worker gets it whatever the read gives. The journaled copy is the
      // task's input; a task scheduled by an earlier version has none, and one written by a step
      // that lost a race (another input under the same task id) is not this task's: then the
      // execution's own copy, which the step recorded, is.
      String pid = TaskInput.persistenceId(t.task());
      return storage.reader().read(pid, 1, Long.MAX_VALUE, 1).handle((events, failure) -> {
        String input = failure == null && !events.isEmpty() && events.get(0).payload() instanceof TaskInput in
            && sameJson(in.input(), t.input()) ? in.input() : t.input();
        // Handed out: the copy has served (a task is handed out once), so it does not stay on disk.
        if (failure == null && !events.isEmpty()) storage.committer().submit(DeleteOp.eventsTo(pid, 1));
        return Optional.of(new ActivityTask(token, input));
      });
    });
  }

  private static boolean sameJson(String a, String b) {
    if (a.equals(b)) return true;
    try {
      return Json.MAPPER.readTree(a).equals(Json.MAPPER.readTree(b));
    } catch (Exception e) {
      return false;
    }
  }

  /** The account of the execution a genuine task token belongs to, if it is one. */
  public Optional<String> taskTokenAccount(String taskToken) {
    return tokens.decode(taskToken).map(t -> Arns.parse(t.executionArn())).map(Arns.Parsed::account);
  }

  public CompletionStage<Void> sendTaskSuccess(String taskToken, String output) {
    return taskResult(taskToken, output, null, null, false);
  }

  public CompletionStage<Void> sendTaskFailure(String taskToken, String error, String cause) {
    return taskResult(taskToken, null, error, cause, false);
  }

  public CompletionStage<Void> sendTaskHeartbeat(String taskToken) {
    return taskResult(taskToken, null, null, null, true);
  }

  private CompletionStage<Void> taskResult(String taskToken, String output, String error, String cause,
      boolean heartbeat) {
    Optional<TaskTokens.Task> task = tokens.decode(taskToken);
    if (task.isEmpty()) return CompletableFuture.failedFuture(new ServiceError("InvalidToken", "Invalid Token: 'Invalid token'"));
    String arn = task.get().executionArn();
    return askExecution(arn, (ActorRef<ExecutionEntity.TaskReply> r) -> new ExecutionEntity.TaskResult(
        task.get().effectId(), output, error, cause, heartbeat, r)).thenApply(reply -> {
          if (reply.unreadable() != null) throw encryption.unreadable(reply.unreadable());
          if (reply.errorCode() != null) throw new ServiceError(reply.errorCode(), reply.errorMessage());
          return null;
        });
  }

  // --- tags ---

  /** TagResource on a state machine or activity ARN: the tags it has afterwards. */
  public CompletionStage<Map<String, String>> tagResource(String resourceArn, Map<String, String> tags) {
    return tagsOf(resourceArn, r -> new StateMachineEntity.Tag(tags, r), r -> new ActivityEntity.Tag(tags, r));
  }

  public CompletionStage<Map<String, String>> untagResource(String resourceArn, List<String> keys) {
    return tagsOf(resourceArn, r -> new StateMachineEntity.Untag(keys, r), r -> new ActivityEntity.Untag(keys, r));
  }

  public CompletionStage<Map<String, String>> listTagsForResource(String resourceArn) {
    return tagsOf(resourceArn, StateMachineEntity.ListTags::new, ActivityEntity.ListTags::new);
  }

  /** Routes a tag request to the resource's entity; an ARN of any other resource is InvalidArn. */
  private CompletionStage<Map<String, String>> tagsOf(String arn,
      Function<ActorRef<Tags.Reply>, StateMachineEntity.Command> toMachine,
      Function<ActorRef<Tags.Reply>, ActivityEntity.Command> toActivity) {
    Arns.Parsed p = Arns.parse(arn);
    CompletionStage<Tags.Reply> reply;
    if (p != null && p.resourceType().equals("stateMachine") && Arns.isNameInArn(p.rest())) {
      reply = ask(machine(arn), toMachine);
    } else if (p != null && p.resourceType().equals("activity") && Arns.isNameInArn(p.rest())) {
      reply = ask(activity(arn), toActivity);
    } else {
      return CompletableFuture.failedFuture(ServiceError.invalidArn(arn));
    }
    return reply.thenApply(r -> r.get(encryption::unreadable));
  }

  // --- helpers ---

  private ExecutionView view(String arn, ExecutionEntity.ViewReply r) {
    if (r.unreadable() != null) throw encryption.unreadable(r.unreadable());
    if (r.view() == null) throw ServiceError.executionDoesNotExist(arn);
    return r.view();
  }

  private static ExecutionInfo info(StateMachineRecord m, String arn, String name, String input, Instant now,
      Target target) {
    return new ExecutionInfo(arn, name, m.stateMachineArn(), m.name(), m.type(), m.definition(), m.revisionId(),
        m.updateDate(), m.roleArn(), input, now, m.loggingConfiguration(), m.tracingConfiguration(), m.encryption(),
        target.versionArn(), target.aliasArn());
  }

  /** What an execution was started on besides its machine: a version (chosen by an alias, or named). */
  private record Target(String versionArn, String aliasArn) {
    static final Target MACHINE = new Target(null, null);
  }

  /**
   * Runs {@code then} with the machine an execution starts on: the machine itself (its current
   * revision, from the local view), or one of its versions (asked of its entity), with the
   * version's ARN (null for the machine).
   */
  private <T> CompletionStage<T> startTarget(String arn,
      java.util.function.BiFunction<MachineView.Entry, Target, CompletionStage<T>> then) {
    Optional<VersionRef> version = Arns.version(arn);
    if (version.isPresent()) return onVersion(version.get(), new Target(arn, null), then);
    Optional<AliasRef> alias = Arns.alias(arn);
    if (alias.isEmpty()) return machine(arn, e -> then.apply(e, Target.MACHINE));
    return describeStateMachineAlias(alias.get()).thenCompose(a -> {
      String chosen = route(a.routing());
      VersionRef v = Arns.version(chosen).orElseThrow();
      return onVersion(v, new Target(chosen, arn), then);
    });
  }

  private <T> CompletionStage<T> onVersion(VersionRef version, Target target,
      java.util.function.BiFunction<MachineView.Entry, Target, CompletionStage<T>> then) {
    return describeStateMachineVersion(version).thenCompose(v -> {
      // The version's revision, under its machine's ARN, as AWS describes such an execution.
      StateMachineRecord base = new StateMachineRecord(version.machineArn(), v.name(), v.type(), v.definition(),
          v.roleArn(), v.creationDate(), null, v.revisionId(), null, v.loggingConfiguration(), v.tracingConfiguration(),
          v.encryptionConfiguration());
      return then.apply(new MachineView.Entry(base, compile(base.definition(), base.type())), target);
    });
  }

  /** One of an alias's versions, each with the probability of its weight. */
  private static String route(List<Alias.Route> routing) {
    int pick = java.util.concurrent.ThreadLocalRandom.current().nextInt(100);
    int sum = 0;
    for (Alias.Route r : routing) {
      sum += r.weight();
      if (pick < sum) return r.stateMachineVersionArn();
    }
    return routing.get(routing.size() - 1).stateMachineVersionArn();
  }

  /** What a new definition's Task states must also satisfy, as AWS checks them when one is created. */
  private static final TaskCheck TASKS = new IntegrationCheck();

  /**
   * ValidateStateMachineDefinition's problems: a new definition's rules and {@link #TASKS}, on the
   * io executor (the check may read a service's model; a dispatcher thread must not).
   */
  public CompletionStage<List<Problem>> validateDefinition(String definition, boolean express) {
    return CompletableFuture.supplyAsync(() -> CompiledDefinition.validate(definition, express, TASKS), io);
  }

  /**
   * A definition given to CreateStateMachine or UpdateStateMachine: the language's rules and
   * {@link #TASKS}. A stored definition is compiled without {@link #TASKS}, so that a revision
   * accepted before a check was added keeps running.
   */
  private void compileNew(String definition, String type) {
    try {
      CompiledDefinition.compileNew(definition, "EXPRESS".equals(type), TASKS);
    } catch (InvalidDefinitionException e) {
      throw new ServiceError("InvalidDefinition", e.getMessage());
    }
  }

  /** The definition compiled (cached per text); an invalid one is the caller's InvalidDefinition. */
  private CompiledDefinition compile(String definition, String type) {
    try {
      return definitions.get(definition, type);
    } catch (InvalidDefinitionException e) {
      throw new ServiceError("InvalidDefinition", e.getMessage());
    }
  }


  private <C, R> CompletionStage<R> ask(EntityRef<C> entity, Function<ActorRef<R>, C> message) {
    return admission.admit(entity.getTypeKey().name() + "|" + entity.getEntityId(),
        () -> Asks.ask(entity, message, askTimeout, system.executionContext()));
  }

  private EntityRef<StateMachineEntity.Command> machine(String arn) {
    return sharding.entityRefFor(StateMachineEntity.ENTITY_KEY, arn);
  }

  private EntityRef<ActivityEntity.Command> activity(String arn) {
    return sharding.entityRefFor(ActivityEntity.ENTITY_KEY, arn);
  }

  /** Asks an execution's entity, once no direct step of the execution is under way. */
  private <R> CompletionStage<R> askExecution(String arn, Function<ActorRef<R>, ExecutionEntity.Command> message) {
    return executions.gate().toEntity(arn,
        () -> ask(sharding.entityRefFor(ExecutionEntity.ENTITY_KEY, arn), message));
  }
}
