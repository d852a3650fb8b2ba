package io.stepwise.asl.path;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.asl.StatesError;

/**
 * A JSONPath bound to what it reads: the state's data ({@code $...}), the context object
 * ({@code $$...}) or a variable ({@code $name...}).
 */
public record PathExpr(Root root, String variable, JsonPath path, String text) {
  public enum Root { INPUT, CONTEXT, VARIABLE }

  public static PathExpr compile(String text) {
    // the whitespace after a path is no part of it (Jayway trims it)
    String path = text.stripTrailing();
    if (path.startsWith("$$")) return new PathExpr(Root.CONTEXT, null, JsonPath.compile(path.substring(1)), text);
    if (path.length() > 1 && path.charAt(0) == '$' && variableStart(path.codePointAt(1))) {
      int end = 1;
      while (end < path.length() && path.charAt(end) != '.' && path.charAt(end) != '[') end++;
      String name = path.substring(1, end);
      return new PathExpr(Root.VARIABLE, name, JsonPath.compile("$" + path.substring(end)), text);
    }
    return new PathExpr(Root.INPUT, null, JsonPath.compile(path), text);
  }

  /**
   * A variable name's first character: Unicode identifier start (ID_Start), as AWS's rule says, or
   * '_' (which it leaves out; Stepwise accepted it before, and stored definitions must compile).
   */
  public static boolean variableStart(int c) {
    return Character.isUnicodeIdentifierStart(c) || c == '_';
  }

  /** A character a variable's name may have after its first (ID_Continue). */
  public static boolean variablePart(int c) {
    return Character.isUnicodeIdentifierPart(c) && !Character.isIdentifierIgnorable(c);
  }

  /**
   * AWS's words when a path written in a definition is applied to a null state input (or result):
   * "attempting to apply InputPath or OutputPath on a null JSON payload" fails the execution (the
   * developer guide's States.Runtime), so do a Choice rule's Variable and a {@code .$} field
   * (awslabs/states-language#29). Fields left to their default {@code $} are not applied.
   */
  public static final String NULL_PAYLOAD = "Unable to apply Path transformation to null or empty input.";

  /**
   * The value, or null when the path (or the variable) matches nothing.
   *
   * @throws StatesError States.Runtime when the path reads the state's data and that is null
   */
  public JsonNode read(Scope scope) {
    JsonNode base = switch (root) {
      case INPUT -> scope.input();
      case CONTEXT -> scope.context();
      case VARIABLE -> scope.variable(variable);
    };
    if (base == null) return null;
    if (root == Root.INPUT && base.isNull()) throw StatesError.runtime(NULL_PAYLOAD);
    return path.read(base);
  }

  /**
   * As {@link #read}, for an intrinsic function's argument ({@link JsonPath#readArgument}).
   *
   * @throws JsonPath.NotAnArray when an index meets a value that is no array
   */
  public JsonNode readArgument(Scope scope) {
    JsonNode base = base(scope);
    if (base == null) return null;
    if (root == Root.INPUT && base.isNull()) throw StatesError.runtime(NULL_PAYLOAD);
    return path.readArgument(base);
  }

  /** Jayway's reason this path read nothing in {@code scope} (see {@link JsonPath#missingReason}). */
  public String missingReason(Scope scope) {
    JsonNode base = base(scope);
    return base == null ? "No results for path: " + path.normalized() : path.missingReason(base);
  }

  /** The document this path reads, for error messages that quote it. */
  public JsonNode base(Scope scope) {
    return switch (root) {
      case INPUT -> scope.input();
      case CONTEXT -> scope.context();
      case VARIABLE -> scope.variable(variable);
    };
  }

  @Override
  public String toString() {
    return text;
  }
}
