package io.stepwise.asl.parse;

/** RFC 3339 shape check (a 'T', a zone), shared by the validator and Choice's timestamp operators. */
public final class Timestamps {
  private Timestamps() {}

  public static boolean isRfc3339(String s) {
    return StateFields.RFC3339.matcher(s).matches();
  }
}
