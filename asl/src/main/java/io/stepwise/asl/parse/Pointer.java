package io.stepwise.asl.parse;

/**
 * Locations as AWS's validator writes them: state and field names as they are
 * ({@code /States/My State/Next}), array elements in brackets ({@code /Retry[0]}, {@code /Branches[1]}).
 */
final class Pointer {
  private Pointer() {}

  static String child(String parent, String key) {
    return parent + "/" + key;
  }

  static String child(String parent, int index) {
    return parent + "[" + index + "]";
  }
}
