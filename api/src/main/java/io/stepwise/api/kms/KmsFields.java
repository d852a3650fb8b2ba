package io.stepwise.api.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.persistence.kms.KmsException;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads KMS request members (PascalCase, blobs as base64) with AWS's validation wording. */
final class KmsFields {
  private KmsFields() {}

  static String optionalString(ObjectNode req, String name) {
    JsonNode v = req.get(name);
    if (v == null || v.isNull()) return null;
    if (!v.isTextual()) {
      throw new KmsException(KmsException.Code.VALIDATION, "Unexpected value type for member '" + name + "': expected a string");
    }
    return v.textValue();
  }

  static String requiredString(ObjectNode req, String name) {
    String v = optionalString(req, name);
    if (v == null || v.isEmpty()) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value null at '"
          + Character.toLowerCase(name.charAt(0)) + name.substring(1) + "' failed to satisfy constraint: Member must not be null");
    }
    return v;
  }

  static String maxLength(String value, String name, int max) {
    if (value != null && value.length() > max) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value at '" + name
          + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
    }
    return value;
  }

  static int optionalInt(ObjectNode req, String name, int fallback) {
    JsonNode v = req.get(name);
    if (v == null || v.isNull()) return fallback;
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new KmsException(KmsException.Code.VALIDATION, "Unexpected value type for member '" + name + "': expected an integer");
    }
    return v.intValue();
  }

  static byte[] requiredBlob(ObjectNode req, String name, int max) {
    JsonNode v = req.get(name);
    byte[] bytes;
    try {
      bytes = v == null || v.isNull() ? null : v.binaryValue();
    } catch (IOException | IllegalArgumentException e) {
      throw new KmsException(KmsException.Code.VALIDATION, "Member '" + name + "' is not valid base64");
    }
    if (bytes == null || bytes.length == 0) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value null at '"
          + Character.toLowerCase(name.charAt(0)) + name.substring(1) + "' failed to satisfy constraint: Member must not be null");
    }
    if (bytes.length > max) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value at '"
          + Character.toLowerCase(name.charAt(0)) + name.substring(1)
          + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
    }
    return bytes;
  }

  static Map<String, String> context(ObjectNode req) {
    JsonNode v = req.get("EncryptionContext");
    Map<String, String> out = new LinkedHashMap<>();
    if (v != null && v.isObject()) v.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    return out;
  }

  static Map<String, String> tags(ObjectNode req) {
    JsonNode v = req.get("Tags");
    Map<String, String> out = new LinkedHashMap<>();
    if (v == null || v.isNull()) return out;
    if (!v.isArray()) throw new KmsException(KmsException.Code.VALIDATION, "Tags must be a list");
    for (JsonNode t : v) {
      String key = t.path("TagKey").asText("");
      if (key.isEmpty() || key.length() > 128 || key.startsWith("aws:") || !t.path("TagValue").isTextual()) {
        throw new KmsException(KmsException.Code.TAG, "Invalid tag: " + t);
      }
      out.put(key, t.path("TagValue").asText());
    }
    return out;
  }

  /** {@code Limit} (1–1000, default 100) and {@code Marker} (an offset) over an in-memory list. */
  record Page(int from, int to, int size) {
    static Page of(int size, ObjectNode req) {
      int limit = optionalInt(req, "Limit", 100);
      if (limit < 1 || limit > 1000) {
        throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value '" + limit
            + "' at 'limit' failed to satisfy constraint: Member must have value between 1 and 1000");
      }
      String marker = optionalString(req, "Marker");
      int from;
      try {
        from = marker == null ? 0 : Integer.parseInt(marker);
      } catch (NumberFormatException e) {
        throw new KmsException(KmsException.Code.VALIDATION, "Invalid marker: " + marker);
      }
      if (from < 0 || from > size) throw new KmsException(KmsException.Code.VALIDATION, "Invalid marker: " + marker);
      return new Page(from, Math.min(size, from + limit), size);
    }

    ObjectNode finish(ObjectNode n) {
      n.put("Truncated", to < size);
      if (to < size) n.put("NextMarker", Integer.toString(to));
      return n;
    }
  }
}
