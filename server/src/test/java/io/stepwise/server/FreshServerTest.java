package io.stepwise.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.kms.KmsClient;
import software.amazon.awssdk.services.sfn.SfnClient;

/** A new real server per test, on its own data directory, with a clock the test moves, and SDK clients for it. */
abstract class FreshServerTest {
  @TempDir Path dir;
  final TestClock clock = new TestClock();
  TestServer server;
  SfnClient sfn;
  KmsClient kms;

  @BeforeEach
  void startServer() throws Exception {
    server = TestServer.start(dir, clock);
    sfn = server.sfn();
    kms = server.kms();
  }

  @AfterEach
  void stopServer() {
    sfn.close();
    kms.close();
    server.close();
  }
}
