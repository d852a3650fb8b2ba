package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;

/**
 * TestState's check of a mocked {@code result} against the response shape of the API its Task
 * calls ({@code mock.fieldValidationMode}): {@code STRICT} (the default) wants every member the
 * shape requires, at every level, and every member present to have the shape's type;
 * {@code PRESENT} checks the types of the members present only; {@code NONE} nothing. Members the
 * shape does not have are let through, as AWS does (a mock copied from a real answer carries
 * {@code SdkHttpMetadata}, say). A member is named as the shape names it or as Step Functions'
 * AWS SDK integrations name it ({@code DBInstances} answers as {@code DbInstances}).
 *
 * <p>The shape is the one of the service's model that Stepwise calls: {@code aws-sdk:} tasks and
 * the request-response optimized integrations (the Lambda, Step Functions and other optimized
 * services' actions). The {@code .sync} and {@code .waitForTaskToken} patterns answer with
 * something else (what the job's description or the task token's sender says), and so do
 * activities, function ARNs, HTTP Tasks and actions with shapes of their own: their mocks are not
 * checked. A timestamp is text or a number of the epoch. In an {@code aws-sdk:} answer a blob is
 * a string; an optimized integration answers with JSON where its API has a blob (Lambda's
 * {@code Payload}).
 */
public final class MockResults {
  private static final String PREFIX = "Mock result schema validation error: ";

  private MockResults() {}

  /** The model and operation whose answer a task on {@code resource} gives as it came, if Stepwise has it. */
  private record Response(AwsModel model, String operation, boolean sdk) {}

  /**
   * Why {@code result} does not fit the answer of {@code resource} under {@code mode} (null:
   * {@code STRICT}), or empty if it does or there is no shape to check it against.
   */
  public static Optional<String> problem(String resource, JsonNode result, String mode) {
    if ("NONE".equals(mode) || result == null || result.isNull()) return Optional.empty();
    Optional<Response> response = responseOf(resource);
    if (response.isEmpty()) return Optional.empty();
    AwsModel model = response.get().model();
    String output = model.op(response.get().operation()).path("output").asText(null);
    if (output == null) return Optional.empty();
    if (!result.isObject()) return Optional.of("Mock result must be a valid JSON object");
    Check check = new Check(model, !"PRESENT".equals(mode), response.get().sdk());
    try {
      check.value(result, model.shape(output), null);
      return Optional.empty();
    } catch (Mismatch m) {
      return Optional.of(PREFIX + m.getMessage());
    }
  }

  private static Optional<Response> responseOf(String resource) {
    Matcher sdk = AwsServices.AWS_SDK.matcher(resource);
    boolean isSdk = sdk.matches();
    Matcher m = isSdk ? sdk : AwsServices.OPTIMIZED.matcher(resource);
    // a pattern (.sync, .waitForTaskToken) answers with something else than the API's response
    if (!m.matches() || m.group(3) != null) return Optional.empty();
    String service = m.group(1);
    String action = m.group(2);
    if (isSdk) return response(AwsServices.modelName(true, service, action), action, true);
    if (service.equals("lambda")) return LambdaInvoke.isResource(resource) ? response("lambda", action, false) : Optional.empty();
    if (service.equals("states")) return NestedExecutions.isResource(resource) ? response("sfn", action, false) : Optional.empty();
    if (!AwsServices.isResource(resource) || OptimizedActions.of(service, action).isPresent()) return Optional.empty();
    return response(AwsServices.modelName(false, service, action), action, false);
  }

  private static Optional<Response> response(String modelName, String action, boolean sdk) {
    return AwsModel.named(modelName).flatMap(model -> model.operation(action).map(op -> new Response(model, op, sdk)));
  }

  /** A member that does not fit: its message names the member. */
  private static final class Mismatch extends RuntimeException {
    Mismatch(String message) {
      super(message, null, false, false);
    }
  }

  private record Check(AwsModel model, boolean strict, boolean sdk) {
    void value(JsonNode v, JsonNode shape, String field) {
      if (shape.path("document").asBoolean(false)) return;
      switch (shape.path("type").asText()) {
        case "structure" -> {
          if (!v.isObject()) throw mustBe("an object", field);
          members(v, shape);
        }
        case "list" -> {
          if (!v.isArray()) throw mustBe("an array", field);
          JsonNode item = model.shape(shape.path("member").path("shape").asText(null));
          for (JsonNode x : v) value(x, item, field);
        }
        case "map" -> {
          if (!v.isObject()) throw mustBe("an object", field);
          JsonNode values = model.shape(shape.path("value").path("shape").asText(null));
          for (Iterator<JsonNode> it = v.elements(); it.hasNext(); ) value(it.next(), values, field);
        }
        case "string" -> {
          if (!v.isTextual()) throw mustBe("a string", field);
          JsonNode allowed = shape.get("enum");
          if (allowed != null && allowed.isArray() && !contains(allowed, v.textValue())) {
            throw new Mismatch("Field '" + field + "' is not an expected value");
          }
        }
        case "timestamp" -> {
          // text, or a number of the epoch (the optimized states:startExecution answers StartDate in milliseconds)
          if (!v.isTextual() && !v.isNumber()) throw mustBe("a string", field);
        }
        case "integer", "long" -> {
          if (!v.isIntegralNumber()) throw mustBe("a number", field);
        }
        case "float", "double" -> {
          if (!v.isNumber()) throw mustBe("a number", field);
        }
        case "boolean" -> {
          if (!v.isBoolean()) throw mustBe("a boolean", field);
        }
        case "blob" -> {
          // an optimized integration answers with the JSON where its API has a blob (Lambda's Payload)
          if (sdk && !v.isTextual()) throw mustBe("a string", field);
        }
        default -> {
          // a shape type Stepwise does not check (none other is in the models)
        }
      }
    }

    private void members(JsonNode v, JsonNode shape) {
      JsonNode members = shape.path("members");
      if (strict) {
        for (JsonNode required : shape.path("required")) {
          String name = required.asText();
          if (!v.has(name) && !v.has(sfnName(name))) {
            throw new Mismatch("Required field '" + sfnName(name) + "' is missing");
          }
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = members.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> m = it.next();
        String shown = sfnName(m.getKey());
        JsonNode given = v.get(shown);
        String name = shown;
        if (given == null) {
          given = v.get(m.getKey());
          name = m.getKey();
        }
        if (given == null || given.isNull()) continue;
        value(given, model.shape(m.getValue().path("shape").asText(null)), name);
      }
    }
  }

  private static Mismatch mustBe(String kind, String field) {
    return new Mismatch("Field '" + field + "' must be " + kind);
  }

  private static boolean contains(JsonNode values, String s) {
    for (JsonNode x : values) if (x.asText().equals(s)) return true;
    return false;
  }

  /**
   * A member's name as Step Functions' AWS SDK integrations answer with it: the AWS SDK for Java
   * 2.x's property name with a capital first letter. The leading run of capitals is one word but
   * for the capital that starts the next one ({@code DBInstances} → {@code DbInstances},
   * {@code HTTPStatusCode} → {@code HttpStatusCode}, {@code ETag} and {@code IPv6Address}
   * unchanged).
   */
  static String sfnName(String member) {
    if (member.isEmpty()) return member;
    StringBuilder out = new StringBuilder(member.length());
    out.append(Character.toUpperCase(member.charAt(0)));
    int i = 1;
    while (i < member.length() && Character.isUpperCase(member.charAt(i))
        && !(i + 1 < member.length() && Character.isLowerCase(member.charAt(i + 1)))) {
      out.append(Character.toLowerCase(member.charAt(i)));
      i++;
    }
    return out.append(member, i, member.length()).toString();
  }
}
