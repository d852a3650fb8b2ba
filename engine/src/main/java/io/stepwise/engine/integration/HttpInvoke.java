package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.Effect;
import io.stepwise.asl.interpreter.Signal;
import io.stepwise.engine.Json;
import io.stepwise.engine.execution.ExecutionInfo;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The HTTP Task ({@code arn:aws:states:::http:invoke}), as AWS's developer guide describes it:
 * {@code ApiEndpoint}, {@code Method}, the connection ({@code Authentication} or
 * {@code InvocationConfig} {@code .ConnectionArn}), {@code Headers}, {@code QueryParameters},
 * {@code RequestBody} and {@code Transform} (URL-encoded bodies with every {@code ArrayFormat}).
 * The answer is {@code {Headers, ResponseBody, StatusCode, StatusText}}; a status outside 2xx
 * fails the task with {@code States.Http.StatusCode.NNN}, a call that cannot connect or takes
 * over 60 seconds with {@code States.Http.Socket}. A connection's headers, query and body
 * parameters come from Stepwise's configuration ({@code stepwise.engine.http-connections}), which
 * stands in for EventBridge connections; they win over the task's, as AWS's do.
 *
 * <p>Calls go out on the JDK's asynchronous HTTP client: nothing here blocks a caller's thread.
 */
public final class HttpInvoke implements Integration {
  public static final String RESOURCE = "arn:aws:states:::http:invoke";
  static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Set<String> METHODS = Set.of("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
  /** Headers a definition may not set (AWS fails the task with States.Runtime). */
  private static final Set<String> FORBIDDEN = Set.of("a-im", "accept-charset", "accept-datetime", "accept-encoding",
      "authorization", "cache-control", "connection", "content-encoding", "content-md5", "date", "expect", "forwarded",
      "from", "host", "http2-settings", "if-match", "if-modified-since", "if-none-match", "if-range",
      "if-unmodified-since", "max-forwards", "origin", "pragma", "proxy-authorization", "referer", "server", "te",
      "trailer", "transfer-encoding", "upgrade", "via", "warning");
  /** Headers the JDK client sets itself and refuses from callers. */
  private static final Set<String> CLIENT_SET = Set.of("content-length", "host", "connection", "expect", "upgrade");
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** What a connection adds to each call: the configuration's stand-in for an EventBridge connection. */
  public record Connection(Map<String, String> headers, Map<String, String> queryParameters, ObjectNode bodyParameters) {}

  private final Map<String, Connection> connections;
  private final String region;
  private final HttpClient client;

  /** {@code connections} by connection ARN or name; {@code region} names the caller in User-Agent. */
  public HttpInvoke(Map<String, Connection> connections, String region) {
    this.connections = Map.copyOf(connections);
    this.region = region;
    this.client = HttpClient.newBuilder()
        .connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER)
        .build();
  }

  @Override
  public boolean handles(String resource) {
    return RESOURCE.equals(resource);
  }

  /** A task that cannot be called: its error and cause. */
  private static final class Refused extends RuntimeException {
    final String error;

    Refused(String error, String cause) {
      super(cause, null, false, false);
      this.error = error;
    }
  }

  @Override
  public CompletionStage<Signal> invoke(Effect.ScheduleTask task, ExecutionInfo info) {
    return invokeTraced(task, info, null);
  }

  /**
   * What TestState shows of a call at {@code TRACE}: the request as sent and the response as it
   * came ({@code InspectionData}'s {@code request} and {@code response}, every member a string).
   * Without {@code revealSecrets} the request is shown without what the connection adds (its
   * headers, query and body parameters), as AWS leaves out what an EventBridge connection adds;
   * what the task itself sends and the whole response are shown either way.
   */
  public static final class Exchange {
    private final boolean revealSecrets;
    private volatile ObjectNode request;
    private volatile ObjectNode response;

    public Exchange(boolean revealSecrets) {
      this.revealSecrets = revealSecrets;
    }

    /** The request, or null if no call was made (the task was refused before it). */
    public ObjectNode request() {
      return request;
    }

    /** The response, or null if none came. */
    public ObjectNode response() {
      return response;
    }
  }

  /** As {@link #invoke(Effect.ScheduleTask, ExecutionInfo)}, keeping what was sent and received in {@code exchange} (may be null). */
  public CompletionStage<Signal> invokeTraced(Effect.ScheduleTask task, ExecutionInfo info, Exchange exchange) {
    Assembled call;
    try {
      call = assemble(task.parameters(), null);
    } catch (Refused r) {
      return CompletableFuture.completedFuture(new Signal.TaskFailed(task.id(), r.error, r.getMessage()));
    }
    if (exchange != null) {
      try {
        exchange.request = shown(exchange.revealSecrets ? call : assemble(task.parameters(), NO_CONNECTION));
      } catch (Refused onlyWithoutTheConnection) {
        // a header the connection replaces is invalid as the task gives it: the call goes out, unshown
      }
    }
    return client.sendAsync(call.request(), HttpResponse.BodyHandlers.ofByteArray())
        .handle((response, failure) -> {
          if (failure == null && exchange != null) exchange.response = shown(response);
          return failure == null ? answer(task, response) : failed(task, failure);
        });
  }

  private static final Connection NO_CONNECTION = new Connection(Map.of(), Map.of(), NODES.objectNode());

  /** A request ready to send, and the text of its body ("" for none). */
  private record Assembled(HttpRequest request, String body) {}

  private static ObjectNode shown(Assembled call) {
    ObjectNode r = NODES.objectNode();
    r.put("protocol", call.request().uri().getScheme());
    r.put("method", call.request().method());
    r.put("url", call.request().uri().toString());
    r.put("headers", shown(call.request().headers()));
    r.put("body", call.body());
    return r;
  }

  private static ObjectNode shown(HttpResponse<byte[]> response) {
    ObjectNode r = NODES.objectNode();
    r.put("protocol", response.uri().getScheme());
    r.put("statusCode", String.valueOf(response.statusCode()));
    r.put("statusMessage", reason(response.statusCode()));
    r.put("headers", shown(response.headers()));
    r.put("body", new String(response.body(), StandardCharsets.UTF_8));
    return r;
  }

  /** Headers as one text: {@code [Name: value, Name: value]}, a name once per value, in name order. */
  private static String shown(java.net.http.HttpHeaders headers) {
    List<String> lines = new ArrayList<>();
    new TreeMap<>(headers.map()).forEach((name, values) -> {
      if (!name.startsWith(":")) values.forEach(v -> lines.add(name + ": " + v));
    });
    return "[" + String.join(", ", lines) + "]";
  }

  /** The call {@code p} asks for, with the configured connection or, if not null, {@code use} in its place. */
  private Assembled assemble(JsonNode p, Connection use) {
    if (p == null || !p.isObject()) throw runtime("The HTTP Task's Parameters must be a JSON object");
    String endpoint = text(p, "ApiEndpoint");
    String method = text(p, "Method");
    if (!METHODS.contains(method)) {
      throw runtime("The HTTP Task's Method must be one of GET, POST, PUT, DELETE, PATCH, OPTIONS or HEAD, got '"
          + method + "'");
    }
    String connectionArn = connectionArn(p);
    Connection connection = use != null ? use : connection(connectionArn);

    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    JsonNode h = p.get("Headers");
    if (h != null && !h.isNull()) {
      if (!h.isObject()) throw runtime("The HTTP Task's Headers must be a JSON object");
      for (Iterator<Map.Entry<String, JsonNode>> it = h.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey().toLowerCase(Locale.ROOT);
        if (FORBIDDEN.contains(name) || name.startsWith("x-forwarded-") || name.startsWith("x-amz-")
            || name.startsWith("x-amzn-")) {
          throw runtime("The HTTP Task may not set the header '" + e.getKey() + "'");
        }
        headers.put(e.getKey(), values(e.getValue()));
      }
    }
    connection.headers().forEach((k, v) -> headers.put(k, List.of(v)));

    int fragment = endpoint.indexOf('#');
    StringBuilder url = new StringBuilder(fragment < 0 ? endpoint : endpoint.substring(0, fragment));
    List<String[]> query = new ArrayList<>();
    JsonNode q = p.get("QueryParameters");
    Map<String, List<String>> merged = new LinkedHashMap<>();
    if (q != null && !q.isNull()) {
      if (!q.isObject()) throw runtime("The HTTP Task's QueryParameters must be a JSON object");
      q.fields().forEachRemaining(e -> merged.put(e.getKey(), values(e.getValue())));
    }
    connection.queryParameters().forEach((k, v) -> merged.put(k, List.of(v)));
    merged.forEach((k, vs) -> vs.forEach(v -> query.add(new String[] {k, v})));
    if (!query.isEmpty()) {
      url.append(url.indexOf("?") >= 0 ? '&' : '?');
      for (int i = 0; i < query.size(); i++) {
        if (i > 0) url.append('&');
        url.append(encode(query.get(i)[0])).append('=').append(encode(query.get(i)[1]));
      }
    }
    URI uri;
    try {
      uri = URI.create(url.toString());
    } catch (IllegalArgumentException e) {
      throw runtime("The HTTP Task's ApiEndpoint is not a valid URL: " + endpoint);
    }
    if (uri.getScheme() == null || !(uri.getScheme().equals("https") || uri.getScheme().equals("http"))
        || uri.getHost() == null) {
      throw runtime("The HTTP Task's ApiEndpoint must be an http(s) URL, got '" + endpoint + "'");
    }

    HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.noBody();
    String bodyText = "";
    JsonNode rb = p.get("RequestBody");
    ObjectNode extra = connection.bodyParameters();
    if (rb != null && !rb.isNull() || !extra.isEmpty()) {
      if (rb != null && rb.isTextual() && !extra.isEmpty()) {
        throw runtime("The HTTP Task's RequestBody is a string, which cannot be merged with the connection's body"
            + " parameters");
      }
      JsonNode merge = rb == null || rb.isNull() ? NODES.objectNode() : rb;
      if (merge.isObject() && !extra.isEmpty()) merge = ((ObjectNode) merge.deepCopy()).setAll(extra);
      String encoding = p.path("Transform").path("RequestBodyEncoding").asText("NONE");
      String text;
      if (encoding.equals("URL_ENCODED")) {
        if (!merge.isObject()) throw runtime("A URL_ENCODED RequestBody must be a JSON object");
        String format = p.path("Transform").path("RequestEncodingOptions").path("ArrayFormat").asText("INDICES");
        if (!Set.of("INDICES", "REPEAT", "COMMAS", "BRACKETS").contains(format)) {
          throw runtime("The HTTP Task's ArrayFormat must be INDICES, REPEAT, COMMAS or BRACKETS, got '" + format + "'");
        }
        List<String> pairs = new ArrayList<>();
        merge.fields().forEachRemaining(e -> form(pairs, e.getKey(), e.getValue(), format));
        text = String.join("&", pairs);
      } else if (encoding.equals("NONE")) {
        text = merge.isTextual() ? merge.asText() : Json.write(merge);
        if (!merge.isTextual()) headers.putIfAbsent("Content-Type", List.of("application/json; charset=UTF-8"));
      } else {
        throw runtime("The HTTP Task's RequestBodyEncoding must be NONE or URL_ENCODED, got '" + encoding + "'");
      }
      body = HttpRequest.BodyPublishers.ofString(text, StandardCharsets.UTF_8);
      bodyText = text;
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(TIMEOUT).method(method, body);
    headers.forEach((k, vs) -> {
      if (CLIENT_SET.contains(k.toLowerCase(Locale.ROOT))) return;
      for (String v : vs) {
        try {
          b.header(k, v);
        } catch (IllegalArgumentException e) {
          throw runtime("The HTTP Task's header '" + k + "' is not a valid HTTP header: " + e.getMessage());
        }
      }
    });
    b.setHeader("User-Agent", "Amazon|StepFunctions|HttpInvoke|" + region);
    return new Assembled(b.build(), bodyText);
  }

  private static String connectionArn(JsonNode p) {
    for (String holder : List.of("InvocationConfig", "Authentication")) {
      JsonNode c = p.path(holder).get("ConnectionArn");
      if (c != null && c.isTextual()) return c.asText();
    }
    throw runtime("The HTTP Task must name its connection in Authentication.ConnectionArn or"
        + " InvocationConfig.ConnectionArn");
  }

  /** The configured connection of {@code arn}, found by its ARN or its name. */
  private Connection connection(String arn) {
    Connection c = connections.get(arn);
    if (c == null) {
      // arn:aws:events:region:account:connection/<name>/<uuid>
      int at = arn.indexOf(":connection/");
      if (at >= 0) {
        String rest = arn.substring(at + ":connection/".length());
        c = connections.get(rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest);
      }
    }
    if (c == null) {
      throw new Refused("Events.ConnectionResource.ResourceNotFound", "Connection '" + arn + "' is not configured:"
          + " add it to stepwise.engine.http-connections (by its ARN or name) with the headers, query and body"
          + " parameters its authorization adds");
    }
    return c;
  }

  private static void form(List<String> pairs, String key, JsonNode v, String format) {
    if (v.isObject()) {
      v.fields().forEachRemaining(e -> form(pairs, key + "[" + e.getKey() + "]", e.getValue(), format));
    } else if (v.isArray()) {
      if (format.equals("COMMAS")) {
        List<String> parts = new ArrayList<>();
        v.forEach(x -> parts.add(scalar(x)));
        pairs.add(encode(key) + "=" + encode(String.join(",", parts)));
        return;
      }
      for (int i = 0; i < v.size(); i++) {
        String k = switch (format) {
          case "REPEAT" -> key;
          case "BRACKETS" -> key + "[]";
          default -> key + "[" + i + "]";
        };
        form(pairs, k, v.get(i), format);
      }
    } else {
      pairs.add(encode(key) + "=" + encode(scalar(v)));
    }
  }

  private static String scalar(JsonNode v) {
    return v.isValueNode() ? v.asText() : Json.write(v);
  }

  private static List<String> values(JsonNode v) {
    if (v.isArray()) {
      List<String> out = new ArrayList<>();
      v.forEach(x -> out.add(scalar(x)));
      return out;
    }
    return List.of(scalar(v));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  /** A required string member. */
  private static String text(JsonNode p, String field) {
    JsonNode v = p.get(field);
    if (v == null || v.isNull()) throw runtime("The HTTP Task's Parameters must have " + field);
    if (!v.isTextual()) throw runtime("The HTTP Task's " + field + " must be a string");
    return v.asText();
  }

  private static Refused runtime(String cause) {
    return new Refused("States.Runtime", cause);
  }

  private static Signal answer(Effect.ScheduleTask task, HttpResponse<byte[]> response) {
    ObjectNode out = NODES.objectNode();
    ObjectNode headers = out.putObject("Headers");
    String contentType = "";
    for (Map.Entry<String, List<String>> e : new TreeMap<>(response.headers().map()).entrySet()) {
      String name = e.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(":")) continue;
      ArrayNode vs = headers.putArray(name);
      e.getValue().forEach(vs::add);
      if (name.equals("content-type") && !e.getValue().isEmpty()) contentType = e.getValue().get(0).toLowerCase(Locale.ROOT);
    }
    String media = contentType.contains(";") ? contentType.substring(0, contentType.indexOf(';')).trim() : contentType.trim();
    if (media.equals("application/octet-stream") || media.startsWith("image/") || media.startsWith("video/")
        || media.startsWith("audio/")) {
      return new Signal.TaskFailed(task.id(), "States.Runtime",
          "The HTTP Task's response has a content type it cannot return: " + media);
    }
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(response.body())).toString();
    } catch (CharacterCodingException e) {
      return new Signal.TaskFailed(task.id(), "States.Runtime", "The HTTP Task's response cannot be read as a string");
    }
    JsonNode body = NODES.textNode(text);
    if ((media.equals("application/json") || media.endsWith("+json")) && !text.isBlank()) {
      try {
        body = Json.MAPPER.readTree(text);
      } catch (IOException | RuntimeException notJson) {
        // answered as the text it is
      }
    }
    out.set("ResponseBody", body);
    int status = response.statusCode();
    out.put("StatusCode", status);
    out.put("StatusText", reason(status));
    if (status >= 200 && status < 300) return new Signal.TaskSucceeded(task.id(), out);
    return new Signal.TaskFailed(task.id(), "States.Http.StatusCode." + status, Json.write(out));
  }

  private static Signal failed(Effect.ScheduleTask task, Throwable failure) {
    Throwable f = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (f instanceof java.net.http.HttpConnectTimeoutException) {
      return new Signal.TaskFailed(task.id(), "States.Http.Socket", "The HTTP Task could not connect within 10 seconds");
    }
    if (f instanceof HttpTimeoutException) {
      return new Signal.TaskFailed(task.id(), "States.Http.Socket", "The HTTP Task timed out after 60 seconds");
    }
    if (f instanceof IOException) {
      return new Signal.TaskFailed(task.id(), "States.Http.Socket",
          "The HTTP Task could not complete its call: " + (f.getMessage() == null ? f.getClass().getSimpleName() : f.getMessage()));
    }
    return new Signal.TaskFailed(task.id(), "States.Runtime", "The HTTP Task failed: " + f);
  }

  /** The reason phrase of an HTTP status (the {@code StatusText} HTTP and EKS tasks answer); empty if unknown. */
  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 202 -> "Accepted";
      case 203 -> "Non-Authoritative Information";
      case 204 -> "No Content";
      case 205 -> "Reset Content";
      case 206 -> "Partial Content";
      case 300 -> "Multiple Choices";
      case 301 -> "Moved Permanently";
      case 302 -> "Found";
      case 303 -> "See Other";
      case 304 -> "Not Modified";
      case 307 -> "Temporary Redirect";
      case 308 -> "Permanent Redirect";
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 402 -> "Payment Required";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 405 -> "Method Not Allowed";
      case 406 -> "Not Acceptable";
      case 408 -> "Request Timeout";
      case 409 -> "Conflict";
      case 410 -> "Gone";
      case 411 -> "Length Required";
      case 412 -> "Precondition Failed";
      case 413 -> "Payload Too Large";
      case 415 -> "Unsupported Media Type";
      case 422 -> "Unprocessable Entity";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "";
    };
  }
}
