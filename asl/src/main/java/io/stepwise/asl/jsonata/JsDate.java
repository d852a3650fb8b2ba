package io.stepwise.asl.jsonata;

import java.time.LocalDate;

/**
 * JavaScript's {@code Date.parse} as V8 reads the texts jsonata-js hands it: {@code $toMillis}
 * without a picture passes every text its ISO 8601 test accepts ({@code \d{4}(-[01]\d)*(-[0-3]\d)*
 * (T..:..:..)*(\.\d+)?(zone)?}) to {@code Date.parse}. V8 first reads the ECMAScript date-time
 * form, {@code YYYY[-MM[-DD]][THH:mm[:ss[.sss]]][Z|±HH:mm|±HHmm]}:
 * <ul>
 *   <li>a month is 01–12 and a day 01–31 whatever the month, the day counted on from the month's
 *       first ({@code 2023-02-29} is 1 March);
 *   <li>an hour is 00–24, 24 only as {@code 24:00:00.000} (the next day's midnight); a fraction of
 *       a second is read to its first three digits;
 *   <li>an offset's hour is 00–23;
 *   <li>without an offset a date alone is UTC, a date and a time local time (UTC here, as on AWS).
 * </ul>
 * A text that breaks the form inside its time part is NaN. One that leaves the form after its
 * date ({@code 2024Z}, {@code 2024.5}, {@code 2024-13-01}) goes on through V8's older parser, of
 * which only what such texts can reach is here: each further number is one more part of the date
 * (three at most, a {@code -} after it skipped), {@code Z} is UTC, a {@code .} is nothing, and a
 * {@code T} or a sign is NaN. That parser reads its parts as year, month, day when the first is
 * no day (above 31), else as month, day, year, a year below 50 taken as 20xx and below 100 as 19xx:
 * {@code 2024.5} is 1 May 2024. The result is NaN past ±8.64e15 ms.
 */
final class JsDate {
  private JsDate() {}

  private static final double NAN = Double.NaN;
  private static final int NONE = Integer.MIN_VALUE;

  /** The milliseconds since the epoch V8 reads from {@code text}, or NaN. */
  static double parse(String text) {
    return new Reader(text).read();
  }

  private static final class Reader {
    private final String s;
    private int pos;
    private final int[] day = new int[3];
    private int days;
    private boolean isoDate;
    private final int[] time = {0, 0, 0, 0};
    private int offsetSeconds;

    Reader(String s) {
      this.s = s;
    }

    double read() {
      // the ECMAScript form: the date
      int year = fixed(4);
      if (year < 0) return NAN;
      day[days++] = year;
      boolean es = true;
      // a month or day out of range leaves the form: the older parser reads it, from that number on
      if (skip('-')) {
        int start = pos;
        int month = fixed(2);
        if (month < 1 || month > 12) {
          pos = start;
          es = false;
        } else {
          day[days++] = month;
          if (skip('-')) {
            start = pos;
            int d = fixed(2);
            if (d < 1 || d > 31) {
              pos = start;
              es = false;
            } else {
              day[days++] = d;
            }
          }
        }
      }
      if (es && pos < s.length() && s.charAt(pos) == 'T' && !letterAt(pos + 1)) {
        pos++;
        if (!esTime()) return NAN;
        isoDate = true;
        return value();
      }
      if (es && pos == s.length()) {
        isoDate = true;
        return value();
      }
      return legacy() ? value() : NAN;
    }

    /** {@code HH:mm[:ss[.sss]][zone]} to the end, after the {@code T}. */
    private boolean esTime() {
      int hour = fixed(2);
      if (hour < 0 || hour > 24) return false;
      boolean h24 = hour == 24;
      if (!skip(':')) return false;
      int minute = fixed(2);
      if (minute < 0 || minute > 59 || (h24 && minute > 0)) return false;
      time[0] = hour;
      time[1] = minute;
      if (skip(':')) {
        int second = fixed(2);
        if (second < 0 || second > 59 || (h24 && second > 0)) return false;
        time[2] = second;
        if (skip('.')) {
          int start = pos;
          long[] number = numeral();
          if (number == null || (h24 && number[0] > 0)) return false;
          time[3] = milliseconds(number[0], pos - start);
        }
      }
      if (pos < s.length() && s.charAt(pos) == 'Z' && !letterAt(pos + 1)) {
        pos++;
      } else if (pos < s.length() && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
        int sign = s.charAt(pos++) == '+' ? 1 : -1;
        int hour2;
        int minute2;
        int start = pos;
        long[] number = numeral();
        if (number != null && pos - start == 4) {
          hour2 = (int) number[0] / 100;
          minute2 = (int) number[0] % 100;
        } else {
          pos = start;
          hour2 = fixed(2);
          if (hour2 < 0 || hour2 > 23 || !skip(':')) return false;
          minute2 = fixed(2);
        }
        if (hour2 > 23 || minute2 < 0 || minute2 > 59) return false;
        offsetSeconds = sign * (hour2 * 3600 + minute2 * 60);
      }
      return pos == s.length();
    }

    /** What V8's older parser makes of the rest (see the class comment), or false for NaN. */
    private boolean legacy() {
      int times = 0;
      int tzSign = 0;
      int tzHour = NONE;
      int tzMinute = NONE;
      while (pos < s.length()) {
        char c = s.charAt(pos);
        if (isDigit(c)) {
          int n = (int) numeral()[0];
          if (skip(':')) {
            if (skip(':')) {
              if (times != 0) return false;
              time[times++] = n;
              time[times++] = 0;
            } else {
              if (times == 4) return false;
              time[times++] = n;
              skip('.');
            }
          } else if (skip('.') && expecting(times, n)) {
            if (times == 3) return false; // no place left for the milliseconds
            time[times++] = n;
            int start = pos;
            long[] ms = numeral();
            if (ms == null) return false;
            time[times++] = milliseconds(ms[0], pos - start);
            times = 4;
          } else if (tzHour != NONE && tzMinute == NONE && n <= 59) {
            tzMinute = n;
          } else if (expecting(times, n)) {
            time[times] = n;
            times = 4;
            // a time ends at the end, a space, Z or a sign
            if (pos < s.length() && !(s.charAt(pos) == ' ' || s.charAt(pos) == '+' || s.charAt(pos) == '-' || isZone(pos))) return false;
          } else {
            if (days == 3) return false;
            day[days++] = n;
            skip('-');
          }
        } else if (Character.isLetter(c)) {
          boolean zone = isZone(pos);
          while (pos < s.length() && Character.isLetter(s.charAt(pos))) pos++;
          // after a number a word is garbage unless it names a zone (T and Z are the only letters here)
          if (!zone) return false;
          tzSign = 1;
          tzHour = 0;
          tzMinute = 0;
        } else if ((c == '+' || c == '-') && ((tzHour == 0 && tzMinute == 0) || times > 0)) {
          pos++;
          tzSign = c == '+' ? 1 : -1;
          int start = pos;
          long[] number = numeral();
          int n = number == null ? 0 : (int) number[0];
          int length = pos - start;
          if (pos < s.length() && s.charAt(pos) == ':') {
            tzHour = n;
            tzMinute = NONE;
          } else if (length == 1 || length == 2) {
            tzHour = n;
            tzMinute = 0;
          } else if (length == 3 || length == 4) {
            tzHour = n / 100;
            tzMinute = n % 100;
          } else {
            return false;
          }
        } else if (c == '+' || c == '-' || c == ')') {
          return false;
        } else {
          pos++;
        }
      }
      boolean h24 = time[0] == 24 && time[1] == 0 && time[2] == 0 && time[3] == 0;
      if (!h24 && (time[0] > 23 || time[1] > 59 || time[2] > 59 || time[3] > 999)) return false;
      if (tzSign != 0) offsetSeconds = tzSign * ((tzHour == NONE ? 0 : tzHour) * 3600 + (tzMinute == NONE ? 0 : tzMinute) * 60);
      return true;
    }

    /** Whether the older parser would take {@code n} as the next part of a time of {@code times} parts. */
    private static boolean expecting(int times, int n) {
      return (times == 1 && n <= 59) || (times == 2 && n <= 59) || (times == 3 && n <= 999);
    }

    /** Whether a word {@code Z} starts at {@code i}. */
    private boolean isZone(int i) {
      return i < s.length() && (s.charAt(i) == 'Z' || s.charAt(i) == 'z') && !letterAt(i + 1);
    }

    private double value() {
      int year;
      int month;
      int d;
      while (days < 3) day[days++] = 1;
      if (isoDate || day[0] < 1 || day[0] > 31) {
        year = day[0];
        month = day[1];
        d = day[2];
      } else {
        month = day[0];
        d = day[1];
        year = day[2];
      }
      if (!isoDate) {
        if (year >= 0 && year <= 49) year += 2000;
        else if (year >= 50 && year <= 99) year += 1900;
      }
      if (month < 1 || month > 12 || d < 1 || d > 31) return NAN;
      // an hour of 24 (only ever 24:00:00.000) is the next day's midnight
      long epochDay = LocalDate.of(year, month, 1).toEpochDay() + d - 1;
      double ms = epochDay * 86_400_000.0 + time[0] * 3_600_000.0 + time[1] * 60_000.0 + time[2] * 1000.0 + time[3];
      ms -= offsetSeconds * 1000.0;
      return Math.abs(ms) > 8.64e15 ? NAN : ms;
    }

    /** A number of exactly {@code width} digits, or -1 (the position is then unchanged). */
    private int fixed(int width) {
      int start = pos;
      long[] number = numeral();
      if (number == null) return -1;
      if (pos - start != width) {
        pos = start;
        return -1;
      }
      return (int) number[0];
    }

    /** V8's number token: its digits' value to nine significant digits, or null when none is here. */
    private long[] numeral() {
      if (pos >= s.length() || !isDigit(s.charAt(pos))) return null;
      long n = 0;
      int significant = 0;
      while (pos < s.length() && s.charAt(pos) == '0') pos++;
      while (pos < s.length() && isDigit(s.charAt(pos))) {
        if (significant < 9) n = n * 10 + (s.charAt(pos) - '0');
        significant++;
        pos++;
      }
      return new long[] {n};
    }

    /** V8's milliseconds: the first three digits, by the number's value and its length. */
    private static int milliseconds(long n, int length) {
      if (length == 1) return (int) n * 100;
      if (length == 2) return (int) n * 10;
      if (length == 3) return (int) n;
      int l = Math.min(length, 9);
      long factor = 1;
      while (l > 3) {
        factor *= 10;
        l--;
      }
      return (int) (n / factor);
    }

    private boolean skip(char c) {
      if (pos < s.length() && s.charAt(pos) == c) {
        pos++;
        return true;
      }
      return false;
    }

    private boolean letterAt(int i) {
      return i < s.length() && Character.isLetter(s.charAt(i));
    }

    private static boolean isDigit(char c) {
      return c >= '0' && c <= '9';
    }
  }
}
