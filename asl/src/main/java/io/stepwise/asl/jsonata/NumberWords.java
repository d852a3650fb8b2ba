package io.stepwise.asl.jsonata;

/**
 * jsonata-js 2.0.6's numberToWords: a whole number in English words, as {@code $formatInteger}'s
 * {@code w}, {@code W} and {@code Ww} pictures and a date-time component's write it ({@code One
 * Thousand, Two Hundred and Thirty-Four}; the ordinal {@code One Thousand, Two Hundred and
 * Thirty-Fourth}). Past a trillion the magnitude repeats ({@code 1e21} is {@code One Billion
 * Trillion}); a number that is not finite recurses without end in jsonata-js, a stack overflow.
 */
final class NumberWords {
  private NumberWords() {}

  private static final String[] FEW = {"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
      "Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"};
  private static final String[] ORDINALS = {"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh",
      "Eighth", "Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
      "Eighteenth", "Nineteenth"};
  private static final String[] DECADES = {"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety", "Hundred"};
  private static final String[] MAGNITUDES = {"Thousand", "Million", "Billion", "Trillion"};

  /** jsonata-js's wordValues: each word (cardinal, ordinal, decade, magnitude) and its value, in its order. */
  private static final java.util.Map<String, Double> VALUES = new java.util.LinkedHashMap<>();

  static {
    for (int i = 0; i < FEW.length; i++) VALUES.put(FEW[i].toLowerCase(java.util.Locale.ROOT), (double) i);
    for (int i = 0; i < ORDINALS.length; i++) VALUES.put(ORDINALS[i].toLowerCase(java.util.Locale.ROOT), (double) i);
    for (int i = 0; i < DECADES.length; i++) {
      String word = DECADES[i].toLowerCase(java.util.Locale.ROOT);
      VALUES.put(word, (i + 2) * 10d);
      VALUES.put(word.substring(0, word.length() - 1) + "ieth", (i + 2) * 10d);
    }
    VALUES.put("hundredth", 100d);
    for (int i = 0; i < MAGNITUDES.length; i++) {
      String word = MAGNITUDES[i].toLowerCase(java.util.Locale.ROOT);
      VALUES.put(word, Math.pow(10, (i + 1) * 3));
      VALUES.put(word + "th", Math.pow(10, (i + 1) * 3));
    }
  }

  /** jsonata-js's regular expression for a number in words: any run of the words, "and", hyphens, commas and spaces. */
  static final String REGEX = "(?:" + String.join("|", VALUES.keySet()) + "|and|[\\-, ])+";

  /** JavaScript's {@code \s}: its white space and line terminators, Unicode's spaces among them. */
  private static final String JS_SPACE = "[\\t\\n\\u000B\\f\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000\\uFEFF]";
  private static final java.util.regex.Pattern WORD_BREAK =
      java.util.regex.Pattern.compile("," + JS_SPACE + "|" + JS_SPACE + "and" + JS_SPACE + "|" + JS_SPACE + "|[\\\\-]");

  /** jsonata-js's wordsToNumber of a lower-case text: an unknown word makes it NaN. */
  static double toNumber(String text) {
    java.util.List<Double> segs = new java.util.ArrayList<>(java.util.List.of(0d));
    for (String part : WORD_BREAK.split(text, -1)) {
      Double v = VALUES.get(part);
      double value = v == null ? Double.NaN : v;
      if (value < 100) {
        double top = segs.remove(segs.size() - 1);
        if (top >= 1000) {
          segs.add(top);
          top = 0;
        }
        segs.add(top + value);
      } else {
        segs.add(segs.remove(segs.size() - 1) * value);
      }
    }
    double sum = 0;
    for (double seg : segs) sum += seg;
    return sum;
  }

  static String words(double value, boolean ordinal) {
    if (!Double.isFinite(value)) throw new StackOverflowError();
    return lookup(value, false, ordinal);
  }

  private static String lookup(double num, boolean prev, boolean ord) {
    String words;
    if (num <= 19) {
      words = (prev ? " and " : "") + (ord ? ORDINALS[(int) num] : FEW[(int) num]);
    } else if (num < 100) {
      int tens = (int) Math.floor(num / 10);
      double remainder = num % 10;
      words = (prev ? " and " : "") + DECADES[tens - 2];
      if (remainder > 0) {
        words += "-" + lookup(remainder, false, ord);
      } else if (ord) {
        words = words.substring(0, words.length() - 1) + "ieth";
      }
    } else if (num < 1000) {
      int hundreds = (int) Math.floor(num / 100);
      double remainder = num % 100;
      words = (prev ? ", " : "") + FEW[hundreds] + " Hundred";
      if (remainder > 0) {
        words += lookup(remainder, true, ord);
      } else if (ord) {
        words += "th";
      }
    } else {
      int mag = (int) Math.floor(Math.log10(num) / 3);
      if (mag > MAGNITUDES.length) mag = MAGNITUDES.length;
      double factor = Math.pow(10, mag * 3);
      double mant = Math.floor(num / factor);
      double remainder = num - mant * factor;
      words = (prev ? ", " : "") + lookup(mant, false, false) + " " + MAGNITUDES[mag - 1];
      if (remainder > 0) {
        words += lookup(remainder, true, ord);
      } else if (ord) {
        words += "th";
      }
    }
    return words;
  }
}
