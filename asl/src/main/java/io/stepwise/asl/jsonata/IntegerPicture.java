package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import java.util.ArrayList;
import java.util.List;

/**
 * An integer picture of {@code $formatInteger} and {@code $parseInteger} as jsonata-js 2.0.6 reads
 * it (AWS evaluates JSONata with jsonata-js), for what dashjoin reads differently: a picture that
 * is neither a named format ({@code A a I i W Ww w}) nor holds a decimal digit is a numbering
 * sequence, refused with D3130 naming it; and a decimal picture parses as jsonata-js does, by
 * JavaScript's {@code parseInt} of the text once the ordinal suffix, the grouping separators and
 * the digit family are taken off ({@code "abc"} is NaN, {@code " 12"} is 12, {@code "-0x1F"} is -31,
 * {@code "12abc"} is 12). Named formats are dashjoin's, read the same way.
 */
final class IntegerPicture {
  /** jsonata-js's decimal digit families: each one's zero. */
  private static final int[] ZEROS = {0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
      0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
      0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};
  private static final List<String> NAMED = List.of("A", "a", "I", "i", "W", "Ww", "w");

  private record Separator(int position, String character) {}

  private final boolean ordinal;
  private final int zero;
  private final boolean regular;
  private final List<Separator> separators;

  private IntegerPicture(boolean ordinal, int zero, boolean regular, List<Separator> separators) {
    this.ordinal = ordinal;
    this.zero = zero;
    this.regular = regular;
    this.separators = separators;
  }

  /**
   * The decimal picture {@code picture} is, or null for a named format (left to dashjoin).
   *
   * @throws JException D3130 for a numbering sequence, D3131 for digits of two families
   */
  static IntegerPicture decimal(String picture) {
    int semicolon = picture.lastIndexOf(';');
    String primary = semicolon < 0 ? picture : picture.substring(0, semicolon);
    boolean ordinal = semicolon >= 0 && picture.startsWith("o", semicolon + 1);
    if (NAMED.contains(primary)) return null;
    int zero = -1, digits = 0, position = 0;
    List<Separator> separators = new ArrayList<>();
    int[] cps = primary.codePoints().toArray();
    for (int i = cps.length - 1; i >= 0; i--) {
      int cp = cps[i];
      int family = family(cp);
      if (family >= 0) {
        digits++;
        position++;
        if (zero < 0) zero = family;
        else if (family != zero) throw new JException("D3131", -1);
      } else if (cp == '#') {
        position++;
      } else {
        separators.add(new Separator(position, Character.toString(cp)));
      }
    }
    if (digits == 0) throw new JException("D3130", -1, primary);
    return new IntegerPicture(ordinal, zero, regularRepeat(separators) > 0, separators);
  }

  private static int family(int cp) {
    for (int z : ZEROS) if (cp >= z && cp <= z + 9) return z;
    return -1;
  }

  /** jsonata-js's test for grouping separators at equal intervals, all the same character. */
  private static int regularRepeat(List<Separator> separators) {
    if (separators.isEmpty()) return 0;
    String c = separators.get(0).character();
    for (Separator s : separators) if (!s.character().equals(c)) return 0;
    int factor = 0;
    for (Separator s : separators) factor = gcd(s.position(), factor);
    for (int index = 1; index <= separators.size(); index++) {
      int want = index * factor;
      if (separators.stream().noneMatch(s -> s.position() == want)) return 0;
    }
    return factor;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** jsonata-js's parse of {@code value} with this picture: a number, possibly NaN. */
  Object parse(String value) {
    String digits = value;
    if (ordinal) digits = digits.length() >= 2 ? digits.substring(0, digits.length() - 2) : "";
    if (regular) {
      // jsonata-js takes out commas for a regular pattern, whatever its separator
      digits = digits.replace(",", "");
    } else {
      for (Separator s : separators) digits = digits.replace(s.character(), "");
    }
    if (zero != '0') {
      // JavaScript's fromCodePoint of each UTF-16 unit less the family's zero, as jsonata-js maps
      // them: a unit below the zero (a sign, a space) is JavaScript's RangeError, which has no code
      // (AWS writes an error without one after a colon, as its bounds)
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < digits.length(); i++) {
        int shifted = digits.charAt(i) - zero + '0';
        if (shifted < 0) throw new Bounds.Crossed("Invalid code point " + shifted);
        b.appendCodePoint(shifted);
      }
      digits = b.toString();
    }
    return parseInt(digits);
  }

  /** JavaScript's {@code parseInt} without a radix: a long when it fits, else a double; NaN when no digit leads. */
  static Object parseInt(String text) {
    int i = 0, n = text.length();
    while (i < n && isJsSpace(text.charAt(i))) i++;
    boolean negative = false;
    if (i < n && (text.charAt(i) == '+' || text.charAt(i) == '-')) negative = text.charAt(i++) == '-';
    int radix = 10;
    if (i + 1 < n && text.charAt(i) == '0' && (text.charAt(i + 1) == 'x' || text.charAt(i + 1) == 'X')) {
      radix = 16;
      i += 2;
    }
    int start = i;
    while (i < n && Character.digit(text.charAt(i), radix) >= 0 && text.charAt(i) < 128) i++;
    if (i == start) return Double.NaN;
    while (start < i - 1 && text.charAt(start) == '0') start++; // leading zeros, keeping one digit
    String digits = text.substring(start, i);
    if (radix == 10 && digits.length() > 18 || radix == 16 && digits.length() > 15) {
      // past a long: a double, Infinity past the largest (parsed in linear time)
      double d = radix == 10 ? Double.parseDouble(digits)
          : digits.length() > 256 ? Double.POSITIVE_INFINITY : new java.math.BigInteger(digits, 16).doubleValue();
      return negative ? -d : d;
    }
    long v = Long.parseLong(digits, radix);
    return negative ? -v : v;
  }

  private static boolean isJsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u00A0' || c == '\uFEFF'
        || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.SPACE_SEPARATOR;
  }
}
