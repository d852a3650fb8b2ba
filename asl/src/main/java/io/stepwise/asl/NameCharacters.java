package io.stepwise.asl;

/**
 * The characters AWS's names may not hold (state machines, executions, activities, Map Run labels:
 * the API Reference's {@code name}): white space, control characters (U+0000–001F, U+007F–009F),
 * brackets {@code < > { } [ ]}, wildcards {@code ? *}, the special characters
 * {@code " # % \ ^ | ~ ` $ & , ; : /}, and, in a new name, the noncharacters U+FFFE–FFFF, a lone
 * surrogate (U+D800–DFFF) and U+10FFFF. One rule for the API's names and for the labels the
 * interpreter puts in Map Run ARNs.
 */
public final class NameCharacters {
  private NameCharacters() {}

  /** Whether a name may not hold the code point {@code c}; {@code strict} adds the characters only new names refuse. */
  public static boolean refused(int c, boolean strict) {
    if (Character.isWhitespace(c) || c <= 0x1F || (c >= 0x7F && c <= 0x9F)) return true;
    if (strict && (c == 0xFFFE || c == 0xFFFF || (c >= 0xD800 && c <= 0xDFFF) || c == 0x10FFFF)) return true;
    return "<>{}[]?*\"#%\\^|~`$&,;:/".indexOf(c) >= 0;
  }
}
