package io.stepwise.engine.integration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.engine.Json;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * AWS's wire protocols, as far as Stepwise forwards calls: {@code json} (1.0 and 1.1),
 * {@code rest-json}, {@code rest-xml} (S3), {@code query} and {@code ec2}. A task's parameters (member names in Pascal case, as Step
 * Functions writes them) become the operation's request as its model says, and an answer becomes
 * the task's output with every structure member's name in Pascal case, as Step Functions gives it.
 * A map's keys are data and stay as they are.
 */
final class AwsWire {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private AwsWire() {}

  /** A request to sign and send: {@code target} is the path and query under the endpoint. */
  record Request(String method, String target, Map<String, String> headers, byte[] body) {}

  /**
   * An error the service answered with: its code (the error shape's name where the answer gives
   * it), the code as the service's older Query protocol names it where that differs, its message.
   */
  record Failure(String code, String queryCode, String message, String requestId) {}

  /** Parameters the operation cannot take: the task fails before anything is sent. */
  /**
   * A name that is no member of the request: AWS's words, {@code The field "onStatusReason" is not
   * supported by Step Functions} (when the task runs, as users met it for aws-sdk:batch:submitJob).
   */
  static final class UnknownField extends BadParameters {
    UnknownField(String name) {
      super(message(name));
    }

    static String message(String name) {
      return "The field \"" + name + "\" is not supported by Step Functions";
    }
  }

  static class BadParameters extends RuntimeException {
    BadParameters(String message) {
      super(message);
    }
  }

  // ---- requests ----

  static Request request(AwsModel m, String operation, JsonNode params) {
    JsonNode op = m.op(operation);
    String input = op.path("input").asText(null);
    JsonNode p = params == null || params.isNull() ? NODES.objectNode() : params;
    if (!p.isObject()) throw new BadParameters("The parameters of " + m.serviceId() + " " + operation + " must be an object");
    return switch (m.protocol()) {
      case "json" -> {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-amz-json-" + m.jsonVersion());
        h.put("X-Amz-Target", m.targetPrefix() + "." + operation);
        JsonNode body = input == null ? NODES.objectNode() : json(m, input, p, operation, false);
        yield new Request("POST", "", h, Json.write(body).getBytes(StandardCharsets.UTF_8));
      }
      case "rest-json" -> restJson(m, operation, op, input, p, false);
      case "rest-xml" -> restJson(m, operation, op, input, p, true);
      case "query", "ec2" -> {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("Action", operation);
        form.put("Version", m.apiVersion());
        if (input != null) form(m, input, p, "", form, operation, m.protocol().equals("ec2"));
        StringBuilder b = new StringBuilder();
        form.forEach((k, v) -> b.append(b.length() == 0 ? "" : "&").append(encode(k)).append('=').append(encode(v)));
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
        yield new Request("POST", "", h, b.toString().getBytes(StandardCharsets.UTF_8));
      }
      default -> throw new BadParameters(m.serviceId() + " speaks the " + m.protocol()
          + " protocol, which Stepwise does not forward (it forwards json, rest-json, rest-xml, query and ec2 services)");
    };
  }

  /**
   * The member of a structure a parameter names: its own name, that name with a capital first
   * letter, or the name the AWS SDK for Java v2 gives it (which AWS's aws-sdk integrations take:
   * {@code DbInstanceIdentifier} for RDS's {@code DBInstanceIdentifier}, {@code Ttl} for {@code TTL},
   * as machines deployed on AWS write them).
   */
  static Map.Entry<String, JsonNode> member(JsonNode structure, String key) {
    JsonNode members = structure.path("members");
    if (members.has(key)) return Map.entry(key, members.get(key));
    String wanted = key.equals("EqualsValue") ? "Equals" : key;
    for (Iterator<Map.Entry<String, JsonNode>> it = members.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (capitalized(e.getKey()).equals(wanted) || javaName(e.getKey()).equals(wanted)) return e;
    }
    return null;
  }

  /**
   * A member's name in the AWS SDK for Java v2: its leading run of capitals in lower case (all but
   * the last, when a lower-case letter follows it), then a capital first letter —
   * {@code DBInstanceIdentifier} is {@code DbInstanceIdentifier}, {@code TTL} is {@code Ttl},
   * {@code IPv6Address} stays.
   */
  static String javaName(String member) {
    if (member.isEmpty()) return member;
    StringBuilder b = new StringBuilder(member.length());
    int i = 0;
    do {
      b.append(Character.toLowerCase(member.charAt(i++)));
    } while (i < member.length() && Character.isUpperCase(member.charAt(i))
        && !(i < member.length() - 1 && Character.isLowerCase(member.charAt(i + 1))));
    b.append(member, i, member.length());
    return capitalized(b.toString());
  }

  /**
   * The names in {@code template}, a task's parameters as written in its definition, that the shape
   * {@code shapeName} of {@code m} does not have, where the values are written out: a {@code .$}
   * key (or, in JSONata, an expression) is only known when the task runs. Free-form members
   * (documents, a map's keys, a string given JSON) are not read.
   */
  static void unknownWrittenFields(AwsModel m, String shapeName, JsonNode template, boolean jsonata, java.util.List<String> out) {
    walk(m, shapeName, template, jsonata ? Read.JSONATA_TEMPLATE : Read.TEMPLATE, null, out);
  }

  /**
   * What keeps {@code parameters}, a task's effective parameters, from being the request the shape
   * {@code shapeName} of {@code m} describes, in AWS's words: a name the shape does not have ({@link
   * UnknownField}), and a structure or map given other than an object, or a list given other than an
   * array: {@code The value of the field 'QueryParameters' has an invalid format} (AWS, for an API
   * Gateway task's string where a map goes), naming the member that holds it. A known member's null
   * is that member left out; a string member takes any JSON (it is sent as its text); a key ending
   * in {@code .$} is the template check's ({@code PayloadTemplate.problems}).
   */
  static void startProblems(AwsModel m, String shapeName, JsonNode parameters, boolean jsonata, java.util.List<String> out) {
    walk(m, shapeName, parameters, jsonata ? Read.EFFECTIVE_JSONATA : Read.EFFECTIVE, null, out);
  }

  /**
   * What a walk reads: parameters as written (a path's or expression's key skipped), or as they run
   * (a JSONPath task's key ending in {@code .$} is the template check's; a JSONata task's is a name).
   */
  private enum Read { TEMPLATE, JSONATA_TEMPLATE, EFFECTIVE, EFFECTIVE_JSONATA }

  private static void walk(AwsModel m, String shapeName, JsonNode value, Read read, String field, java.util.List<String> out) {
    JsonNode s = m.shape(shapeName);
    if (s.path("document").asBoolean(false) || value == null || value.isNull()) return;
    String type = s.path("type").asText();
    boolean object = type.equals("structure") || type.equals("map");
    boolean effective = read == Read.EFFECTIVE || read == Read.EFFECTIVE_JSONATA;
    if (effective && field != null && (object && !value.isObject() || type.equals("list") && !value.isArray())) {
      out.add("The value of the field '" + field + "' has an invalid format");
      return;
    }
    switch (type) {
      case "structure" -> {
        if (!value.isObject()) return;
        for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          if ((read == Read.TEMPLATE || read == Read.EFFECTIVE) && f.getKey().endsWith(".$")) continue; // a path's key: the template's own check
          if (read == Read.JSONATA_TEMPLATE && f.getValue().isTextual() && f.getValue().textValue().startsWith("{%")) continue;
          Map.Entry<String, JsonNode> mem = member(s, f.getKey());
          if (mem == null) out.add(effective ? UnknownField.message(f.getKey()) : f.getKey());
          else walk(m, mem.getValue().path("shape").asText(), f.getValue(), read, f.getKey(), out);
        }
      }
      case "list" -> {
        if (value.isArray()) for (JsonNode item : value) walk(m, s.path("member").path("shape").asText(), item, read, field, out);
      }
      case "map" -> {
        if (value.isObject()) value.fields().forEachRemaining(f -> walk(m, s.path("value").path("shape").asText(), f.getValue(), read, field, out));
      }
      default -> { }
    }
  }

  private static Map.Entry<String, JsonNode> requireMember(JsonNode structure, String key) {
    Map.Entry<String, JsonNode> e = member(structure, key);
    if (e == null) throw new UnknownField(key);
    return e;
  }

  static String capitalized(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** A value as the JSON protocols carry it; {@code bodyOnly} leaves out members the HTTP binding places elsewhere. */
  private static JsonNode json(AwsModel m, String shapeName, JsonNode v, String where, boolean bodyOnly) {
    JsonNode s = m.shape(shapeName);
    if (s.path("document").asBoolean(false)) return v; // free-form JSON, carried as given
    switch (s.path("type").asText()) {
      case "structure" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          Map.Entry<String, JsonNode> mem = requireMember(s, f.getKey());
          if (f.getValue().isNull() || bodyOnly && mem.getValue().has("location")) continue;
          String wire = mem.getValue().path("locationName").asText(mem.getKey());
          out.set(wire, json(m, mem.getValue().path("shape").asText(), f.getValue(), where + "." + f.getKey(), false));
        }
        return out;
      }
      case "list" -> {
        if (!v.isArray()) throw new BadParameters("The field '" + where + "' must be an array");
        ArrayNode out = NODES.arrayNode();
        for (JsonNode item : v) out.add(json(m, s.path("member").path("shape").asText(), item, where + "[]", false));
        return out;
      }
      case "map" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        ObjectNode out = NODES.objectNode();
        v.fields().forEachRemaining(f -> out.set(f.getKey(),
            json(m, s.path("value").path("shape").asText(), f.getValue(), where + "." + f.getKey(), false)));
        return out;
      }
      case "timestamp" -> {
        if (s.path("timestampFormat").asText("unixTimestamp").equals("unixTimestamp")) {
          return v.isTextual() ? NODES.numberNode(epochSeconds(v.asText(), where)) : v;
        }
        String iso = isoTimestamp(v, where);
        return NODES.textNode(s.path("timestampFormat").asText().equals("rfc822") ? rfc822(iso) : iso);
      }
      case "string" -> {
        return v.isContainerNode() ? NODES.textNode(Json.write(v)) : v;
      }
      default -> {
        return v;
      }
    }
  }

  private static BigDecimal epochSeconds(String text, String where) {
    try {
      Instant t = Instant.parse(text);
      BigDecimal d = BigDecimal.valueOf(t.getEpochSecond()).add(BigDecimal.valueOf(t.getNano(), 9)).stripTrailingZeros();
      return d.scale() < 0 ? d.setScale(0) : d;
    } catch (DateTimeParseException e) {
      try {
        return new BigDecimal(text);
      } catch (NumberFormatException notNumber) {
        throw new BadParameters("The field '" + where + "' must be a timestamp (ISO-8601 or seconds since the epoch), got '" + text + "'");
      }
    }
  }

  private static String isoTimestamp(JsonNode v, String where) {
    BigDecimal d = v.isNumber() ? v.decimalValue() : epochSeconds(v.asText(), where);
    try {
      Instant t = Instant.ofEpochSecond(d.longValueExact(), d.remainder(BigDecimal.ONE).movePointRight(9).longValue());
      if (t.isBefore(Instant.parse("0001-01-01T00:00:00Z")) || t.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
        throw new java.time.DateTimeException("out of range");
      }
      return DateTimeFormatter.ISO_INSTANT.format(t);
    } catch (ArithmeticException | java.time.DateTimeException e) {
      throw new BadParameters("The field '" + where + "' is not a timestamp AWS accepts: " + v);
    }
  }

  private static String rfc822(String iso) {
    return DateTimeFormatter.RFC_1123_DATE_TIME.format(Instant.parse(iso).atOffset(ZoneOffset.UTC));
  }

  private static String scalar(AwsModel m, String shapeName, JsonNode v, String where, boolean header) {
    JsonNode s = m.shape(shapeName);
    String type = s.path("type").asText();
    if (type.equals("timestamp")) {
      String iso = isoTimestamp(v, where);
      String format = s.path("timestampFormat").asText(header ? "rfc822" : "iso8601");
      return switch (format) {
        case "rfc822" -> rfc822(iso);
        case "unixTimestamp" -> epochSeconds(iso, where).toPlainString();
        default -> iso;
      };
    }
    if (v.isContainerNode()) {
      if (type.equals("list")) {
        List<String> parts = new ArrayList<>();
        for (JsonNode item : v) parts.add(scalar(m, s.path("member").path("shape").asText(), item, where, header));
        return String.join(",", parts);
      }
      return Json.write(v);
    }
    return v.asText();
  }

  /** REST-JSON, or with {@code xml} REST-XML (S3): the same HTTP binding, bodies in JSON or XML. */
  private static Request restJson(AwsModel m, String operation, JsonNode op, String input, JsonNode p, boolean xml) {
    JsonNode s = m.shape(input);
    String method = op.path("http").path("method").asText("POST");
    String uri = op.path("http").path("requestUri").asText("/");
    Map<String, String> labels = new LinkedHashMap<>();
    List<String[]> query = new ArrayList<>();
    Map<String, String> headers = new LinkedHashMap<>();
    String payload = s.path("payload").asText(null);
    boolean bodyMembers = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> f = it.next();
      Map.Entry<String, JsonNode> mem = requireMember(s, f.getKey());
      JsonNode ref = mem.getValue();
      String loc = ref.path("locationName").asText(mem.getKey());
      String shape = ref.path("shape").asText();
      JsonNode v = f.getValue();
      if (v.isNull()) continue;
      switch (ref.path("location").asText("")) {
        case "uri" -> labels.put(loc, scalar(m, shape, v, f.getKey(), false));
        case "querystring" -> {
          if (m.shape(shape).path("type").asText().equals("map") && v.isObject()) {
            v.fields().forEachRemaining(e -> {
              if (e.getValue().isArray()) e.getValue().forEach(x -> query.add(new String[] {e.getKey(), x.asText()}));
              else query.add(new String[] {e.getKey(), e.getValue().asText()});
            });
          } else if (v.isArray()) {
            String item = m.shape(shape).path("member").path("shape").asText();
            for (JsonNode x : v) query.add(new String[] {loc, scalar(m, item, x, f.getKey(), false)});
          } else {
            query.add(new String[] {loc, scalar(m, shape, v, f.getKey(), false)});
          }
        }
        case "header" -> headers.put(loc, ref.path("jsonvalue").asBoolean(false) || m.shape(shape).path("jsonvalue").asBoolean(false)
            ? Base64.getEncoder().encodeToString(Json.write(v).getBytes(StandardCharsets.UTF_8))
            : scalar(m, shape, v, f.getKey(), true));
        case "headers" -> v.fields().forEachRemaining(e -> headers.put(loc + e.getKey(), e.getValue().asText()));
        case "statusCode" -> { }
        default -> bodyMembers |= !mem.getKey().equals(payload);
      }
    }
    byte[] body = new byte[0];
    if (payload != null) {
      Map.Entry<String, JsonNode> given = null;
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> f = it.next();
        Map.Entry<String, JsonNode> mem = member(s, f.getKey());
        if (mem != null && mem.getKey().equals(payload)) given = f;
      }
      String payloadShape = s.path("members").path(payload).path("shape").asText();
      String type = m.shape(payloadShape).path("type").asText();
      if (given != null && !given.getValue().isNull()) {
        if (xml && type.equals("structure")) {
          JsonNode ref = s.path("members").path(payload);
          String root = ref.path("locationName").asText(m.shape(payloadShape).path("locationName").asText(payloadShape));
          String ns = ref.path("xmlNamespace").path("uri").asText(null);
          StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
          toXml(m, payloadShape, given.getValue(), root, ns, x, payload);
          body = x.toString().getBytes(StandardCharsets.UTF_8);
          headers.putIfAbsent("Content-Type", "application/xml");
        } else if (type.equals("structure") || type.equals("list") || type.equals("map")) {
          body = Json.write(json(m, payloadShape, given.getValue(), payload, false)).getBytes(StandardCharsets.UTF_8);
          headers.putIfAbsent("Content-Type", "application/json");
        } else {
          JsonNode v = given.getValue();
          body = (v.isTextual() ? v.asText() : Json.write(v)).getBytes(StandardCharsets.UTF_8);
          headers.putIfAbsent("Content-Type", v.isTextual() && type.equals("blob") ? "application/octet-stream" : "application/json");
        }
      }
    } else if (xml) {
      if (bodyMembers) {
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        toXml(m, input, bodyOnly(s, p), s.path("locationName").asText(input), null, x, operation);
        body = x.toString().getBytes(StandardCharsets.UTF_8);
        headers.putIfAbsent("Content-Type", "application/xml");
      }
    } else if (bodyMembers || method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
      body = Json.write(json(m, input, p, operation, true)).getBytes(StandardCharsets.UTF_8);
      headers.putIfAbsent("Content-Type", "application/json");
    }
    if (xml && body.length > 0) {
      // S3 requires an MD5 of some bodies (DeleteObjects, tagging, lifecycle, CORS, ...); it is right for all
      try {
        headers.putIfAbsent("Content-MD5", Base64.getEncoder().encodeToString(java.security.MessageDigest.getInstance("MD5").digest(body)));
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
    return new Request(method, target(uri, labels, query, operation), headers, body);
  }

  /** The parameters that go in the body: those the HTTP binding places nowhere else. */
  private static JsonNode bodyOnly(JsonNode s, JsonNode p) {
    ObjectNode out = NODES.objectNode();
    p.fields().forEachRemaining(f -> {
      Map.Entry<String, JsonNode> mem = member(s, f.getKey());
      if (mem != null && !mem.getValue().has("location")) out.set(f.getKey(), f.getValue());
    });
    return out;
  }

  /** A value as REST-XML carries it, in element {@code name} (with {@code namespace} on the root). */
  private static void toXml(AwsModel m, String shapeName, JsonNode v, String name, String namespace, StringBuilder out,
      String where) {
    JsonNode s = m.shape(shapeName);
    if (v == null || v.isNull()) return;
    String type = s.path("type").asText();
    if (type.equals("list") && s.path("flattened").asBoolean(false)) {
      if (!v.isArray()) throw new BadParameters("The field '" + where + "' must be an array");
      for (JsonNode x : v) toXml(m, s.path("member").path("shape").asText(), x, name, null, out, where + "[]");
      return;
    }
    out.append('<').append(name);
    if (namespace != null) out.append(" xmlns=\"").append(escape(namespace)).append('"');
    out.append('>');
    switch (type) {
      case "structure" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          Map.Entry<String, JsonNode> mem = requireMember(s, f.getKey());
          toXml(m, mem.getValue().path("shape").asText(), f.getValue(), mem.getValue().path("locationName").asText(mem.getKey()),
              null, out, where + "." + f.getKey());
        }
      }
      case "list" -> {
        if (!v.isArray()) throw new BadParameters("The field '" + where + "' must be an array");
        String item = s.path("member").path("locationName").asText("member");
        for (JsonNode x : v) toXml(m, s.path("member").path("shape").asText(), x, item, null, out, where + "[]");
      }
      case "map" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        String k = s.path("key").path("locationName").asText("key");
        String val = s.path("value").path("locationName").asText("value");
        v.fields().forEachRemaining(e -> {
          out.append("<entry><").append(k).append('>').append(escape(e.getKey())).append("</").append(k).append('>');
          toXml(m, s.path("value").path("shape").asText(), e.getValue(), val, null, out, where + "." + e.getKey());
          out.append("</entry>");
        });
      }
      case "timestamp" -> out.append(escape(isoTimestamp(v, where)));
      default -> out.append(escape(v.isContainerNode() ? Json.write(v) : v.asText()));
    }
    out.append("</").append(name).append('>');
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }

  /** The request URI with its labels filled in ({@code {Name+}} keeps its slashes) and the query added. */
  private static String target(String uri, Map<String, String> labels, List<String[]> query, String operation) {
    int q = uri.indexOf('?');
    String path = q < 0 ? uri : uri.substring(0, q);
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < path.length()) {
      int open = path.indexOf('{', i);
      if (open < 0) {
        out.append(path, i, path.length());
        break;
      }
      int close = path.indexOf('}', open);
      out.append(path, i, open);
      String label = path.substring(open + 1, close);
      boolean greedy = label.endsWith("+");
      if (greedy) label = label.substring(0, label.length() - 1);
      String value = labels.get(label);
      if (value == null || value.isEmpty()) {
        throw new BadParameters("The field '" + label + "' is required by " + operation);
      }
      String encoded = encode(value);
      out.append(greedy ? encoded.replace("%2F", "/") : encoded);
      i = close + 1;
    }
    StringBuilder qs = new StringBuilder(q < 0 ? "" : uri.substring(q + 1));
    for (String[] kv : query) qs.append(qs.length() == 0 ? "" : "&").append(encode(kv[0])).append('=').append(encode(kv[1]));
    return (out.length() > 0 && out.charAt(0) == '/' ? out.substring(1) : out.toString()) + (qs.length() == 0 ? "" : "?" + qs);
  }

  /** RFC 3986 percent-encoding (unreserved characters stay as they are). */
  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A").replace("%7E", "~");
  }

  /**
   * A value as the query protocol carries it in a form (members under their {@code locationName},
   * lists as {@code Name.member.N} or flattened, an empty list as {@code Name=}, maps as entries),
   * or, for {@code ec2}, as EC2's does: a member under its {@code queryName}, else its
   * {@code locationName} capitalized, else its own name; list items as {@code Name.N} whatever the
   * list's item name; an empty list not at all.
   */
  private static void form(AwsModel m, String shapeName, JsonNode v, String prefix, Map<String, String> out, String where,
      boolean ec2) {
    JsonNode s = m.shape(shapeName);
    switch (s.path("type").asText()) {
      case "structure" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          Map.Entry<String, JsonNode> mem = requireMember(s, f.getKey());
          if (f.getValue().isNull()) continue;
          JsonNode ref = mem.getValue();
          String name = !ec2 ? ref.path("locationName").asText(mem.getKey())
              : ref.has("queryName") ? ref.get("queryName").asText()
              : ref.has("locationName") ? capitalized(ref.get("locationName").asText()) : mem.getKey();
          form(m, ref.path("shape").asText(), f.getValue(), prefix.isEmpty() ? name : prefix + "." + name, out,
              where + "." + f.getKey(), ec2);
        }
      }
      case "list" -> {
        if (!v.isArray()) throw new BadParameters("The field '" + where + "' must be an array");
        if (ec2) {
          int n = 1;
          for (JsonNode x : v) form(m, s.path("member").path("shape").asText(), x, prefix + "." + n++, out, where + "[]", true);
          return;
        }
        boolean flat = s.path("flattened").asBoolean(false);
        String item = s.path("member").path("locationName").asText("member");
        // a flattened list whose items are named repeats that name in place of its own
        String base = prefix;
        if (flat && s.path("member").has("locationName")) {
          int dot = prefix.lastIndexOf('.');
          base = (dot < 0 ? "" : prefix.substring(0, dot + 1)) + item;
        }
        int n = 1;
        for (JsonNode x : v) {
          form(m, s.path("member").path("shape").asText(), x, base + (flat ? "." : "." + item + ".") + n++, out, where + "[]",
              false);
        }
        if (v.isEmpty()) out.put(prefix, "");
      }
      case "map" -> {
        if (!v.isObject()) throw new BadParameters("The field '" + where + "' must be an object");
        boolean flat = s.path("flattened").asBoolean(false);
        String k = s.path("key").path("locationName").asText("key");
        String val = s.path("value").path("locationName").asText("value");
        int n = 1;
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); n++) {
          Map.Entry<String, JsonNode> e = it.next();
          String entry = prefix + (flat ? "." : ".entry.") + n;
          out.put(entry + "." + k, e.getKey());
          form(m, s.path("value").path("shape").asText(), e.getValue(), entry + "." + val, out, where + "." + e.getKey(), ec2);
        }
      }
      case "timestamp" -> out.put(prefix, isoTimestamp(v, where));
      default -> out.put(prefix, v.isContainerNode() ? Json.write(v) : v.asText());
    }
  }

  // ---- answers ----

  /** A successful answer as the task's output. */
  static JsonNode output(AwsModel m, String operation, int status, HttpHeaders headers, byte[] body) {
    JsonNode op = m.op(operation);
    String output = op.path("output").asText(null);
    return switch (m.protocol()) {
      case "query" -> {
        if (output == null) yield NODES.objectNode();
        Element root = xml(body);
        Element result = root == null ? null : child(root, op.path("resultWrapper").asText(operation + "Result"));
        yield result == null ? NODES.objectNode() : fromXml(m, output, result);
      }
      case "ec2" -> {
        // the answer's members are the root's own children: EC2 wraps nothing
        Element root = output == null ? null : xml(body);
        yield root == null ? NODES.objectNode() : fromXml(m, output, root);
      }
      case "rest-json", "rest-xml" -> output == null ? NODES.objectNode() : restJsonOutput(m, output, status, headers, body);
      default -> output == null ? NODES.objectNode() : fromJson(m, output, parse(body), false);
    };
  }

  private static JsonNode parse(byte[] body) {
    if (body.length == 0) return NODES.objectNode();
    try {
      return Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return NODES.textNode(new String(body, StandardCharsets.UTF_8));
    }
  }

  /** A JSON answer with its structure members named as Step Functions names them. */
  private static JsonNode fromJson(AwsModel m, String shapeName, JsonNode v, boolean bodyOnly) {
    JsonNode s = m.shape(shapeName);
    if (s.path("document").asBoolean(false)) return v;
    switch (s.path("type").asText()) {
      case "structure" -> {
        if (!v.isObject()) return v;
        ObjectNode out = NODES.objectNode();
        Map<String, Map.Entry<String, JsonNode>> byWire = new LinkedHashMap<>();
        s.path("members").fields().forEachRemaining(e -> byWire.put(e.getValue().path("locationName").asText(e.getKey()), e));
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          Map.Entry<String, JsonNode> mem = byWire.get(f.getKey());
          if (mem == null) {
            out.set(capitalized(f.getKey()), f.getValue());
          } else if (!bodyOnly || !mem.getValue().has("location")) {
            out.set(capitalized(mem.getKey()), fromJson(m, mem.getValue().path("shape").asText(), f.getValue(), false));
          }
        }
        return out;
      }
      case "list" -> {
        if (!v.isArray()) return v;
        ArrayNode out = NODES.arrayNode();
        for (JsonNode x : v) out.add(fromJson(m, s.path("member").path("shape").asText(), x, false));
        return out;
      }
      case "map" -> {
        if (!v.isObject()) return v;
        ObjectNode out = NODES.objectNode();
        v.fields().forEachRemaining(f -> out.set(f.getKey(), fromJson(m, s.path("value").path("shape").asText(), f.getValue(), false)));
        return out;
      }
      default -> {
        return v;
      }
    }
  }

  private static JsonNode restJsonOutput(AwsModel m, String output, int status, HttpHeaders headers, byte[] body) {
    JsonNode s = m.shape(output);
    String payload = s.path("payload").asText(null);
    ObjectNode out;
    boolean xml = m.protocol().equals("rest-xml");
    if (payload != null) {
      out = NODES.objectNode();
      String payloadShape = s.path("members").path(payload).path("shape").asText();
      String type = m.shape(payloadShape).path("type").asText();
      if (body.length > 0) {
        boolean structured = type.equals("structure") || type.equals("list") || type.equals("map");
        JsonNode value;
        if (structured && xml) {
          Element root = xml(body);
          value = root == null ? NODES.nullNode() : fromXml(m, payloadShape, root);
        } else {
          value = structured ? fromJson(m, payloadShape, parse(body), false) : NODES.textNode(new String(body, StandardCharsets.UTF_8));
        }
        out.set(capitalized(payload), value);
      }
    } else if (xml) {
      Element root = xml(body);
      JsonNode parsed = root == null ? NODES.objectNode() : fromXml(m, output, root);
      out = parsed.isObject() ? (ObjectNode) parsed : NODES.objectNode();
    } else {
      JsonNode parsed = fromJson(m, output, parse(body), true);
      out = parsed.isObject() ? (ObjectNode) parsed : NODES.objectNode();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("members").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> mem = it.next();
      JsonNode ref = mem.getValue();
      String loc = ref.path("locationName").asText(mem.getKey());
      JsonNode shape = m.shape(ref.path("shape").asText());
      switch (ref.path("location").asText("")) {
        case "statusCode" -> out.put(capitalized(mem.getKey()), status);
        case "header" -> headers.firstValue(loc).ifPresent(h -> out.set(capitalized(mem.getKey()),
            ref.path("jsonvalue").asBoolean(false) ? typed(NODES.objectNode().put("jsonvalue", true), h) : typed(shape, h)));
        case "headers" -> {
          ObjectNode map = NODES.objectNode();
          String prefix = loc.toLowerCase(java.util.Locale.ROOT);
          headers.map().forEach((k, vs) -> {
            if (k.toLowerCase(java.util.Locale.ROOT).startsWith(prefix) && !vs.isEmpty()) map.put(k.substring(prefix.length()), vs.get(0));
          });
          if (!map.isEmpty()) out.set(capitalized(mem.getKey()), map);
        }
        default -> { }
      }
    }
    return out;
  }

  /** A header's or an XML element's text as the JSON value its shape means. */
  private static JsonNode typed(JsonNode shape, String text) {
    try {
      return switch (shape.path("type").asText()) {
        case "integer", "long" -> NODES.numberNode(Long.parseLong(text.trim()));
        case "float", "double" -> io.stepwise.asl.path.Json.READING.numberNode(new BigDecimal(text.trim())); // as JSON text's fractions
        case "boolean" -> NODES.booleanNode(Boolean.parseBoolean(text.trim()));
        default -> shape.path("jsonvalue").asBoolean(false) ? parse(Base64.getDecoder().decode(text.trim())) : NODES.textNode(text);
      };
    } catch (IllegalArgumentException e) {
      return NODES.textNode(text);
    }
  }

  private static JsonNode fromXml(AwsModel m, String shapeName, Element e) {
    JsonNode s = m.shape(shapeName);
    switch (s.path("type").asText()) {
      case "structure" -> {
        ObjectNode out = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("members").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> mem = it.next();
          JsonNode ref = mem.getValue();
          String shape = ref.path("shape").asText();
          JsonNode ms = m.shape(shape);
          boolean flat = ms.path("flattened").asBoolean(false) || ref.path("flattened").asBoolean(false);
          if (flat && ms.path("type").asText().equals("list")) {
            String tag = ref.path("locationName").asText(ms.path("member").path("locationName").asText(mem.getKey()));
            List<Element> items = children(e, tag);
            if (!items.isEmpty()) {
              ArrayNode list = out.putArray(capitalized(mem.getKey()));
              for (Element x : items) list.add(fromXml(m, ms.path("member").path("shape").asText(), x));
            }
            continue;
          }
          Element c = child(e, ref.path("locationName").asText(mem.getKey()));
          if (c != null) out.set(capitalized(mem.getKey()), fromXml(m, shape, c));
        }
        return out;
      }
      case "list" -> {
        ArrayNode out = NODES.arrayNode();
        for (Element x : children(e, s.path("member").path("locationName").asText("member"))) {
          out.add(fromXml(m, s.path("member").path("shape").asText(), x));
        }
        return out;
      }
      case "map" -> {
        ObjectNode out = NODES.objectNode();
        String k = s.path("key").path("locationName").asText("key");
        String val = s.path("value").path("locationName").asText("value");
        for (Element entry : children(e, "entry")) {
          Element ke = child(entry, k);
          Element ve = child(entry, val);
          if (ke != null) out.set(ke.getTextContent(), ve == null ? NODES.nullNode() : fromXml(m, s.path("value").path("shape").asText(), ve));
        }
        return out;
      }
      default -> {
        return typed(s, e.getTextContent());
      }
    }
  }

  private static Element xml(byte[] body) {
    if (body.length == 0) return null;
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      f.setExpandEntityReferences(false);
      return f.newDocumentBuilder().parse(new ByteArrayInputStream(body)).getDocumentElement();
    } catch (ParserConfigurationException | SAXException | IOException e) {
      return null;
    }
  }

  private static Element child(Element e, String tag) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && tag.equals(c.getLocalName() != null ? c.getLocalName() : c.getTagName())) return c;
    }
    return null;
  }

  private static List<Element> children(Element e, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && tag.equals(c.getLocalName() != null ? c.getLocalName() : c.getTagName())) out.add(c);
    }
    return out;
  }

  /** An error answer: the service's error code (without its namespace), message and request ID. */
  static Failure failure(AwsModel m, HttpHeaders headers, byte[] body) {
    String requestId = headers.firstValue("x-amzn-RequestId").or(() -> headers.firstValue("x-amz-request-id")).orElse("");
    if (m.protocol().equals("query") || m.protocol().equals("rest-xml") || m.protocol().equals("ec2")) {
      Element root = xml(body);
      Element error = root == null ? null : root.getTagName().equals("Error") ? root : child(root, "Error");
      if (error == null && root != null && child(root, "Errors") != null) error = child(child(root, "Errors"), "Error");
      String code = error != null && child(error, "Code") != null ? child(error, "Code").getTextContent().trim() : "";
      String message = error != null && child(error, "Message") != null ? child(error, "Message").getTextContent().trim()
          : new String(body, StandardCharsets.UTF_8);
      if (requestId.isEmpty() && root != null && child(root, "RequestId") != null) requestId = child(root, "RequestId").getTextContent().trim();
      if (requestId.isEmpty() && root != null && child(root, "RequestID") != null) requestId = child(root, "RequestID").getTextContent().trim();
      return new Failure(code, code, message, requestId);
    }
    JsonNode b = parse(body);
    String code = headers.firstValue("x-amzn-ErrorType").or(() -> text(b, "__type", "code", "Code")).orElse("");
    int colon = code.indexOf(':');
    if (colon >= 0) code = code.substring(0, colon);
    if (code.contains("#")) code = code.substring(code.lastIndexOf('#') + 1);
    String message = text(b, "message", "Message", "errorMessage").orElse(b.isTextual() ? b.asText() : "");
    String queryCode = headers.firstValue("x-amzn-query-error").map(h -> h.split(";")[0]).orElse(code.trim());
    return new Failure(code.trim(), queryCode, message, requestId);
  }

  private static Optional<String> text(JsonNode n, String... fields) {
    for (String f : fields) if (n.path(f).isTextual()) return Optional.of(n.get(f).asText());
    return Optional.empty();
  }
}
