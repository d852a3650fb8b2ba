package io.stepwise.engine;

import java.time.Instant;

/** Instants read from the text Jackson writes them as, fast. */
public final class Instants {
  private Instants() {}

  /**
   * An ISO-8601 instant as Jackson writes one ({@code 2026-01-02T03:04:05.678Z}, 0 to 9 fraction
   * digits), read without a formatter (a tenth of the time); anything else through {@link Instant#parse}.
   */
  public static Instant parse(String s) {
    Instant fast = parseFast(s);
    return fast != null ? fast : Instant.parse(s);
  }

  /** As {@link #parse} when {@code s} has the plain form; null otherwise. */
  public static Instant parseFast(String s) {
    int n = s.length();
    if (n >= 20 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
        && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z') {
      int year = digits(s, 0, 4);
      int month = digits(s, 5, 7);
      int day = digits(s, 8, 10);
      int hour = digits(s, 11, 13);
      int minute = digits(s, 14, 16);
      int second = digits(s, 17, 19);
      int nanos = 0;
      boolean plain = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour <= 23
          && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
      if (plain && n > 20) {
        int fraction = n - 21;
        if (s.charAt(19) != '.' || fraction < 1 || fraction > 9) {
          plain = false;
        } else {
          nanos = digits(s, 20, n - 1);
          if (nanos < 0) plain = false;
          for (int i = fraction; i < 9; i++) nanos *= 10;
        }
      } else if (n != 20) {
        plain = false;
      }
      if (plain && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
        long days = java.time.LocalDate.of(year, month, day).toEpochDay();
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second, nanos);
      }
    }
    return null;
  }

  /** The decimal number of {@code s[from, to)}, or -1 if a character is not a digit. */
  private static int digits(String s, int from, int to) {
    int v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      v = v * 10 + (c - '0');
    }
    return v;
  }

  /**
   * {@code t} as {@link Instant#toString} writes it (and Jackson, through ISO_INSTANT): fraction
   * digits in groups of three, none for a whole second; years 1000–9999 without a formatter, any
   * other through {@link Instant#toString}.
   */
  public static String format(Instant t) {
    long seconds = t.getEpochSecond();
    if (seconds < YEAR_1000 || seconds >= YEAR_10000) return t.toString();
    java.time.LocalDate date = java.time.LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400L));
    int year = date.getYear();
    int ofDay = (int) Math.floorMod(seconds, 86_400L);
    int nanos = t.getNano();
    char[] out = new char[30];
    int n = put(out, 0, year, 4);
    out[n++] = '-';
    n = put(out, n, date.getMonthValue(), 2);
    out[n++] = '-';
    n = put(out, n, date.getDayOfMonth(), 2);
    out[n++] = 'T';
    n = put(out, n, ofDay / 3_600, 2);
    out[n++] = ':';
    n = put(out, n, ofDay / 60 % 60, 2);
    out[n++] = ':';
    n = put(out, n, ofDay % 60, 2);
    if (nanos != 0) {
      out[n++] = '.';
      if (nanos % 1_000_000 == 0) {
        n = put(out, n, nanos / 1_000_000, 3);
      } else if (nanos % 1_000 == 0) {
        n = put(out, n, nanos / 1_000, 6);
      } else {
        n = put(out, n, nanos, 9);
      }
    }
    out[n++] = 'Z';
    return new String(out, 0, n);
  }

  private static final long YEAR_1000 = Instant.parse("1000-01-01T00:00:00Z").getEpochSecond();
  private static final long YEAR_10000 = Instant.parse("+10000-01-01T00:00:00Z").getEpochSecond();

  /** {@code value} in {@code width} decimal digits, zero-padded, at {@code at}; the index after them. */
  private static int put(char[] out, int at, int value, int width) {
    for (int i = at + width - 1; i >= at; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
    return at + width;
  }
}
