package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code $fromMillis} and {@code $now} as jsonata-js 2.0.6 formats a date-time (its
 * formatDateTime, after XPath's format-dateTime; AWS evaluates JSONata with jsonata-js). The
 * picture is read into literals and markers ({@code [Y0001]}, {@code [MNn,3-3]}, {@code [D1o]}), its
 * errors raised as jsonata-js raises them (D3135 no closing bracket, D3132 an unknown component
 * without a presentation, D3131, and when the marker is formatted D3133 a name for another
 * component than a month or a day, D3134 a timezone picture that is not one to four digits or a
 * regular pattern, D3130 a numbering sequence). The timezone is JavaScript's {@code parseInt} of the text read as {@code hhmm}, its
 * hours rounded down and its minutes the remainder ({@code "-0130"} is two hours back and thirty
 * minutes back; {@code "UTC"} is NaN). The moment is JavaScript's {@code new Date(millis + offset)}:
 * cut to a whole millisecond toward zero, and an invalid date past 8.64e15 ms or with an unreadable
 * timezone, whose components are NaN ({@code NaN-NaN-NaN}), whose names are undefined (written
 * {@code undefined}, or JavaScript's TypeError where jsonata-js changes their case or reads their
 * length). Weeks are ISO 8601's and XPath's, computed as jsonata-js does with JavaScript's
 * {@code Date.UTC} (whose years 0 to 99 are 1900 to 1999).
 */
final class DateTimeFormat {
  private DateTimeFormat() {}

  private static final Map<Character, String> DEFAULT_PRESENTATION = Map.ofEntries(Map.entry('Y', "1"), Map.entry('M', "1"),
      Map.entry('D', "1"), Map.entry('d', "1"), Map.entry('F', "n"), Map.entry('W', "1"), Map.entry('w', "1"),
      Map.entry('X', "1"), Map.entry('x', "1"), Map.entry('H', "1"), Map.entry('h', "1"), Map.entry('P', "n"),
      Map.entry('m', "01"), Map.entry('s', "01"), Map.entry('f', "1"), Map.entry('Z', "01:01"), Map.entry('z', "01:01"),
      Map.entry('C', "n"), Map.entry('E', "n"));
  private static final String[] DAYS = {"", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};
  private static final String[] MONTHS = {"January", "February", "March", "April", "May", "June", "July", "August",
      "September", "October", "November", "December"};
  private static final double DAY = 86_400_000d;
  private static final String ISO_8601 = "[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]";

  /** A marker: its component, presentation, names' case, width and integer format. */
  private static final class Marker {
    String component;
    String presentation1;
    String presentation2;
    IntegerPicture.Case names;
    boolean hasWidth;
    double minWidth = Double.NaN;
    double maxWidth = Double.NaN;
    boolean maxGiven;
    IntegerPicture integerFormat;
    double n = -1;
  }

  /** A literal (a String) or a marker, in the picture's order. */
  private static List<Object> analyse(String picture) {
    List<Object> parts = new ArrayList<>();
    int start = 0;
    int pos = 0;
    while (pos < picture.length()) {
      if (picture.charAt(pos) == '[') {
        if (pos + 1 < picture.length() && picture.charAt(pos + 1) == '[') {
          addLiteral(parts, picture, start, pos);
          parts.add("[");
          pos += 2;
          start = pos;
          continue;
        }
        addLiteral(parts, picture, start, pos);
        start = pos;
        pos = picture.indexOf(']', start);
        if (pos == -1) throw new JException("D3135", -1);
        String marker = withoutWhiteSpace(picture.substring(start + 1, pos));
        Marker def = new Marker();
        def.component = marker.isEmpty() ? "" : marker.substring(0, 1);
        int comma = marker.lastIndexOf(',');
        String presMod;
        if (comma != -1) {
          String widthMod = marker.substring(comma + 1);
          int dash = widthMod.indexOf('-');
          def.hasWidth = true;
          if (dash == -1) {
            def.minWidth = width(widthMod);
          } else {
            def.minWidth = width(widthMod.substring(0, dash));
            String max = widthMod.substring(dash + 1);
            def.maxWidth = width(max);
            def.maxGiven = !max.equals("*");
          }
          presMod = jsSubstring(marker, 1, comma);
        } else {
          presMod = marker.length() > 1 ? marker.substring(1) : "";
        }
        if (presMod.length() == 1) {
          def.presentation1 = presMod;
        } else if (presMod.length() > 1) {
          char last = presMod.charAt(presMod.length() - 1);
          if ("atco".indexOf(last) != -1) {
            def.presentation2 = String.valueOf(last);
            def.presentation1 = presMod.substring(0, presMod.length() - 1);
          } else {
            def.presentation1 = presMod;
          }
        } else {
          def.presentation1 = def.component.isEmpty() ? null : DEFAULT_PRESENTATION.get(def.component.charAt(0));
        }
        if (def.presentation1 == null) throw new JException("D3132", -1, def.component);
        char first = def.presentation1.isEmpty() ? 0 : def.presentation1.charAt(0);
        if (first == 'n') {
          def.names = IntegerPicture.Case.LOWER;
        } else if (first == 'N') {
          def.names = def.presentation1.length() > 1 && def.presentation1.charAt(1) == 'n' ? IntegerPicture.Case.TITLE : IntegerPicture.Case.UPPER;
        } else if ("YMDdFWwXxHhmsf".contains(def.component)) {
          String integerPattern = def.presentation1 + (def.presentation2 != null ? ";" + def.presentation2 : "");
          def.integerFormat = IntegerPicture.analyse(integerPattern);
          if (def.hasWidth && !Double.isNaN(def.minWidth) && def.integerFormat.mandatoryDigits < def.minWidth) {
            def.integerFormat.mandatoryDigits = def.minWidth;
          }
          if ("YMD".contains(def.component)) {
            if (def.hasWidth && def.maxGiven) {
              def.n = def.maxWidth;
              def.integerFormat.mandatoryDigits = def.n;
            } else {
              double w = def.integerFormat.mandatoryDigits + def.integerFormat.optionalDigits;
              if (w >= 2) def.n = w;
            }
          }
        }
        if (def.component.equals("Z") || def.component.equals("z")) def.integerFormat = IntegerPicture.analyse(def.presentation1);
        parts.add(def);
        start = pos + 1;
      }
      pos++;
    }
    addLiteral(parts, picture, start, pos);
    return parts;
  }

  private static void addLiteral(List<Object> parts, String picture, int start, int end) {
    if (end > start) parts.add(picture.substring(start, end).replace("]]", "]"));
  }

  /** A width as jsonata-js reads it: {@code *} or nothing is none (NaN), else JavaScript's parseInt. */
  private static double width(String text) {
    if (text.equals("*")) return Double.NaN;
    return ((Number) IntegerPicture.parseInt(text)).doubleValue();
  }

  /** The marker without JavaScript white space ({@code split(/\s+/).join('')}). */
  private static String withoutWhiteSpace(String marker) {
    StringBuilder b = new StringBuilder(marker.length());
    for (int i = 0; i < marker.length(); i++) {
      char c = marker.charAt(i);
      if (!IntegerPicture.isJsSpace(c)) b.append(c);
    }
    return b.toString();
  }

  /** jsonata-js's formatDateTime. {@code picture} and {@code timezone} may be null (undefined). */
  static String format(double millis, String picture, String timezone) {
    double offsetHours = 0;
    double offsetMinutes = 0;
    if (timezone != null) {
      double offset = ((Number) IntegerPicture.parseInt(timezone)).doubleValue();
      offsetHours = Math.floor(offset / 100);
      offsetMinutes = offset % 100;
    }
    List<Object> parts = analyse(picture == null ? ISO_8601 : picture);
    double offsetMillis = (60 * offsetHours + offsetMinutes) * 60 * 1000;
    Moment date = new Moment(timeClip(millis + offsetMillis));
    StringBuilder result = new StringBuilder();
    for (Object part : parts) {
      if (part instanceof String literal) result.append(literal);
      else result.append(text(formatComponent(date, (Marker) part, offsetHours, offsetMinutes)));
    }
    return result.toString();
  }

  /** A marker's part of jsonata-js's parsing expression, and how it reads what that part matched. */
  private record Reading(String regex, String component, java.util.function.Function<String, Object> parse) {}

  /**
   * jsonata-js's parseDateTime ({@code $toMillis} with a picture): the text must match the whole
   * picture, case aside, else there is no value; the components read are lined up against the
   * first date form they fit ({Y M D}, {Y d}, {X x w F}, {X W F}) and time form ({H m s f}, {P h m s
   * f}), those before the first given taken from {@code now}, those after the last zero (a month or a
   * day one), a gap D3136 (as are the week forms, which jsonata-js does not parse); the moment is
   * JavaScript's {@code Date.UTC} of them (30 February rolls into March; a year 0 to 99 is 1900 to
   * 1999), less the timezone's minutes. Returns a long, NaN, or null (undefined).
   */
  static Object parse(String timestamp, String picture, long now) {
    List<Object> parts = analyse(picture);
    StringBuilder full = new StringBuilder();
    List<Reading> readings = new ArrayList<>();
    for (Object part : parts) {
      Reading r = part instanceof String literal ? new Reading(jsQuote(literal), null, null) : reading((Marker) part);
      readings.add(r);
      full.append('(').append(r.regex()).append(')');
    }
    // jsonata-js's expression is a JavaScript one (a brace that makes no quantifier is a character, say)
    java.util.regex.Pattern expression;
    try {
      expression = java.util.regex.Pattern.compile(JsRegex.toJava(full.toString(), false),
          java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE);
    } catch (java.util.regex.PatternSyntaxException e) {
      // a timezone's separator that breaks the expression: JavaScript's SyntaxError
      throw new IllegalArgumentException("Invalid regular expression: /^" + full + "$/i");
    }
    // adjacent digit runs backtrack for long on a text that does not match: the time bound watches
    java.util.regex.Matcher info = expression.matcher(Bounds.timed(timestamp));
    if (!info.matches()) return null;
    Map<String, Object> components = new java.util.HashMap<>();
    for (int i = 0; i < readings.size(); i++) {
      Reading r = readings.get(i);
      if (r.parse() != null) components.put(r.component(), r.parse().apply(info.group(i + 1)));
    }
    if (components.isEmpty()) return null;
    boolean dateA = isType(161, mask(components, "YXMxWwdD"));
    boolean dateB = !dateA && isType(130, mask(components, "YXMxWwdD"));
    boolean dateC = isType(84, mask(components, "YXMxWwdD"));
    boolean dateD = !dateC && isType(72, mask(components, "YXMxWwdD"));
    boolean timeA = isType(23, mask(components, "PHhmsf"));
    boolean timeB = !timeA && isType(47, mask(components, "PHhmsf"));
    String comps = (dateB ? "YD" : dateC ? "XxwF" : dateD ? "XWF" : "YMD") + (timeB ? "Phmsf" : "Hmsf");
    Moment today = new Moment(now);
    boolean startSpecified = false;
    boolean endSpecified = false;
    for (int i = 0; i < comps.length(); i++) {
      String part = comps.substring(i, i + 1);
      if (components.get(part) == null) {
        if (startSpecified) {
          components.put(part, "MDd".contains(part) ? 1d : 0d);
          endSpecified = true;
        } else {
          components.put(part, fragment(today, part));
        }
      } else {
        startSpecified = true;
        if (endSpecified) throw new JException("D3136", -1);
      }
    }
    double month = number(components.get("M"));
    month = month > 0 ? month - 1 : 0;
    double day = number(components.get("D"));
    if (dateB) {
      double derived = dateUtc(number(components.get("Y")), 0, 1) + (number(components.get("d")) - 1) * DAY;
      Moment d = new Moment(timeClip(derived));
      month = d.month;
      day = d.date;
    }
    if (dateC || dateD) throw new JException("D3136", -1);
    double hours = number(components.get("H"));
    if (timeB) {
      double h = number(components.get("h"));
      hours = h == 12 ? 0 : h;
      if (Double.valueOf(1).equals(components.get("P"))) hours += 12;
    }
    double millis = dateUtc(number(components.get("Y")), month, day, hours, number(components.get("m")),
        number(components.get("s")), number(components.get("f")));
    Object zone = JsBuiltins.truthy(components.get("Z")) ? components.get("Z") : components.get("z");
    if (JsBuiltins.truthy(zone)) millis -= number(zone) * 60 * 1000;
    return Double.isNaN(millis) || Math.abs(millis) >= 0x1p63 ? millis : (Object) (long) millis;
  }

  /** A literal as jsonata-js escapes it for its expression ({@code [.*+?^${}()|[\]\\]} behind a backslash). */
  private static String jsQuote(String literal) {
    StringBuilder b = new StringBuilder(literal.length() + 8);
    for (int i = 0; i < literal.length(); i++) {
      char c = literal.charAt(i);
      if (".*+?^${}()|[]\\".indexOf(c) >= 0) b.append('\\');
      b.append(c);
    }
    return b.toString();
  }

  /** JavaScript's {@code substring}: each end clamped to the text, and swapped when the first is the greater. */
  private static String jsSubstring(String s, int from, int to) {
    int a = Math.max(0, Math.min(from, s.length()));
    int b = Math.max(0, Math.min(to, s.length()));
    return s.substring(Math.min(a, b), Math.max(a, b));
  }

  /** What a name lookup finds on a plain JavaScript object that has no such key: a method of Object's prototype. */
  private static final java.util.Set<String> INHERITED = java.util.Set.of("constructor", "hasOwnProperty", "isPrototypeOf",
      "propertyIsEnumerable", "toString", "valueOf", "toLocaleString");
  /** Such a method as a component: given (not undefined), true, and NaN to arithmetic. */
  private static final Object INHERITED_METHOD = new Object();

  private static Reading reading(Marker part) {
    String component = part.component;
    if (component.equals("Z") || component.equals("z")) {
      IntegerPicture format = part.integerFormat;
      String separator = format.primary == IntegerPicture.Primary.DECIMAL && format.isRegular() ? format.separator() : null;
      String regex = (component.equals("z") ? "GMT" : "") + "[-+][0-9]+" + (separator != null ? separator + "[0-9]+" : "");
      return new Reading(regex, component, value -> {
        String v = component.equals("z") ? value.substring(3) : value;
        double hours;
        double minutes = 0;
        if (separator != null) {
          // the separator goes into the expression as it is, so a regular expression character there may
          // match without it: JavaScript's substring of the -1 that indexOf gives then
          int at = v.indexOf(separator);
          hours = jsInt(jsSubstring(v, 0, at));
          minutes = jsInt(jsSubstring(v, at + 1, v.length()));
        } else if (v.length() - 1 <= 2) {
          hours = jsInt(v);
        } else {
          hours = jsInt(v.substring(0, 3));
          minutes = jsInt(v.substring(3));
        }
        return hours * 60 + minutes;
      });
    }
    if (part.integerFormat != null) {
      IntegerPicture format = part.integerFormat;
      return new Reading(format.regex(part.n), component, value -> number(format.parse(value)));
    }
    Map<String, Double> lookup = new java.util.HashMap<>();
    // jsonata-js cuts the names to a maximum that is truthy: a negative one cuts them to nothing
    boolean cut = part.hasWidth && part.maxWidth != 0 && !Double.isNaN(part.maxWidth);
    if (component.equals("M") || component.equals("x")) {
      for (int i = 0; i < MONTHS.length; i++) lookup.put(cut ? prefix(MONTHS[i], part.maxWidth) : MONTHS[i], i + 1d);
    } else if (component.equals("F")) {
      for (int i = 1; i < DAYS.length; i++) lookup.put(cut ? prefix(DAYS[i], part.maxWidth) : DAYS[i], (double) i);
    } else if (component.equals("P")) {
      lookup.putAll(Map.of("am", 0d, "AM", 0d, "pm", 1d, "PM", 1d));
    } else {
      throw new JException("D3133", -1, component);
    }
    return new Reading("[a-zA-Z]+", component, v -> lookup.containsKey(v) ? lookup.get(v) : INHERITED.contains(v) ? INHERITED_METHOD : null);
  }

  private static String prefix(String name, double max) {
    return jsSubstring(name, 0, (int) Math.max(Math.min(max, Integer.MAX_VALUE), Integer.MIN_VALUE));
  }

  private static double jsInt(String text) {
    return ((Number) IntegerPicture.parseInt(text)).doubleValue();
  }

  /** A component as a number: a text ({@code am}, {@code ISO}) or undefined is NaN to JavaScript's arithmetic. */
  private static double number(Object v) {
    return v instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  /** One bit per component, most significant first: whether its value is truthy, as jsonata-js's shift has it. */
  private static int mask(Map<String, Object> components, String order) {
    int mask = 0;
    for (int i = 0; i < order.length(); i++) mask = (mask << 1) + (JsBuiltins.truthy(components.get(order.substring(i, i + 1))) ? 1 : 0);
    return mask;
  }

  private static boolean isType(int type, int mask) {
    return (~type & mask) == 0 && (type & mask) != 0;
  }

  /** JavaScript's TimeClip: NaN past 8.64e15 ms either way, else cut toward zero. */
  private static double timeClip(double t) {
    if (!Double.isFinite(t) || Math.abs(t) > 8.64e15) return Double.NaN;
    return t < 0 ? Math.ceil(t) + 0.0 : Math.floor(t);
  }

  /** JavaScript's text of a component: a number as JavaScript writes it, undefined as "undefined". */
  private static String text(Object v) {
    if (v == null) return "undefined";
    if (v instanceof Double d) return JsBuiltins.jsText(d);
    return v.toString();
  }

  private static Object formatComponent(Moment date, Marker spec, double offsetHours, double offsetMinutes) {
    Object value = fragment(date, spec.component);
    if ("YMDdFWwXxHhms".contains(spec.component)) {
      if (spec.component.equals("Y") && spec.n != -1) value = (Double) value % Math.pow(10, spec.n);
      if (spec.names != null) {
        String name;
        if (spec.component.equals("M") || spec.component.equals("x")) name = at(MONTHS, (Double) value - 1);
        else if (spec.component.equals("F")) name = at(DAYS, (Double) value);
        else throw new JException("D3133", -1, spec.component);
        if (spec.names == IntegerPicture.Case.UPPER) name = typeErrorIfUndefined(name, "toUpperCase").toUpperCase(java.util.Locale.ROOT);
        else if (spec.names == IntegerPicture.Case.LOWER) name = typeErrorIfUndefined(name, "toLowerCase").toLowerCase(java.util.Locale.ROOT);
        if (spec.hasWidth && typeErrorIfUndefined(name, "length").length() > spec.maxWidth) name = name.substring(0, (int) Math.max(0, spec.maxWidth));
        return name;
      }
      return formatInteger(spec, (Double) value);
    }
    if (spec.component.equals("f")) return formatInteger(spec, (Double) value);
    if (spec.component.equals("Z") || spec.component.equals("z")) {
      double offset = offsetHours * 100 + offsetMinutes;
      String out;
      IntegerPicture format = spec.integerFormat;
      if (format.primary == IntegerPicture.Primary.DECIMAL && format.isRegular()) {
        out = format.format(offset);
      } else {
        double digits = format.mandatoryDigits;
        if (digits == 1 || digits == 2) {
          out = format.format(offsetHours);
          if (offsetMinutes != 0) out += ":" + IntegerPicture.analyse("00").format(Math.floor(offsetMinutes));
        } else if (digits == 3 || digits == 4) {
          out = format.format(offset);
        } else {
          throw new JException("D3134", -1, digits);
        }
      }
      if (offset >= 0) out = "+" + out;
      if (spec.component.equals("z")) out = "GMT" + out;
      if (offset == 0 && "t".equals(spec.presentation2)) out = "Z";
      return out;
    }
    if (spec.component.equals("P") && spec.names == IntegerPicture.Case.UPPER) return ((String) value).toUpperCase(java.util.Locale.ROOT);
    return value;
  }

  /** An integer component in its format; none (a name asked of the fractional seconds) is JavaScript's TypeError. */
  private static String formatInteger(Marker spec, Double value) {
    if (spec.integerFormat == null) throw new IllegalArgumentException("Cannot read properties of undefined (reading 'primary')");
    return spec.integerFormat.format(value);
  }

  private static String typeErrorIfUndefined(String name, String property) {
    if (name == null) throw new IllegalArgumentException("Cannot read properties of undefined (reading '" + property + "')");
    return name;
  }

  /** JavaScript's {@code array[i]}: the item at a whole index inside it, else undefined (null). */
  private static String at(String[] array, double i) {
    return i >= 0 && i < array.length && i == Math.floor(i) ? array[(int) i] : null;
  }

  /** A JavaScript Date's UTC fields, NaN for an invalid date. */
  private static final class Moment {
    final double time;
    final double year;
    final double month; // 0 to 11
    final double date;
    final double day; // 0 (Sunday) to 6
    final double hours;
    final double minutes;
    final double seconds;
    final double millis;

    Moment(double time) {
      this.time = time;
      if (Double.isNaN(time)) {
        year = month = date = day = hours = minutes = seconds = millis = Double.NaN;
        return;
      }
      long t = (long) time;
      long days = Math.floorDiv(t, 86_400_000L);
      long ms = Math.floorMod(t, 86_400_000L);
      LocalDate d = LocalDate.ofEpochDay(days);
      year = d.getYear();
      month = d.getMonthValue() - 1;
      date = d.getDayOfMonth();
      day = Math.floorMod(days + 4, 7);
      hours = ms / 3_600_000;
      minutes = ms / 60_000 % 60;
      seconds = ms / 1000 % 60;
      millis = ms % 1000;
    }
  }

  /** JavaScript's Date.UTC(year, month, date). */
  private static double dateUtc(double year, double month, double date) {
    return dateUtc(year, month, date, 0, 0, 0, 0);
  }

  /**
   * JavaScript's Date.UTC: each argument cut toward zero, a year 0 to 99 is 1900 to 1999, a month
   * or any smaller field out of its range rolls into the next; NaN when any is not finite or the
   * moment is past the dates a Date holds.
   */
  private static double dateUtc(double year, double month, double date, double hours, double minutes, double seconds, double millis) {
    double[] fields = {year, month, date, hours, minutes, seconds, millis};
    for (double f : fields) if (!Double.isFinite(f)) return Double.NaN;
    double y = trunc(year);
    if (y >= 0 && y <= 99) y += 1900;
    double m = trunc(month);
    double ym = y + Math.floor(m / 12);
    double mn = ((m % 12) + 12) % 12;
    if (Math.abs(ym) > 400_000) return Double.NaN;
    double days = LocalDate.of((int) ym, (int) mn + 1, 1).toEpochDay() + trunc(date) - 1;
    double time = trunc(hours) * 3_600_000 + trunc(minutes) * 60_000 + trunc(seconds) * 1000 + trunc(millis);
    return timeClip(days * DAY + time);
  }

  private static double trunc(double d) {
    return d < 0 ? Math.ceil(d) : Math.floor(d);
  }

  /** The millisecond of the Monday that starts the first week (the one holding the first Thursday) of a year's month. */
  private static double startOfFirstWeek(double year, double month) {
    double first = dateUtc(year, month, 1);
    if (Double.isNaN(first)) return Double.NaN;
    double dayOfFirst = Math.floorMod((long) Math.floor(first / DAY) + 4, 7);
    if (dayOfFirst == 0) dayOfFirst = 7;
    return dayOfFirst > 4 ? first + (8 - dayOfFirst) * DAY : first - (dayOfFirst - 1) * DAY;
  }

  private static double deltaWeeks(double start, double end) {
    return (end - start) / (DAY * 7) + 1;
  }

  /** jsonata-js's getDateTimeFragment: a number (NaN for an invalid date), a text, or null (undefined). */
  private static Object fragment(Moment date, String component) {
    switch (component) {
      case "Y": return date.year;
      case "M": return date.month + 1;
      case "D": return date.date;
      case "d": {
        double today = dateUtc(date.year, date.month, date.date);
        double firstJan = dateUtc(date.year, 0, 1);
        return (today - firstJan) / DAY + 1;
      }
      case "F": return date.day == 0 ? 7d : date.day;
      case "W": {
        double startOfWeek1 = startOfFirstWeek(date.year, 0);
        double today = dateUtc(date.year, date.month, date.date);
        double week = deltaWeeks(startOfWeek1, today);
        if (week > 52) {
          if (today >= startOfFirstWeek(date.year + 1, 0)) week = 1;
        } else if (week < 1) {
          week = deltaWeeks(startOfFirstWeek(date.year - 1, 0), today);
        }
        return Math.floor(week);
      }
      case "w": {
        double startOfWeek1 = startOfFirstWeek(date.year, date.month);
        double today = dateUtc(date.year, date.month, date.date);
        double week = deltaWeeks(startOfWeek1, today);
        if (week > 4) {
          if (today >= startOfNextMonth(date)) week = 1;
        } else if (week < 1) {
          double[] previous = previousMonth(date.year, date.month);
          week = deltaWeeks(startOfFirstWeek(previous[0], previous[1]), today);
        }
        return Math.floor(week);
      }
      case "X": {
        double now = date.time;
        if (now < startOfFirstWeek(date.year, 0)) return date.year - 1;
        if (now >= startOfFirstWeek(date.year + 1, 0)) return date.year + 1;
        return date.year;
      }
      case "x": {
        double now = date.time;
        if (now < startOfFirstWeek(date.year, date.month)) return previousMonth(date.year, date.month)[1] + 1;
        if (now >= startOfNextMonth(date)) return nextMonth(date.year, date.month)[1] + 1;
        return date.month + 1;
      }
      case "H": return date.hours;
      case "h": {
        double h = date.hours % 12;
        return h == 0 ? 12d : h;
      }
      case "P": return date.hours >= 12 ? "pm" : "am";
      case "m": return date.minutes;
      case "s": return date.seconds;
      case "f": return date.millis;
      case "C", "E": return "ISO";
      default: return null;
    }
  }

  private static double startOfNextMonth(Moment date) {
    double[] next = nextMonth(date.year, date.month);
    return startOfFirstWeek(next[0], next[1]);
  }

  private static double[] nextMonth(double year, double month) {
    return month == 11 ? new double[] {year + 1, 0} : new double[] {year, month + 1};
  }

  private static double[] previousMonth(double year, double month) {
    return month == 0 ? new double[] {year - 1, 11} : new double[] {year, month - 1};
  }
}
