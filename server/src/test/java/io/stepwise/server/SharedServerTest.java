package io.stepwise.server;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;

/** One real server (and SfnClient) for all the tests of a class, on the class's own data directory. */
abstract class SharedServerTest {
  @TempDir static Path dataDir;
  static TestServer server;
  static SfnClient sfn;

  @BeforeAll
  static void startServer() throws Exception {
    server = TestServer.start(dataDir);
    sfn = server.sfn();
  }

  @AfterAll
  static void stopServer() {
    sfn.close();
    server.close();
  }
}
