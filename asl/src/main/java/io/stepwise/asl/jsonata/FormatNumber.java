package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.Functions;
import com.dashjoin.jsonata.JException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code $formatNumber} as jsonata-js 2.0.6 implements XPath's fn:format-number (MIT licence), which
 * AWS answers with: the picture is checked against the spec's rules (D3080 to D3093, the last rule
 * broken is the one reported: AWS gave D3086 for {@code "x"}, floci#2737), the number is rounded
 * half to even at the picture's last fractional digit as written in decimal ({@code 2.675} is
 * {@code 2.68}, {@code 12.345} is {@code 12.34}), grouping follows the picture even when irregular
 * ({@code #,##,###}), and any other character ({@code ¤}) is text. dashjoin uses Java's
 * DecimalFormat, which differs in each of these.
 */
final class FormatNumber {
  private FormatNumber() {}

  private static final Map<String, String> DEFAULTS = Map.ofEntries(
      Map.entry("decimal-separator", "."), Map.entry("grouping-separator", ","), Map.entry("exponent-separator", "e"),
      Map.entry("infinity", "Infinity"), Map.entry("minus-sign", "-"), Map.entry("NaN", "NaN"), Map.entry("percent", "%"),
      Map.entry("per-mille", "\u2030"), Map.entry("zero-digit", "0"), Map.entry("digit", "#"), Map.entry("pattern-separator", ";"));

  private record Parts(String prefix, String suffix, String activePart, String mantissaPart, String exponentPart,
      String integerPart, String fractionalPart, String subpicture) {}

  private static final class Pic {
    List<Integer> integerGroups;
    int regularGrouping;
    int minimumIntegerPartSize;
    int scalingFactor;
    String prefix;
    List<Integer> fractionalGroups;
    int minimumFractionalPartSize;
    int maximumFractionalPartSize;
    int minimumExponentSize;
    String suffix;
    String picture;
  }

  static String format(double value, String picture, Map<?, ?> options) {
    Map<String, String> props = new HashMap<>(DEFAULTS);
    if (options != null) options.forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
    // a property given empty is left at its default (jsonata-js reads its first character)
    props.replaceAll((k, v) -> v.isEmpty() ? DEFAULTS.getOrDefault(k, v) : v);
    String digitFamily = digitFamily(props.get("zero-digit").charAt(0));
    String decimalSep = props.get("decimal-separator");
    String groupingSep = props.get("grouping-separator");
    String exponentSep = props.get("exponent-separator");
    String digit = props.get("digit");
    String active = digitFamily + decimalSep + exponentSep + groupingSep + digit + props.get("pattern-separator");

    String[] subPictures = picture.split(java.util.regex.Pattern.quote(props.get("pattern-separator")), -1);
    if (subPictures.length > 2) throw new JException("D3080", -1);
    List<Parts> parts = new ArrayList<>();
    for (String sub : subPictures) parts.add(split(sub, active, exponentSep, decimalSep));
    for (Parts p : parts) validate(p, props, digitFamily, active);
    List<Pic> pics = new ArrayList<>();
    for (Parts p : parts) pics.add(analyse(p, digitFamily, groupingSep, digit));
    String minus = props.get("minus-sign");
    char zero = props.get("zero-digit").charAt(0);
    // a negative number without a sub-picture of its own takes the one there is, after a minus sign
    Pic pic = value >= 0 || pics.size() == 1 ? pics.get(0) : pics.get(1);
    String prefix = value < 0 && pics.size() == 1 ? minus + pic.prefix : pic.prefix;
    double adjusted = pic.picture.contains(props.get("percent")) ? value * 100
        : pic.picture.contains(props.get("per-mille")) ? value * 1000 : value;
    double mantissa = adjusted;
    Integer exponent = null;
    if (pic.minimumExponentSize != 0) {
      double maxMantissa = Math.pow(10, pic.scalingFactor);
      double minMantissa = Math.pow(10, pic.scalingFactor - 1);
      int e = 0;
      // jsonata-js's loops, which never end for zero or a negative number: such an evaluation runs
      // out of time, as AWS's would
      for (int i = 0; mantissa < minMantissa; i++) {
        if (i == 400) throw new Bounds.Crossed(Bounds.TOO_LONG);
        mantissa *= 10;
        e--;
      }
      for (int i = 0; mantissa > maxMantissa; i++) {
        if (i == 400) throw new Bounds.Crossed(Bounds.TOO_LONG);
        mantissa /= 10;
        e++;
      }
      exponent = e;
    }
    double rounded = Functions.round(mantissa, pic.maximumFractionalPartSize).doubleValue();
    String s = fixed(rounded, pic.maximumFractionalPartSize, digitFamily);
    int decimalPos = s.indexOf('.');
    s = decimalPos == -1 ? s + decimalSep : s.replace(".", decimalSep);
    int first = 0;
    while (first < s.length() && s.charAt(first) == zero) first++;
    int last = s.length();
    while (last > first && s.charAt(last - 1) == zero) last--;
    s = s.substring(first, last);
    decimalPos = s.indexOf(decimalSep);
    int padLeft = pic.minimumIntegerPartSize - decimalPos;
    int padRight = pic.minimumFractionalPartSize - (s.length() - decimalPos - 1);
    s = (padLeft > 0 ? String.valueOf(zero).repeat(padLeft) : "") + s + (padRight > 0 ? String.valueOf(zero).repeat(padRight) : "");
    decimalPos = s.indexOf(decimalSep);
    // irregular separators by the million: jsonata-js copies the text (growing by one each time) for
    // each, which its evaluation timeout ends; regular ones are placed in one pass
    long copies = pic.regularGrouping > 0 ? pic.fractionalGroups.size() : pic.integerGroups.size() + pic.fractionalGroups.size();
    if (copies * (s.length() + copies * groupingSep.length()) > 100_000_000L) throw new Bounds.Crossed(Bounds.TOO_LONG);
    if (pic.regularGrouping > 0) {
      // a separator every regularGrouping digits left of the point (jsonata-js's insertions, in one pass)
      StringBuilder b = new StringBuilder(s.length() + decimalPos / pic.regularGrouping + 1);
      for (int i = 0; i < s.length(); i++) {
        if (i >= 1 && i < decimalPos && (decimalPos - i) % pic.regularGrouping == 0) b.append(groupingSep);
        b.append(s.charAt(i));
      }
      s = b.toString();
    } else {
      for (int pos : pic.integerGroups) {
        // JavaScript's slice(0, at) and slice(at): a negative position counts from the end
        int at = decimalPos - pos;
        int cut = at >= 0 ? Math.min(at, s.length()) : Math.max(s.length() + at, 0);
        s = s.substring(0, cut) + groupingSep + s.substring(cut);
        decimalPos++;
      }
    }
    decimalPos = s.indexOf(decimalSep);
    for (int pos : pic.fractionalGroups) {
      int at = Math.min(s.length(), pos + decimalPos + 1);
      s = s.substring(0, at) + groupingSep + s.substring(at);
    }
    decimalPos = s.indexOf(decimalSep);
    if (!pic.picture.contains(decimalSep) || decimalPos == s.length() - 1) s = s.substring(0, s.length() - 1);
    if (exponent != null) {
      String e = fixed(exponent, 0, digitFamily);
      int pad = pic.minimumExponentSize - e.length();
      if (pad > 0) e = String.valueOf(zero).repeat(pad) + e;
      s = s + exponentSep + (exponent < 0 ? minus : "") + e;
    }
    return prefix + s + pic.suffix;
  }

  private static String digitFamily(char zero) {
    StringBuilder b = new StringBuilder(10);
    for (int i = 0; i < 10; i++) b.append((char) (zero + i));
    return b.toString();
  }

  private static boolean in(String set, char c) {
    return set.indexOf(c) >= 0;
  }

  private static Parts split(String sub, String active, String exponentSep, String decimalSep) {
    String prefix = "";
    for (int i = 0; i < sub.length(); i++) {
      char ch = sub.charAt(i);
      if (in(active, ch) && !exponentSep.equals(String.valueOf(ch))) {
        prefix = sub.substring(0, i);
        break;
      }
      if (i == sub.length() - 1) prefix = null;
    }
    String suffix = "";
    for (int i = sub.length() - 1; i >= 0; i--) {
      char ch = sub.charAt(i);
      if (in(active, ch) && !exponentSep.equals(String.valueOf(ch))) {
        suffix = sub.substring(i + 1);
        break;
      }
      if (i == 0) suffix = null;
    }
    // a sub-picture with no active character is all active part: AWS reports "x" as D3086
    // (floci#2737, measured), where jsonata-js 2.0.6 fails reading an undefined prefix
    if (prefix == null || suffix == null) {
      prefix = "";
      suffix = "";
    }
    String activePart = sub.substring(prefix.length(), sub.length() - suffix.length());
    String mantissa;
    String exponent;
    int exponentPosition = sub.indexOf(exponentSep, prefix.length());
    if (exponentPosition == -1 || exponentPosition > sub.length() - suffix.length()) {
      mantissa = activePart;
      exponent = null;
    } else {
      mantissa = activePart.substring(0, Math.min(activePart.length(), exponentPosition));
      exponent = activePart.substring(Math.min(activePart.length(), exponentPosition + 1));
    }
    int decimalPosition = mantissa.indexOf(decimalSep);
    String integer = decimalPosition == -1 ? mantissa : mantissa.substring(0, decimalPosition);
    String fractional = decimalPosition == -1 ? suffix : mantissa.substring(decimalPosition + 1);
    return new Parts(prefix, suffix, activePart, mantissa, exponent, integer, fractional, sub);
  }

  private static long count(String s, java.util.function.IntPredicate p) {
    return s.chars().filter(p).count();
  }

  /** The spec's rules, in jsonata-js's order: the last one broken is the one reported. */
  private static void validate(Parts parts, Map<String, String> props, String family, String active) {
    String error = null;
    String sub = parts.subpicture();
    String dec = props.get("decimal-separator");
    String grp = props.get("grouping-separator");
    String pct = props.get("percent");
    String pml = props.get("per-mille");
    char digit = props.get("digit").charAt(0);
    int decimalPos = sub.indexOf(dec);
    if (decimalPos != sub.lastIndexOf(dec)) error = "D3081";
    if (sub.indexOf(pct) != sub.lastIndexOf(pct)) error = "D3082";
    if (sub.indexOf(pml) != sub.lastIndexOf(pml)) error = "D3083";
    if (sub.contains(pct) && sub.contains(pml)) error = "D3084";
    if (count(parts.mantissaPart(), c -> in(family, (char) c) || c == digit) == 0) error = "D3085";
    if (count(parts.activePart(), c -> !in(active, (char) c)) > 0) error = "D3086";
    if (decimalPos != -1) {
      if (charAt(sub, decimalPos - 1).equals(grp) || charAt(sub, decimalPos + 1).equals(grp)) error = "D3087";
    } else if (charAt(parts.integerPart(), parts.integerPart().length() - 1).equals(grp)) {
      error = "D3088";
    }
    if (sub.contains(grp + grp)) error = "D3089";
    int optional = parts.integerPart().indexOf(digit);
    if (optional != -1 && count(parts.integerPart().substring(0, optional), c -> in(family, (char) c)) > 0) error = "D3090";
    optional = parts.fractionalPart().lastIndexOf(digit);
    if (optional != -1 && count(parts.fractionalPart().substring(optional), c -> in(family, (char) c)) > 0) error = "D3091";
    boolean exponent = parts.exponentPart() != null;
    if (exponent && !parts.exponentPart().isEmpty() && (sub.contains(pct) || sub.contains(pml))) error = "D3092";
    if (exponent && (parts.exponentPart().isEmpty() || count(parts.exponentPart(), c -> !in(family, (char) c)) > 0)) error = "D3093";
    if (error != null) throw new JException(error, -1);
  }

  private static String charAt(String s, int i) {
    return i >= 0 && i < s.length() ? String.valueOf(s.charAt(i)) : "";
  }

  private static Pic analyse(Parts parts, String family, String grp, String digitText) {
    char digit = digitText.charAt(0);
    Pic pic = new Pic();
    pic.integerGroups = groupingPositions(parts.integerPart(), parts.integerPart(), false, family, grp, digit);
    pic.regularGrouping = regular(pic.integerGroups);
    pic.fractionalGroups = groupingPositions(parts.fractionalPart(), parts.integerPart(), true, family, grp, digit);
    pic.minimumIntegerPartSize = (int) count(parts.integerPart(), c -> in(family, (char) c));
    pic.scalingFactor = pic.minimumIntegerPartSize;
    pic.minimumFractionalPartSize = (int) count(parts.fractionalPart(), c -> in(family, (char) c));
    pic.maximumFractionalPartSize = (int) count(parts.fractionalPart(), c -> in(family, (char) c) || c == digit);
    boolean exponent = parts.exponentPart() != null;
    if (pic.minimumIntegerPartSize == 0 && pic.maximumFractionalPartSize == 0) {
      if (exponent) {
        pic.minimumFractionalPartSize = 1;
        pic.maximumFractionalPartSize = 1;
      } else {
        pic.minimumIntegerPartSize = 1;
      }
    }
    if (exponent && pic.minimumIntegerPartSize == 0 && parts.integerPart().indexOf(digit) != -1) pic.minimumIntegerPartSize = 1;
    if (pic.minimumIntegerPartSize == 0 && pic.minimumFractionalPartSize == 0) pic.minimumFractionalPartSize = 1;
    pic.minimumExponentSize = exponent ? (int) count(parts.exponentPart(), c -> in(family, (char) c)) : 0;
    pic.prefix = parts.prefix();
    pic.suffix = parts.suffix();
    pic.picture = parts.subpicture();
    return pic;
  }

  /**
   * The digits to the right (or, {@code toLeft}, the left) of each grouping separator of {@code part};
   * as in jsonata-js, the next separator is looked for in the integer part.
   */
  private static List<Integer> groupingPositions(String part, String integerPart, boolean toLeft, String family, String grp, char digit) {
    List<Integer> positions = new ArrayList<>();
    // digits before each place, counted once
    int[] before = new int[part.length() + 1];
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      before[i + 1] = before[i] + (in(family, c) || c == digit ? 1 : 0);
    }
    int at = part.indexOf(grp);
    while (at != -1) {
      // JavaScript's substring clamps a place past the part to its end
      int place = Math.min(at, part.length());
      positions.add(toLeft ? before[place] : before[part.length()] - before[place]);
      at = integerPart.indexOf(grp, at + 1);
    }
    return positions;
  }

  private static int regular(List<Integer> indexes) {
    if (indexes.isEmpty()) return 0;
    int factor = indexes.get(0);
    for (int i : indexes) factor = gcd(factor, i);
    java.util.Set<Integer> at = new java.util.HashSet<>(indexes);
    for (int index = 1; index <= indexes.size(); index++) {
      if (!at.contains(index * factor)) return 0;
    }
    return factor;
  }

  private static int gcd(int a, int b) {
    return b == 0 ? a : gcd(b, a % b);
  }

  /** JavaScript's {@code Math.abs(value).toFixed(dp)} in the picture's digits. */
  private static String fixed(double value, int dp, String family) {
    double a = Math.abs(value);
    String s = a >= 1e21 ? JsBuiltins.JsNumber.text(a) : new BigDecimal(a).setScale(dp, RoundingMode.HALF_UP).toPlainString();
    if (family.charAt(0) == '0') return s;
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) b.append(c >= '0' && c <= '9' ? family.charAt(c - '0') : c);
    return b.toString();
  }
}
