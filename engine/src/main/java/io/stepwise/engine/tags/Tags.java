package io.stepwise.engine.tags;

import io.stepwise.engine.CborSerializable;
import io.stepwise.engine.ServiceError;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The tags of a state machine or activity, as AWS keeps them: a key added again takes its new
 * value, at most {@value #MAX} per resource (counting those it has), and removing a key it does
 * not have is not an error. The entity that owns the resource persists them, sealed with its
 * other data.
 */
public final class Tags {
  /** AWS's quota of tags per resource. */
  public static final int MAX = 50;

  private Tags() {}

  /**
   * What the owning entity answers to a tag request: the tags after it, AWS's error (with the
   * resource it names, for TooManyTags), or why its data cannot be read.
   */
  public record Reply(Map<String, String> tags, String errorCode, String errorMessage, String resourceName,
      String unreadable) implements CborSerializable {
    public static Reply ok(Map<String, String> tags) {
      return new Reply(tags, null, null, null, null);
    }

    public static Reply error(ServiceError e) {
      Object resource = e.extra().get("resourceName");
      return new Reply(null, e.code(), e.getMessage(), resource == null ? null : resource.toString(), null);
    }

    public static Reply unreadable(String reason) {
      return new Reply(null, null, null, null, reason);
    }

    /** The tags, or the error thrown as a {@link ServiceError} ({@code unreadableError} maps the unreadable case). */
    public Map<String, String> get(Function<String, ServiceError> unreadableError) {
      if (unreadable != null) throw unreadableError.apply(unreadable);
      if (errorCode != null) {
        throw new ServiceError(errorCode, 400, errorMessage,
            resourceName == null ? Map.of() : Map.of("resourceName", resourceName));
      }
      return tags == null ? Map.of() : tags;
    }
  }

  /** Never null: journals from before tags read as none. */
  public static Map<String, String> of(Map<String, String> stored) {
    return stored == null ? Map.of() : stored;
  }

  /** {@code current} with {@code added}; TooManyTags if the resource would have more than {@link #MAX}. */
  public static Map<String, String> add(Map<String, String> current, Map<String, String> added, String resourceArn) {
    LinkedHashMap<String, String> out = new LinkedHashMap<>(of(current));
    out.putAll(added);
    if (out.size() > MAX) throw tooMany(resourceArn);
    return Collections.unmodifiableMap(out);
  }

  /** {@code current} without {@code keys}. */
  public static Map<String, String> remove(Map<String, String> current, Collection<String> keys) {
    LinkedHashMap<String, String> out = new LinkedHashMap<>(of(current));
    keys.forEach(out::remove);
    return Collections.unmodifiableMap(out);
  }

  public static ServiceError tooMany(String resourceArn) {
    return new ServiceError("TooManyTags", 400,
        "Too many tags: a resource can have at most " + MAX + " tags",
        Map.of("resourceName", resourceArn));
  }

  public static ServiceError resourceNotFound(String resourceArn) {
    return new ServiceError("ResourceNotFound", "Resource not found: '" + resourceArn + "'");
  }
}
