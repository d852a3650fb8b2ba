package io.stepwise.asl.parse;

/** JSON pointer building (RFC 6901 escaping). */
final class Pointer {
  private Pointer() {}

  static String child(String parent, String key) {
    return parent + "/" + key.replace("~", "~0").replace("/", "~1");
  }

  static String child(String parent, int index) {
    return parent + "/" + index;
  }
}
