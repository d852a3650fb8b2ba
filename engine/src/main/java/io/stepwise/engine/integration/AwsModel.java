package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPInputStream;

/**
 * One AWS service as its model describes it: protocol, operations and shapes, read from the
 * resource {@code aws-models/<name>.json.gz} (written by {@code engine/tools/generate-aws-models.py}
 * from botocore's models). {@code name} is the service's name in {@code aws-sdk:} resources: its
 * serviceId in lower case without spaces ({@code sfn}, {@code dynamodb}, {@code cloudwatchlogs}).
 */
final class AwsModel {
  /** The protocols Stepwise speaks, in the order it picks one when a service offers several. */
  static final List<String> PROTOCOLS = List.of("json", "rest-json", "query");

  private static final Map<String, Optional<AwsModel>> LOADED = new ConcurrentHashMap<>();

  final String name;
  private final JsonNode metadata;
  private final JsonNode operations;
  private final JsonNode shapes;

  private AwsModel(String name, JsonNode model) {
    this.name = name;
    this.metadata = model.path("metadata");
    this.operations = model.path("operations");
    this.shapes = model.path("shapes");
  }

  /** The service named {@code name}, if Stepwise has its model (read once, on first use). */
  static Optional<AwsModel> named(String name) {
    if (!name.matches("[a-z0-9]{1,64}")) return Optional.empty();
    Optional<AwsModel> loaded = LOADED.get(name);
    if (loaded != null) return loaded;
    // a name with no model is not kept: names a client makes up cannot grow the map
    Optional<AwsModel> read = read(name);
    if (read.isPresent()) LOADED.putIfAbsent(name, read);
    return read.isPresent() ? LOADED.get(name) : read;
  }

  private static Optional<AwsModel> read(String name) {
    try (InputStream in = AwsModel.class.getClassLoader().getResourceAsStream("aws-models/" + name + ".json.gz")) {
      if (in == null) return Optional.empty();
      return Optional.of(new AwsModel(name, Json.MAPPER.readTree(new GZIPInputStream(in))));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model of AWS service " + name, e);
    }
  }

  /** The protocol calls use: the first of {@link #PROTOCOLS} the service offers, else its own. */
  String protocol() {
    List<String> offered = new ArrayList<>();
    metadata.path("protocols").forEach(p -> offered.add(p.asText()));
    if (offered.isEmpty()) offered.add(metadata.path("protocol").asText());
    for (String p : PROTOCOLS) if (offered.contains(p)) return p;
    return offered.get(0);
  }

  String serviceId() {
    return metadata.path("serviceId").asText(name);
  }

  /** The name requests are signed for (SigV4's service). */
  String signingName() {
    return metadata.path("signingName").asText(metadata.path("endpointPrefix").asText(name));
  }

  String targetPrefix() {
    return metadata.path("targetPrefix").asText();
  }

  String jsonVersion() {
    return metadata.path("jsonVersion").asText("1.0");
  }

  String apiVersion() {
    return metadata.path("apiVersion").asText();
  }

  /**
   * The service's name in Pascal case, as the AWS SDK for Java 2.x names its client and as Step
   * Functions prefixes its errors: each word of the serviceId (without a closing "Service")
   * capitalised, the rest of it in lower case ({@code DynamoDB} → {@code DynamoDb}, {@code ACM PCA}
   * → {@code AcmPca}, {@code SFN} → {@code Sfn}, {@code Config Service} → {@code Config}).
   */
  String pascalName() {
    StringBuilder out = new StringBuilder();
    for (String word : serviceId().replaceAll("\\s+Service$", "").split("[^A-Za-z0-9]+")) {
      // words also break where a lower-case letter or digit meets a capital (CloudWatch, DynamoDB)
      for (String part : word.split("(?<=[a-z0-9])(?=[A-Z])")) {
        if (part.isEmpty()) continue;
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return out.toString();
  }

  /** The operation an action of a resource names ({@code getItem} → {@code GetItem}), if any. */
  Optional<String> operation(String action) {
    if (action.isEmpty()) return Optional.empty();
    String pascal = Character.toUpperCase(action.charAt(0)) + action.substring(1);
    if (operations.has(pascal)) return Optional.of(pascal);
    for (Iterator<String> it = operations.fieldNames(); it.hasNext(); ) {
      String op = it.next();
      if (op.equalsIgnoreCase(action)) return Optional.of(op);
    }
    return Optional.empty();
  }

  JsonNode op(String operation) {
    return operations.path(operation);
  }

  JsonNode shape(String name) {
    return name == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : shapes.path(name);
  }

  /**
   * The error shape a service's error code names: the shape of that name, or the one whose
   * {@code error.code} it is (a JSON service compatible with its Query past answers with those).
   */
  Optional<String> errorShape(String code) {
    JsonNode s = shapes.get(code);
    if (s != null && s.path("exception").asBoolean(false)) return Optional.of(code);
    for (Iterator<Map.Entry<String, JsonNode>> it = shapes.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().path("exception").asBoolean(false) && code.equals(e.getValue().path("error").path("code").asText(null))) {
        return Optional.of(e.getKey());
      }
    }
    return Optional.empty();
  }
}
