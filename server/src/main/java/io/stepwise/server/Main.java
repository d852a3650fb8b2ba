package io.stepwise.server;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stepwise}: with no subcommand (or {@code serve}) it serves the AWS Step Functions API. */
@Command(name = "stepwise", mixinStandardHelpOptions = true, version = "Stepwise 0.1.0",
    description = "Self-hosted, AWS-compatible AWS Step Functions. With no subcommand: serve.",
    subcommands = {Main.Serve.class, RunCommand.class, BenchCommand.class, JournalCommand.class, HistoryCommand.class, ReplayCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
  @Mixin ServeOptions options;

  public static void main(String[] args) {
    // With fewer than three cores the JDK's common pool has parallelism 1, and CompletableFuture's
    // default async executor then starts a new thread per task; give it a real pool instead.
    if (System.getProperty("java.util.concurrent.ForkJoinPool.common.parallelism") == null) {
      System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism",
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors())));
    }
    // Logging set up here, before any other thread logs: SLF4J initialised by two threads at once
    // intercepts the second one's calls and prints a warning about replaying them on stderr.
    org.slf4j.LoggerFactory.getILoggerFactory();
    // "--input @file" is ours to read: picocli must not expand @files itself.
    int code = new CommandLine(new Main()).setExpandAtFiles(false).execute(args);
    if (code != 0) System.exit(code);
  }

  @Override
  public Integer call() {
    return serve(options);
  }

  @Command(name = "serve", mixinStandardHelpOptions = true,
      description = "Serve the Step Functions (and KMS) API until interrupted.")
  static final class Serve implements Callable<Integer> {
    @Mixin ServeOptions options;

    @Override
    public Integer call() {
      return serve(options);
    }
  }

  /** The exit status after a journal failure. */
  static final int EXIT_JOURNAL_FAILED = 3;

  static int serve(ServeOptions options) {
    StepwiseServer server;
    try {
      server = StepwiseServer.start(options.toConfig());
    } catch (StepwiseServer.StartupException e) {
      System.err.println("stepwise: " + e.getMessage());
      return 1;
    }
    System.out.println("Stepwise is serving on http://" + server.host() + ":" + server.port()
        + " (data: " + server.dataDir() + ")");
    if (options.exitWhenStarted) {
      server.stop();
      return 0;
    }
    // A journal that cannot write cannot be trusted again in this process: exit non-zero so that a
    // supervisor restarts the server, which then replays only what is durable.
    server.storage().onFatal(cause -> new Thread(() -> {
      System.err.println("stepwise: the journal cannot write (" + cause + "); exiting");
      System.exit(EXIT_JOURNAL_FAILED);
    }, "stepwise-fatal").start());
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop();
      stopped.countDown();
    }, "stepwise-shutdown"));
    server.whenTerminated().thenRun(stopped::countDown);
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }
}
