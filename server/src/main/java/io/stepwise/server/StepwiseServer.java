package io.stepwise.server;

import com.typesafe.config.Config;
import io.stepwise.api.http.AwsJsonRoutes;
import io.stepwise.api.http.AwsJsonService;
import io.stepwise.api.http.CredentialStore;
import io.stepwise.api.http.HttpEdge;
import io.stepwise.api.http.SigV4Verifier;
import io.stepwise.api.kms.KmsApi;
import io.stepwise.api.sfn.StepFunctionsApi;
import io.stepwise.engine.StepFunctionsEngine;
import io.stepwise.engine.timers.EngineClock;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.StorageHealth;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import io.stepwise.persistence.StorageUnavailableException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.ServerBinding;

/**
 * One running Stepwise: the actor system, the storage opened eagerly (so a locked or corrupt data
 * directory fails the start at once), the engine with every stored entity recovered, and the HTTP
 * edge bound last, so that no request is served before interrupted executions have resumed.
 */
public final class StepwiseServer {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

  /** The server could not start; the message says why in words a user can act on. */
  public static final class StartupException extends Exception {
    StartupException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private final ActorSystem<Void> system;
  private final StepwiseStorage storage;
  private final String host;
  private final int port;
  private final Path dataDir;
  private final StepFunctionsEngine engine;

  private StepwiseServer(ActorSystem<Void> system, StepwiseStorage storage, StepFunctionsEngine engine, String host,
      int port, Path dataDir) {
    this.engine = engine;
    this.system = system;
    this.storage = storage;
    this.host = host;
    this.port = port;
    this.dataDir = dataDir;
  }

  public static StepwiseServer start(Config config) throws StartupException {
    return start(config, clockOf(config));
  }

  /** stepwise.clock.mode (real or virtual) and stepwise.clock.scale (real time, N times faster). */
  static EngineClock clockOf(Config config) {
    String mode = config.getString("stepwise.clock.mode");
    double scale = config.getDouble("stepwise.clock.scale");
    return switch (mode) {
      case "real" -> EngineClock.scaled(scale);
      case "virtual" -> EngineClock.virtual();
      default -> throw new IllegalArgumentException("stepwise.clock.mode must be real or virtual, got " + mode);
    };
  }

  /**
   * Starts with {@code clock} driving the storage (data key windows, KMS key deletion dates) and
   * the engine; tests pass a clock they move. Signatures are still checked against the system
   * clock, because clients sign with real time.
   */
  public static StepwiseServer start(Config config, Clock clock) throws StartupException {
    long t0 = System.nanoTime();
    ActorSystem<Void> system = ActorSystem.create(Behaviors.empty(), "stepwise", config);
    try {
      long t1 = System.nanoTime();
      StepwiseStorage storage = StepwiseStorage.get(system);
      storage.open(clock);
      // KMS keys and aliases from before keys had owners belong to the default account
      storage.kms().adoptUnowned(config.getString("stepwise.account"));
      long t2 = System.nanoTime();
      StepFunctionsEngine engine = new StepFunctionsEngine(system, clock);
      int woken = await(engine.recover(), "recovering stored state machines and activities");
      long t3 = System.nanoTime();

      Config s = config.getConfig("stepwise");
      CredentialStore credentials =
          CredentialStore.fromConfig(config, "stepwise.api.credentials", s.getString("account"));
      warnIfOpenWithDefaultCredentials(s.getString("host"), credentials);
      AwsJsonRoutes routes = new AwsJsonRoutes(
          List.of(AwsJsonService.stepFunctions(StepFunctionsApi.operations(engine, s.getString("region"))),
              AwsJsonService.kms(KmsApi.operations(storage.kms(), s.getString("region"), storage.ioExecutor()))),
          new SigV4Verifier(credentials, Clock.systemUTC()))
          .healthCheck(() -> storage.health() instanceof StorageHealth.Unhealthy u
              ? Optional.of(u.reason()) : Optional.empty());
      ServerBinding binding = await(
          HttpEdge.bind(system, s.getString("host"), s.getInt("port"), routes.route()),
          "binding " + s.getString("host") + ":" + s.getInt("port"));
      long t4 = System.nanoTime();
      LoggerFactory.getLogger(StepwiseServer.class).info("Started in {} ms: actor system {} ms, storage {} ms, engine and {} state machines and"
          + " activities {} ms, HTTP {} ms", ms(t4 - t0), ms(t1 - t0), ms(t2 - t1), woken, ms(t3 - t2), ms(t4 - t3));
      return new StepwiseServer(system, storage, engine, s.getString("host"), HttpEdge.port(binding),
          Path.of(s.getString("data-dir")).toAbsolutePath().normalize());
    } catch (StorageUnavailableException e) {
      terminate(system);
      throw new StartupException(e.getMessage(), e);
    } catch (io.stepwise.engine.mock.MockConfig.Invalid | java.io.UncheckedIOException e) {
      // a mock configuration that cannot be read or breaks a rule (the message names the line)
      terminate(system);
      throw new StartupException(e.getMessage(), e);
    } catch (StartupException | RuntimeException e) {
      terminate(system);
      throw e;
    }
  }

  private static long ms(long nanos) {
    return nanos / 1_000_000;
  }

  private static <T> T await(CompletionStage<T> stage, String what) throws StartupException {
    try {
      return stage.toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw new StartupException("failed " + what + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new StartupException("timed out " + what, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StartupException("interrupted " + what, e);
    }
  }

  /** The well-known test/test credentials on an address other machines can reach: anyone may call. */
  static boolean openWithDefaultCredentials(String host, CredentialStore credentials) {
    boolean defaults = credentials.find("test").filter(c -> c.secretAccessKey().equals("test")).isPresent();
    if (!defaults) return false;
    try {
      java.net.InetAddress a = java.net.InetAddress.getByName(host);
      return !a.isLoopbackAddress();
    } catch (java.net.UnknownHostException e) {
      return true;
    }
  }

  private static void warnIfOpenWithDefaultCredentials(String host, CredentialStore credentials) {
    if (openWithDefaultCredentials(host, credentials)) {
      org.slf4j.LoggerFactory.getLogger(StepwiseServer.class).warn("Serving on {} with the default credentials test/test:"
          + " anyone who can reach this address can call it. Set your own with --credentials-file, STEPWISE_CREDENTIALS"
          + " or stepwise.api.credentials.", host);
    }
  }

  public String host() {
    return host;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  /** The storage: its KMS and the key manager's counters ({@code keyMetrics()}). */
  public StepFunctionsEngine engine() {
    return engine;
  }

  public StepwiseStorage storage() {
    return storage;
  }

  public CompletionStage<?> whenTerminated() {
    return system.getWhenTerminated();
  }

  /** Unbinds, stops the entities, closes the journal; returns when all of it is done. */
  public void stop() {
    terminate(system);
  }

  private static void terminate(ActorSystem<?> system) {
    system.terminate();
    try {
      system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // Termination is best effort: a system that does not stop in a minute is left to the JVM exit.
    }
  }
}
