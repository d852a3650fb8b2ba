package io.stepwise.junit;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.stepwise.server.StepwiseServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.SdkAdvancedClientOption;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Runs an in-process Stepwise for a test class (registered on a static field, or with
 * {@code @ExtendWith(StepwiseExtension.class)}) or for each test (registered on an instance field):
 * on a free port of 127.0.0.1, with a temporary data directory deleted afterwards, optionally on
 * virtual time and with a mock configuration in AWS Step Functions Local's format. Test methods,
 * constructors and lifecycle methods may take an {@link SfnClient}, the endpoint {@link URI} or
 * the extension itself as parameters.
 *
 * <pre>{@code
 * @RegisterExtension
 * static StepwiseExtension stepwise = StepwiseExtension.builder().virtualTime().mockConfig(Path.of("mocks.json")).build();
 *
 * @Test
 * void runs(SfnClient sfn) { ... }
 * }</pre>
 */
public final class StepwiseExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback, ParameterResolver {
  /** The account and region of the ARNs the server makes, and the credentials its client signs with. */
  public static final String ACCOUNT = "123456789012";
  public static final String REGION = "us-east-1";

  private final boolean virtualTime;
  private final Path mockConfig;
  private final Map<String, Object> settings;
  private Running running;
  /** How many classes (a class and its {@code @Nested} classes, or classes sharing a static field) run on it now. */
  private int classes;

  /** A running server, its data directory and its client. */
  private record Running(StepwiseServer server, Path dataDir, SfnClient sfn) {}

  /** Defaults: real time, no mock configuration (what {@code @ExtendWith} uses). */
  public StepwiseExtension() {
    this(new Builder());
  }

  private StepwiseExtension(Builder b) {
    this.virtualTime = b.virtualTime;
    this.mockConfig = b.mockConfig;
    this.settings = Map.copyOf(b.settings);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Options of the server the extension starts. */
  public static final class Builder {
    private boolean virtualTime;
    private Path mockConfig;
    private final Map<String, Object> settings = new HashMap<>();

    /** Waits, retry back-offs and timeouts complete without real waiting, in deadline order. */
    public Builder virtualTime() {
      this.virtualTime = true;
      return this;
    }

    /** Mocked Task responses in AWS Step Functions Local's format, for executions started on {@code <arn>#<TestCase>}. */
    public Builder mockConfig(Path file) {
      this.mockConfig = file;
      return this;
    }

    /** Any other configuration key of Stepwise (see the README's table), e.g. {@code stepwise.engine.endpoints.lambda}. */
    public Builder set(String key, Object value) {
      settings.put(key, value);
      return this;
    }

    public StepwiseExtension build() {
      return new StepwiseExtension(this);
    }
  }

  @Override
  public synchronized void beforeAll(ExtensionContext context) {
    if (classes++ == 0) start();
  }

  @Override
  public synchronized void afterAll(ExtensionContext context) {
    if (--classes == 0) stop();
  }

  @Override
  public synchronized void beforeEach(ExtensionContext context) {
    if (classes == 0) start();
  }

  @Override
  public synchronized void afterEach(ExtensionContext context) {
    if (classes == 0) stop();
  }

  /** A client of the running server, signed as {@code test}/{@code test}, host-prefix injection off. */
  public SfnClient sfn() {
    return running().sfn();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + running().server().port());
  }

  public Path dataDirectory() {
    return running().dataDir();
  }

  /** The ARN CreateStateMachine gives a machine of this name. */
  public String stateMachineArn(String name) {
    return "arn:aws:states:" + REGION + ":" + ACCOUNT + ":stateMachine:" + name;
  }

  private Running running() {
    if (running == null) throw new IllegalStateException("Stepwise is not running: the extension starts it before each test");
    return running;
  }

  private void start() {
    if (running != null) return;
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("stepwise-junit-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, Object> values = new HashMap<>(settings);
    values.put("stepwise.host", "127.0.0.1");
    values.put("stepwise.port", 0);
    values.put("stepwise.data-dir", dataDir.toString());
    values.put("stepwise.region", REGION);
    values.put("stepwise.account", ACCOUNT);
    if (virtualTime) values.put("stepwise.clock.mode", "virtual");
    if (mockConfig != null) values.put("stepwise.engine.mock-config", mockConfig.toAbsolutePath().toString());
    Config config = ConfigFactory.parseMap(values).withFallback(ConfigFactory.load());
    StepwiseServer server;
    try {
      server = StepwiseServer.start(config);
    } catch (StepwiseServer.StartupException e) {
      delete(dataDir);
      throw new IllegalStateException("Stepwise did not start: " + e.getMessage(), e);
    }
    SfnClient sfn = SfnClient.builder()
        .endpointOverride(URI.create("http://127.0.0.1:" + server.port()))
        .region(Region.of(REGION))
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
        .httpClient(ApacheHttpClient.create())
        .overrideConfiguration(c -> c.putAdvancedOption(SdkAdvancedClientOption.DISABLE_HOST_PREFIX_INJECTION, true))
        .build();
    running = new Running(server, dataDir, sfn);
  }

  private void stop() {
    Running r = running;
    running = null;
    if (r == null) return;
    try {
      r.sfn().close();
    } finally {
      try {
        r.server().stop();
      } finally {
        delete(r.dataDir());
      }
    }
  }

  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temporary directory left behind is not worth failing a test for
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == SfnClient.class || type == URI.class || type == StepwiseExtension.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    if (type == StepwiseExtension.class) return this;
    if (running == null) {
      // a parameter of a constructor or @BeforeAll asked for before the callbacks ran
      throw new ParameterResolutionException("Stepwise is not running yet for " + parameter.getDeclaringExecutable());
    }
    return type == SfnClient.class ? sfn() : endpoint();
  }
}
