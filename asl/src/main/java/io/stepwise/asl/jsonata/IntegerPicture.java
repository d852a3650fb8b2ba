package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import java.util.ArrayList;
import java.util.List;

/**
 * An integer picture of {@code $formatInteger} and {@code $parseInteger}, and of a date-time
 * picture's integer components, as jsonata-js 2.0.6 reads it and formats with it (AWS evaluates
 * JSONata with jsonata-js): a named format ({@code A a} letters, {@code I i} roman numerals, {@code
 * W Ww w} words), a decimal digit pattern (digits of one family, {@code #}, grouping separators,
 * regular or not), or else a numbering sequence, which formats as D3130 naming it; {@code ;o} asks
 * for the ordinal. A decimal picture parses as jsonata-js does, by JavaScript's {@code parseInt} of
 * the text once the ordinal suffix, the grouping separators and the digit family are taken off
 * ({@code "abc"} is NaN, {@code " 12"} is 12, {@code "-0x1F"} is -31, {@code "12abc"} is 12); a named
 * format parses as jsonata-js reads it (letters and roman numerals digit by digit, words by their
 * values, NaN for what it does not know).
 */
final class IntegerPicture {
  /** jsonata-js's decimal digit families: each one's zero. */
  private static final int[] ZEROS = {0x30, 0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66,
      0x0CE6, 0x0D66, 0x0DE6, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50,
      0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10};
  private static final List<String> NAMED = List.of("A", "a", "I", "i", "W", "Ww", "w");

  private record Separator(int position, String character) {}

  enum Primary { DECIMAL, LETTERS, ROMAN, WORDS, SEQUENCE }

  enum Case { UPPER, LOWER, TITLE }

  /** Nested calls jsonata-js's roman numerals make before its stack overflows (about 10,000 on Node's default stack; the engine's, not a rule). */
  private static final int ROMAN_DEPTH = 10_000;

  final Primary primary;
  final Case letterCase;
  final boolean ordinal;
  private final int zero;
  /** jsonata-js's mandatory and optional digits: NaN (undefined) for a named format or a sequence. */
  double mandatoryDigits;
  final double optionalDigits;
  private final boolean regular;
  private final List<Separator> separators;
  private final String token;

  private IntegerPicture(Primary primary, Case letterCase, boolean ordinal, int zero, double mandatoryDigits,
      double optionalDigits, boolean regular, List<Separator> separators, String token) {
    this.primary = primary;
    this.letterCase = letterCase;
    this.ordinal = ordinal;
    this.zero = zero;
    this.mandatoryDigits = mandatoryDigits;
    this.optionalDigits = optionalDigits;
    this.regular = regular;
    this.separators = separators;
    this.token = token;
  }

  /**
   * jsonata-js's analyseIntegerPicture.
   *
   * @throws JException D3131 for digits of two families
   */
  static IntegerPicture analyse(String picture) {
    int semicolon = picture.lastIndexOf(';');
    String primary = semicolon < 0 ? picture : picture.substring(0, semicolon);
    boolean ordinal = semicolon >= 0 && picture.startsWith("o", semicolon + 1);
    if (NAMED.contains(primary)) {
      Primary named = switch (primary) {
        case "A", "a" -> Primary.LETTERS;
        case "I", "i" -> Primary.ROMAN;
        default -> Primary.WORDS;
      };
      Case c = primary.equals("Ww") ? Case.TITLE : Character.isUpperCase(primary.charAt(0)) ? Case.UPPER : Case.LOWER;
      return new IntegerPicture(named, c, ordinal, '0', Double.NaN, Double.NaN, false, List.of(), null);
    }
    int zero = -1, digits = 0, optional = 0, position = 0;
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
        optional++;
      } else {
        separators.add(new Separator(position, Character.toString(cp)));
      }
    }
    if (digits == 0) return new IntegerPicture(Primary.SEQUENCE, Case.LOWER, ordinal, '0', Double.NaN, Double.NaN, false, List.of(), primary);
    int repeat = regularRepeat(separators);
    List<Separator> grouping = repeat > 0 ? List.of(new Separator(repeat, separators.get(0).character())) : separators;
    return new IntegerPicture(Primary.DECIMAL, Case.LOWER, ordinal, zero, digits, optional, repeat > 0, grouping, null);
  }

  /**
   * jsonata-js's _formatInteger of a whole number (an exact long, or a double, which may be NaN or
   * infinite where a date is invalid or a timezone unreadable): its sign, then the letters, roman
   * numerals, words or digits of its size. Digits are JavaScript's text of the number ({@code 1e+21}
   * past 1e21, {@code NaN}), padded with zeros to the mandatory digits, moved to the picture's digit
   * family, grouped and given an ordinal suffix as the picture says.
   *
   * @throws JException D3130 for a numbering sequence
   */
  String format(Number value) {
    double d = value.doubleValue();
    boolean exact = value instanceof Long || value instanceof Integer;
    boolean negative = d < 0;
    double size = Math.abs(d);
    String out = switch (primary) {
      case LETTERS -> letters(size, letterCase == Case.UPPER ? 'A' : 'a');
      case ROMAN -> letterCase == Case.UPPER ? roman(size).toUpperCase(java.util.Locale.ROOT) : roman(size);
      case WORDS -> {
        String w = NumberWords.words(size, ordinal);
        yield letterCase == Case.UPPER ? w.toUpperCase(java.util.Locale.ROOT) : letterCase == Case.LOWER ? w.toLowerCase(java.util.Locale.ROOT) : w;
      }
      case DECIMAL -> digits(exact ? Long.toString(value.longValue()).replace("-", "") : JsBuiltins.jsText(size));
      case SEQUENCE -> throw new JException("D3130", -1, token);
    };
    return negative ? "-" + out : out;
  }

  boolean isRegular() {
    return regular;
  }

  /** A regular picture's grouping separator. */
  String separator() {
    return separators.get(0).character();
  }

  private String digits(String text) {
    String out = text;
    if (mandatoryDigits - out.length() > 0) {
      // a width of millions of digits is the memory bound, not a string jsonata-js could hold either
      if (mandatoryDigits > Bounds.MAX_CHARS) throw Bounds.tooBig();
      out = "0".repeat((int) (mandatoryDigits - out.length())) + out;
    }
    if (zero != '0') {
      StringBuilder b = new StringBuilder();
      out.codePoints().forEach(cp -> b.appendCodePoint(cp + zero - '0'));
      out = b.toString();
    }
    if (regular) {
      // a separator every position digits from the right: at each multiple below the length (jsonata-js's
      // insertions, made here in one pass)
      Separator s = separators.get(0);
      int n = (out.length() - 1) / s.position();
      if ((long) out.length() + (long) n * s.character().length() > Bounds.MAX_CHARS) throw Bounds.tooBig();
      StringBuilder b = new StringBuilder(out.length() + n * s.character().length());
      for (int i = 0; i < out.length(); i++) {
        int fromEnd = out.length() - i;
        if (i > 0 && fromEnd % s.position() == 0) b.append(s.character());
        b.append(out.charAt(i));
      }
      out = b.toString();
    } else {
      // each insertion copies the text, as jsonata-js's does: millions of both is its evaluation timeout
      long copies = separators.size();
      // (a separator is one character, two for a surrogate pair)
      if (copies * (out.length() + copies * 2) > 100_000_000L) throw new Bounds.Crossed(Bounds.TOO_LONG);
      for (int i = separators.size() - 1; i >= 0; i--) {
        Separator s = separators.get(i);
        int pos = out.length() - s.position();
        // JavaScript's substr(0, pos) and substr(pos): a negative pos takes nothing before, and counts from the end after
        String after = out.substring(pos >= 0 ? pos : Math.max(out.length() + pos, 0));
        out = out.substring(0, Math.max(pos, 0)) + s.character() + after;
      }
      if (out.length() > Bounds.MAX_CHARS) throw Bounds.tooBig();
    }
    if (ordinal) {
      char last = out.charAt(out.length() - 1);
      String suffix = last == '1' ? "st" : last == '2' ? "nd" : last == '3' ? "rd" : "th";
      if (out.length() > 1 && out.charAt(out.length() - 2) == '1') suffix = "th";
      out += suffix;
    }
    return out;
  }

  /** jsonata-js's decimalToLetters: spreadsheet columns (1 is a, 27 aa); nothing for 0 or NaN. */
  private static String letters(double value, char a) {
    if (Double.isInfinite(value)) throw Bounds.tooBig(); // jsonata-js's loop never ends
    StringBuilder b = new StringBuilder();
    while (value > 0) {
      b.insert(0, (char) ((value - 1) % 26 + a));
      value = Math.floor((value - 1) / 26);
    }
    return b.toString();
  }

  private static final int[] ROMAN_VALUES = {1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1};
  private static final String[] ROMAN_NUMERALS = {"m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i"};

  /** jsonata-js's decimalToRoman, one nested call per numeral, so a large number overflows its stack. */
  private static String roman(double value) {
    StringBuilder b = new StringBuilder();
    int depth = 0;
    int index = 0;
    while (index < ROMAN_VALUES.length) {
      if (value >= ROMAN_VALUES[index]) {
        if (++depth > ROMAN_DEPTH) throw new StackOverflowError();
        b.append(ROMAN_NUMERALS[index]);
        value -= ROMAN_VALUES[index];
        index = 0;
      } else {
        index++;
      }
    }
    return b.toString();
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
    java.util.Set<Integer> positions = new java.util.HashSet<>();
    for (Separator s : separators) {
      factor = gcd(s.position(), factor);
      positions.add(s.position());
    }
    for (int index = 1; index <= separators.size(); index++) {
      if (!positions.contains(index * factor)) return 0;
    }
    return factor;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** jsonata-js's parse of {@code value} with this picture: a number, possibly NaN. */
  Object parse(String value) {
    switch (primary) {
      case LETTERS -> {
        // jsonata-js's lettersToDecimal: any UTF-16 unit counts from the picture's a
        char a = letterCase == Case.UPPER ? 'A' : 'a';
        double decimal = 0;
        for (int i = 0; i < value.length(); i++) decimal += (value.charAt(value.length() - i - 1) - a + 1) * Math.pow(26, i);
        return whole(decimal);
      }
      case ROMAN -> {
        return whole(romanToDecimal(letterCase == Case.UPPER ? value : value.toUpperCase(java.util.Locale.ROOT)));
      }
      case WORDS -> {
        return whole(NumberWords.toNumber(value.toLowerCase(java.util.Locale.ROOT)));
      }
      case SEQUENCE -> throw new JException("D3130", -1, token);
      default -> { }
    }
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

  /** A number as the engine holds one: a whole double that fits a long is a long. */
  private static Object whole(double d) {
    return d == Math.rint(d) && Math.abs(d) < 0x1p63 ? (Object) (long) d : d;
  }

  /** jsonata-js's romanToDecimal: a numeral smaller than one to its right is taken off; any other character is NaN. */
  private static double romanToDecimal(String roman) {
    double decimal = 0;
    double max = 1;
    for (int i = roman.length() - 1; i >= 0; i--) {
      int at = "MDCLXVI".indexOf(roman.charAt(i));
      // an unknown digit is undefined: it is not below the largest (that becomes undefined) and the sum NaN
      double value = at < 0 ? Double.NaN : new double[] {1000, 500, 100, 50, 10, 5, 1}[at];
      if (value < max) {
        decimal -= value;
      } else {
        max = Double.isNaN(value) ? Double.NaN : value;
        decimal += value;
      }
    }
    return decimal;
  }

  /**
   * jsonata-js's regular expression for this picture inside a date-time picture: {@code n} digits
   * (or up to them, with optional ones) for a year, month or day given a width, else any number of
   * them, with an ordinal's suffix; letters, roman numerals or words for the named formats.
   *
   * @throws JException D3130 for a numbering sequence
   */
  String regex(double n) {
    return switch (primary) {
      case LETTERS -> letterCase == Case.UPPER ? "[A-Z]+" : "[a-z]+";
      case ROMAN -> letterCase == Case.UPPER ? "[MDCLXVI]+" : "[mdclxvi]+";
      case WORDS -> NumberWords.REGEX;
      case DECIMAL -> {
        String occurrences = n > 0 ? (optionalDigits == 0 ? "{" + JsBuiltins.jsText(n) + "}"
            : "{" + JsBuiltins.jsText(n - optionalDigits) + "," + JsBuiltins.jsText(n) + "}") : "+";
        // more digits than any text holds matches nothing (Java cannot count that far)
        if (n > Integer.MAX_VALUE && n < 1e21) occurrences = "{0}(?!)";
        yield "[0-9]" + occurrences + (ordinal ? "(?:th|st|nd|rd)" : "");
      }
      case SEQUENCE -> throw new JException("D3130", -1, token);
    };
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

  static boolean isJsSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\f' || c == '\u00A0' || c == '\uFEFF'
        || c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.SPACE_SEPARATOR;
  }
}
