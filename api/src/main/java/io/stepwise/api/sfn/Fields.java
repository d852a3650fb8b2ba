package io.stepwise.api.sfn;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.engine.ServiceError;
import io.stepwise.engine.statemachine.StateMachineRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Reads request members the way AWS's JSON protocol does: a member of the wrong JSON type is a
 * {@code SerializationException}; a missing required member or one outside its constraints is a
 * {@code ValidationException} worded as AWS words it.
 */
final class Fields {
  private Fields() {}

  static String optionalString(ObjectNode request, String name) {
    JsonNode v = request.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) {
      throw new ServiceError("SerializationException",
          "Unexpected value type for member '" + name + "': expected a string");
    }
    return v.textValue();
  }

  static String requiredString(ObjectNode request, String name) {
    String v = optionalString(request, name);
    if (v == null) {
      throw ServiceError.validation(
          "1 validation error detected: Value null at '" + name + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }

  static String maxLength(String value, String name, int max, boolean sensitive) {
    if (value != null && value.length() > max) {
      String shown = sensitive ? "" : " '" + value + "'";
      throw ServiceError.validation("1 validation error detected: Value" + shown + " at '" + name
          + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
    }
    return value;
  }

  /** A request's {@code definition}: 1 character to 1 MiB (sensitive: its text is not shown); null if absent and not required. */
  static String definition(ObjectNode request, boolean required) {
    String d = required ? requiredString(request, "definition") : optionalString(request, "definition");
    if (d != null && d.isEmpty()) {
      throw ServiceError.validation("1 validation error detected: Value at 'definition' failed to satisfy constraint:"
          + " Member must have length greater than or equal to 1");
    }
    return maxLength(d, "definition", StepFunctionsApi.MAX_DEFINITION, true);
  }

  /**
   * The X-Ray trace header a start gives its execution: the request's {@code traceHeader}, checked as
   * the API Reference defines it (at most 256 characters, all ASCII: {@code \p{ASCII}*}), unless the
   * HTTP request carries an {@code X-Amzn-Trace-Id} header ({@code httpHeader}), which "Step Functions
   * will use ... (preferred) over the value in the request body". A header of more than 256
   * characters is not one the field could hold, and is passed over.
   */
  static String traceHeader(ObjectNode request, String httpHeader) {
    String t = maxLength(optionalString(request, "traceHeader"), "traceHeader", 256, false);
    if (t != null && !t.chars().allMatch(c -> c < 128)) {
      throw ServiceError.validation("1 validation error detected: Value '" + t + "' at 'traceHeader' failed to satisfy constraint:"
          + " Member must satisfy regular expression pattern: \\p{ASCII}*");
    }
    boolean headerFits = httpHeader != null && !httpHeader.isEmpty() && httpHeader.length() <= 256
        && httpHeader.chars().allMatch(c -> c < 128);
    return headerFits ? httpHeader : t;
  }

  /**
   * A payload (input, output): AWS's length limits on payloads count UTF-8 bytes, not characters
   * ("Length constraints apply to the payload size, and are expressed as bytes in UTF-8 encoding"),
   * and its refusal says so (an SDK user's StartExecution with a big input, recorded in their code).
   */
  static String maxBytes(String value, String name, int max) {
    if (value != null && value.length() > max / 3 && value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > max) {
      throw ServiceError.validation("1 validation error detected: Value at '" + name
          + "' failed to satisfy constraint: Member must have size less than or equal to " + max + " bytes in UTF-8 encoding");
    }
    return value;
  }

  static String oneOf(String value, String name, Set<String> allowed) {
    if (value != null && !allowed.contains(value)) {
      throw ServiceError.validation("1 validation error detected: Value '" + value + "' at '" + name
          + "' failed to satisfy constraint: Member must satisfy enum value set: " + allowed);
    }
    return value;
  }

  /**
   * An optional integer member {@code name} of {@code node} that must be 0 or more (null if
   * absent); {@code at} is where AWS says the member is (e.g. {@code stateConfiguration.x}).
   */
  static Integer nonNegativeInt(ObjectNode node, String name, String at) {
    JsonNode v = node.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ServiceError("SerializationException", "Unexpected value type for member '" + name + "': expected an integer");
    }
    if (v.intValue() < 0) {
      throw ServiceError.validation("1 validation error detected: Value '" + v.intValue() + "' at '" + at
          + "' failed to satisfy constraint: Member must have value greater than or equal to 0");
    }
    return v.intValue();
  }

  static boolean optionalBoolean(ObjectNode request, String name, boolean fallback) {
    JsonNode v = request.get(name);
    if (v == null || v.isNull()) return fallback;
    if (!v.isBoolean()) {
      throw new ServiceError("SerializationException",
          "Unexpected value type for member '" + name + "': expected a boolean");
    }
    return v.booleanValue();
  }

  private static final java.util.List<String> LOG_LEVELS = java.util.List.of("ALL", "ERROR", "FATAL", "OFF");

  /**
   * A request's {@code loggingConfiguration}, checked as the API Reference's LoggingConfiguration
   * defines it (null if absent): {@code level} one of ALL, ERROR, FATAL, OFF, {@code
   * includeExecutionData} a boolean, {@code destinations} at most one, each a {@code
   * cloudWatchLogsLogGroup} whose {@code logGroupArn} is 1 to 256 characters, and "required, if
   * your log level is not set to OFF" ({@code InvalidLoggingConfiguration}). Kept in the API's shape
   * ({@link StateMachineRecord#logging}), as it is described.
   */
  static ObjectNode loggingConfiguration(ObjectNode request) {
    ObjectNode given = optionalObject(request, "loggingConfiguration");
    if (given == null) return null;
    String level = optionalString(given, "level");
    if (level != null && !LOG_LEVELS.contains(level)) {
      throw ServiceError.validation("1 validation error detected: Value '" + level
          + "' at 'loggingConfiguration.level' failed to satisfy constraint: Member must satisfy enum value set: " + LOG_LEVELS);
    }
    optionalBoolean(given, "includeExecutionData", false);
    JsonNode d = given.get("destinations");
    if (d != null && !d.isNull()) {
      if (!d.isArray()) {
        throw new ServiceError("SerializationException", "Unexpected value type for member 'destinations': expected a list");
      }
      if (d.size() > 1) {
        throw ServiceError.validation("1 validation error detected: Value at 'loggingConfiguration.destinations' failed to satisfy"
            + " constraint: Member must have length less than or equal to 1");
      }
      for (JsonNode dest : d) {
        if (!dest.isObject()) {
          throw new ServiceError("SerializationException",
              "Unexpected value type for member 'destinations': expected a list of structures");
        }
        ObjectNode group = optionalObject((ObjectNode) dest, "cloudWatchLogsLogGroup");
        String arn = group == null ? null : optionalString(group, "logGroupArn");
        if (arn != null && (arn.isEmpty() || arn.length() > 256)) {
          throw ServiceError.validation("1 validation error detected: Value '" + arn
              + "' at 'loggingConfiguration.destinations.1.member.cloudWatchLogsLogGroup.logGroupArn' failed to satisfy constraint:"
              + " Member must have length " + (arn.isEmpty() ? "greater than or equal to 1" : "less than or equal to 256"));
        }
      }
    }
    ObjectNode kept = StateMachineRecord.logging(given);
    if (!"OFF".equals(kept.get("level").textValue()) && kept.path("destinations").isEmpty()) {
      throw new ServiceError("InvalidLoggingConfiguration",
          "Invalid Logging Configuration: Must specify exactly one Log Destination if logging level is not OFF.");
    }
    return kept;
  }

  /** A request's {@code tracingConfiguration} ({@code enabled}, a boolean), in the API's shape; null if absent. */
  static ObjectNode tracingConfiguration(ObjectNode request) {
    ObjectNode given = optionalObject(request, "tracingConfiguration");
    if (given == null) return null;
    optionalBoolean(given, "enabled", false);
    return StateMachineRecord.tracing(given);
  }

  static ObjectNode optionalObject(ObjectNode request, String name) {
    JsonNode v = request.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isObject()) {
      throw new ServiceError("SerializationException",
          "Unexpected value type for member '" + name + "': expected a structure");
    }
    return (ObjectNode) v;
  }

  /** {@code maxResults}: 0 or absent means the default; otherwise 1–1000. */
  static int maxResults(ObjectNode request, int fallback) {
    return maxResults(request, fallback, 1000);
  }

  /** {@code maxResults}, 0 (the fallback) to {@code limit}. */
  static int maxResults(ObjectNode request, int fallback, int limit) {
    JsonNode v = request.get("maxResults");
    if (v == null || v.isNull()) return fallback;
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new ServiceError("SerializationException",
          "Unexpected value type for member 'maxResults': expected an integer");
    }
    int n = v.intValue();
    if (n < 0 || n > limit) {
      throw ServiceError.validation("1 validation error detected: Value '" + n
          + "' at 'maxResults' failed to satisfy constraint: Member must have value "
          + (n < 0 ? "greater than or equal to 0" : "less than or equal to " + limit));
    }
    return n == 0 ? fallback : n;
  }

  /** A requested {@code encryptionConfiguration} as given, or null when absent. */
  record RequestedEncryption(String type, String kmsKeyId, Integer reusePeriodSeconds) {}

  static RequestedEncryption encryptionConfiguration(ObjectNode request) {
    ObjectNode c = optionalObject(request, "encryptionConfiguration");
    if (c == null) return null;
    String type = oneOf(requiredString(c, "type"), "encryptionConfiguration.type",
        Set.of("AWS_OWNED_KEY", "CUSTOMER_MANAGED_KMS_KEY"));
    String key = maxLength(optionalString(c, "kmsKeyId"), "encryptionConfiguration.kmsKeyId", 2048, false);
    JsonNode reuse = c.get("kmsDataKeyReusePeriodSeconds");
    Integer seconds = null;
    if (reuse != null && !reuse.isNull()) {
      if (!reuse.isIntegralNumber() || !reuse.canConvertToInt()) {
        throw new ServiceError("SerializationException",
            "Unexpected value type for member 'kmsDataKeyReusePeriodSeconds': expected an integer");
      }
      seconds = reuse.intValue();
    }
    return new RequestedEncryption(type, key, seconds);
  }

  /** {@code includedData}: true for ALL_DATA (the default), false for METADATA_ONLY. */
  static boolean includeData(ObjectNode request) {
    String v = oneOf(optionalString(request, "includedData"), "includedData", Set.of("ALL_DATA", "METADATA_ONLY"));
    return !"METADATA_ONLY".equals(v);
  }

  /**
   * Why {@code text} is not JSON, or null if it is: the first value's tokens are read without
   * building a tree (the engine builds its own), accepting and rejecting what
   * {@code mapper.readTree(text)} would, with the same message.
   */
  static String jsonProblem(ObjectMapper mapper, String text) {
    try (JsonParser parser = mapper.getFactory().createParser(text)) {
      JsonToken token = parser.nextToken();
      if (token == null) {
        // empty or only white space: what Jackson's mapper says of it
        return "No content to map due to end-of-input";
      }
      // every token of the first value (the parser refuses an end inside it); each fraction read
      // as the engine will read it (Json.decimal)
      int depth = 0;
      do {
        if (token == JsonToken.VALUE_NUMBER_FLOAT) io.stepwise.asl.path.Json.decimal(parser);
        if (token.isStructStart()) depth++;
        else if (token.isStructEnd()) depth--;
      } while (depth > 0 && (token = parser.nextToken()) != null);
      parser.finishToken(); // a top-level string is read lazily; its end must be checked too
      return null;
    } catch (JsonProcessingException e) {
      return e.getOriginalMessage();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a String has no I/O to fail
    }
  }

  /** AWS's pattern for tag keys and values: Unicode letters, digits, white space and {@code _ . : / = + - @}. */
  static final String TAG_PATTERN = "^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$";
  private static final java.util.regex.Pattern TAG = java.util.regex.Pattern.compile(TAG_PATTERN);

  /**
   * A request's {@code tags} (a list of {@code {key, value}}), keyed in order; empty when absent. Keys
   * are 1–128 characters and values 0–256, of AWS's tag pattern; a key given twice keeps its last value.
   */
  static java.util.LinkedHashMap<String, String> tags(ObjectNode request, String name) {
    java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
    JsonNode v = request.get(name);
    if (v == null || v.isNull()) return out;
    if (!v.isArray()) {
      throw new ServiceError("SerializationException", "Unexpected value type for member '" + name + "': expected a list");
    }
    int i = 0;
    for (JsonNode t : v) {
      i++;
      if (!t.isObject()) {
        throw new ServiceError("SerializationException",
            "Unexpected value type for member '" + name + "': expected a list of structures");
      }
      String at = name + "." + i + ".member.";
      String key = tagText(optionalString((ObjectNode) t, "key"), at + "key", 1, 128);
      if (key == null) {
        throw ServiceError.validation("1 validation error detected: Value null at '" + at
            + "key' failed to satisfy constraint: Member must not be null");
      }
      String value = tagText(optionalString((ObjectNode) t, "value"), at + "value", 0, 256);
      out.put(key, value == null ? "" : value);
    }
    return out;
  }

  /** A request's {@code tagKeys}: a required list of tag keys. */
  static java.util.List<String> tagKeys(ObjectNode request, String name) {
    JsonNode v = request.get(name);
    if (v == null || v.isNull()) {
      throw ServiceError.validation(
          "1 validation error detected: Value null at '" + name + "' failed to satisfy constraint: Member must not be null");
    }
    if (!v.isArray()) {
      throw new ServiceError("SerializationException", "Unexpected value type for member '" + name + "': expected a list");
    }
    java.util.List<String> out = new java.util.ArrayList<>();
    int i = 0;
    for (JsonNode k : v) {
      i++;
      if (!k.isTextual()) {
        throw new ServiceError("SerializationException",
            "Unexpected value type for member '" + name + "': expected a list of strings");
      }
      out.add(tagText(k.textValue(), name + "." + i + ".member", 1, 128));
    }
    return out;
  }

  private static String tagText(String text, String at, int min, int max) {
    if (text == null) return null;
    int length = text.codePointCount(0, text.length());
    if (length < min || length > max) {
      throw ServiceError.validation("1 validation error detected: Value '" + text + "' at '" + at
          + "' failed to satisfy constraint: Member must have length " + (length < min
              ? "greater than or equal to " + min : "less than or equal to " + max));
    }
    if (!TAG.matcher(text).matches()) {
      throw ServiceError.validation("1 validation error detected: Value '" + text + "' at '" + at
          + "' failed to satisfy constraint: Member must satisfy regular expression pattern: " + TAG_PATTERN);
    }
    return text;
  }

  static String nextToken(ObjectNode request) {
    return maxLength(optionalString(request, "nextToken"), "nextToken", 1024, false);
  }
}
