package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.services.sfn.SfnClient;

/**
 * Every operation of the AWS SDK for Java v2's {@code SfnClient}, found by reflection (so an
 * operation a newer SDK adds fails here until it is served), gets a modelled answer: called with
 * an empty request it either succeeds or fails with one of the operation's own AWS errors — never
 * UnknownOperationException, never a server error.
 */
class SdkOperationsTest {
  @TempDir Path dir;

  /** The client's operations: {@code op(XxxRequest)} methods, one per action. */
  static List<Method> operations() {
    List<Method> ops = new ArrayList<>();
    for (Method m : SfnClient.class.getMethods()) {
      Class<?>[] params = m.getParameterTypes();
      if (params.length == 1 && SdkRequest.class.isAssignableFrom(params[0]) && !m.getName().endsWith("Paginator")) {
        ops.add(m);
      }
    }
    return ops;
  }

  @Test
  void everySdkOperation_getsAModelledAnswer() throws Exception {
    List<Method> ops = operations();
    assertThat(ops).as("the SDK's operations").hasSizeGreaterThanOrEqualTo(37);
    Map<String, String> answers = new LinkedHashMap<>();
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      for (Method op : ops) {
        // builder() returns the public Builder interface; its build() is SdkBuilder's
        Object builder = op.getParameterTypes()[0].getMethod("builder").invoke(null);
        Object request = software.amazon.awssdk.utils.builder.SdkBuilder.class.getMethod("build").invoke(builder);
        String answer;
        try {
          op.invoke(sfn, request);
          answer = "OK";
        } catch (InvocationTargetException e) {
          if (!(e.getCause() instanceof AwsServiceException ase)) throw e;
          answer = ase.statusCode() + " " + ase.awsErrorDetails().errorCode();
        }
        answers.put(op.getName(), answer);
      }
    }
    assertThat(answers).hasSize(ops.size()).allSatisfy((op, answer) -> {
      assertThat(answer).as(op).doesNotContain("UnknownOperation").doesNotStartWith("5");
    });
  }
}
