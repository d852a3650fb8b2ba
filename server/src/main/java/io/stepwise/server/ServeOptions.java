package io.stepwise.server;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of {@code serve}; each one overrides the configuration key named in its description. */
public final class ServeOptions {
  @Option(names = "--host", description = "Address to bind (stepwise.host, default 127.0.0.1).")
  String host;

  @Option(names = "--port", description = "Port to bind (stepwise.port, default 8083; 0 picks a free one).")
  Integer port;

  @Option(names = "--data-dir", description = "Journal, snapshots and KMS key store (stepwise.data-dir, default ./data).")
  Path dataDir;

  @Option(names = "--region", description = "Region in the ARNs this server creates (stepwise.region, default us-east-1).")
  String region;

  @Option(names = "--account",
      description = "Account of credentials that name none, e.g. the default test/test (stepwise.account, default 123456789012).")
  String account;

  @Option(names = "--credentials", paramLabel = "KEY:SECRET[:ACCOUNT[:SESSION_TOKEN]]",
      description = "Accepted SigV4 credentials, repeatable; with a session token (temporary credentials) requests must carry it"
          + " in X-Amz-Security-Token; replaces the default test:test (stepwise.api.credentials).")
  List<String> credentials;

  @Option(names = "--credentials-file", paramLabel = "FILE",
      description = "Accepted SigV4 credentials read from FILE, one KEY:SECRET[:ACCOUNT[:SESSION_TOKEN]] per line (# comments),"
          + " so secrets stay out of the command line; the STEPWISE_CREDENTIALS environment variable takes the same"
          + " entries separated by commas or new lines. Added to --credentials; together they replace the default test:test.")
  Path credentialsFile;

  @Option(names = "--no-fsync", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Sync the journal to disk on every group commit (stepwise.journal.fsync, default on).")
  boolean fsync;

  @Option(names = "--clock", paramLabel = "real|virtual",
      description = "The engine's clock (stepwise.clock.mode, default real); virtual completes Waits, retry back-offs"
          + " and timeouts without real waiting, in deadline order.")
  String clock;

  @Option(names = "--mock-config", paramLabel = "FILE",
      description = "Mocked Task responses in AWS Step Functions Local's format, used by executions started on"
          + " <stateMachineArn>#<TestCase>; read again when it changes (stepwise.engine.mock-config, default the"
          + " SFN_MOCK_CONFIG environment variable, else none).")
  Path mockConfig;

  @Option(names = "--exit-when-started",
      description = "Start, then stop at once (./stepwise uses it once per build to record the JVM's class-data archive).")
  boolean exitWhenStarted;

  @Option(names = "--config", paramLabel = "FILE", description = "A HOCON file whose keys override the defaults.")
  Path configFile;

  /** The environment variables the options read (STEPWISE_CREDENTIALS); tests replace it. */
  java.util.function.Function<String, String> env = System::getenv;

  private static List<String> credentialLines(String text) {
    List<String> out = new ArrayList<>();
    for (String line : text.split("\n")) {
      String l = line.strip();
      if (!l.isEmpty() && !l.startsWith("#")) out.add(l);
    }
    return out;
  }

  /** The effective configuration: options, then -D system properties, then the file, then the defaults. */
  Config toConfig() {
    Map<String, Object> o = new HashMap<>();
    if (host != null) o.put("stepwise.host", host);
    if (port != null) o.put("stepwise.port", port);
    if (dataDir != null) o.put("stepwise.data-dir", dataDir.toString());
    if (region != null) o.put("stepwise.region", region);
    if (account != null) o.put("stepwise.account", account);
    if (!fsync) o.put("stepwise.journal.fsync", false);
    if (mockConfig != null) o.put("stepwise.engine.mock-config", mockConfig.toString());
    if (clock != null) {
      if (!clock.equals("real") && !clock.equals("virtual")) {
        throw new IllegalArgumentException("--clock takes real or virtual, got " + clock);
      }
      o.put("stepwise.clock.mode", clock);
    }
    Config overrides = ConfigFactory.parseMap(o);
    List<String> entries = new ArrayList<>();
    if (credentials != null) entries.addAll(credentials);
    String fromEnv = env.apply("STEPWISE_CREDENTIALS");
    if (fromEnv != null) entries.addAll(credentialLines(fromEnv.replace(',', '\n')));
    if (credentialsFile != null) {
      try {
        entries.addAll(credentialLines(java.nio.file.Files.readString(credentialsFile)));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException("--credentials-file " + credentialsFile + " cannot be read: " + e.getMessage());
      }
    }
    if (!entries.isEmpty()) {
      List<Map<String, String>> list = new ArrayList<>();
      for (String c : entries) {
        String[] parts = c.split(":", 4);
        if (parts.length < 2) throw new IllegalArgumentException("credentials take KEY:SECRET[:ACCOUNT[:SESSION_TOKEN]], got " + c);
        Map<String, String> entry = new HashMap<>();
        entry.put("access-key-id", parts[0]);
        entry.put("secret-access-key", parts[1]);
        if (parts.length > 2 && !parts[2].isEmpty()) entry.put("account-id", parts[2]);
        if (parts.length > 3) entry.put("session-token", parts[3]);
        list.add(entry);
      }
      overrides = overrides.withValue("stepwise.api.credentials", ConfigValueFactory.fromIterable(list));
    }
    Config base = ConfigFactory.load();
    if (configFile != null) {
      base = ConfigFactory.systemProperties()
          .withFallback(ConfigFactory.parseFile(configFile.toFile()))
          .withFallback(base)
          .resolve();
    }
    return overrides.withFallback(base);
  }
}
