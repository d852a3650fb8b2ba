package io.stepwise.asl.jsonata;

import com.dashjoin.jsonata.JException;
import com.dashjoin.jsonata.Jsonata.Frame;
import java.util.List;

/**
 * The bounds AWS puts on one JSONata evaluation, watched at every step of it (dashjoin's timebox,
 * with a third bound):
 * <ul>
 *   <li>depth: at most 100 nested steps (a 100-term {@code 1+1+...} evaluates, 101 terms fail; 99
 *       nested brackets evaluate, 100 fail; floci#2737, #2783, measured);
 *   <li>time: {@link Jsonata#MAX_MILLIS};
 *   <li>memory: no value a step yields may be an array of more than 873,782 items or a string of
 *       more than 6,990,256 characters ({@code [1..873782]} evaluates and {@code [1..873783]} fails,
 *       so does {@code $sum([1..900000])}; a string of 2^22 characters evaluates, 2^23 fail;
 *       floci#2737, #2790, measured); {@code $range} gives at most 360,145 items ({@code $range(1,
 *       360146, 1)} fails, measured by floci's JSONata tests). AWS's own accounting is not
 *       published: these are its measured edges for arrays of numbers, strings and $range.
 * </ul>
 * A bound crossed ends the evaluation with a {@link Crossed} carrying AWS's words.
 */
public final class Bounds {
  static final int MAX_DEPTH = 100;
  static final int MAX_ITEMS = 873_782;
  static final int MAX_RANGE_ITEMS = 360_145;
  static final int MAX_CHARS = 6_990_256;
  static final String TOO_DEEP = "Stack overflow error: Check for non-terminating recursive function. Consider rewriting as tail-recursive.";
  static final String TOO_LONG = "Expression evaluation timeout: Check for infinite loop";
  static final String TOO_BIG = "Expression evaluation memory limit exceeded: Check for excessive memory usage";

  /**
   * The memory bound crossed, for the engine's own operators (a range whose items a double cannot
   * count past 2^53: jsonata-js's loop adding one never ends and its array grows without bound).
   */
  public static JException tooBig() {
    return new Crossed(TOO_BIG);
  }

  /**
   * {@code text} for a regular expression to read, watching the time bound as it is read: a match
   * that backtracks for longer is the evaluation timeout (jsonata-js's would run on until AWS stops
   * it), where the evaluation's own watch, between its steps, would never see it end.
   */
  public static CharSequence timed(String text) {
    return new Timed(text, System.currentTimeMillis() + Jsonata.MAX_MILLIS);
  }

  private static final class Timed implements CharSequence {
    private final String text;
    private final long deadline;
    private int reads;

    Timed(String text, long deadline) {
      this.text = text;
      this.deadline = deadline;
    }

    @Override
    public char charAt(int index) {
      if ((++reads & 0xFFFF) == 0 && System.currentTimeMillis() > deadline) throw new Crossed(TOO_LONG);
      return text.charAt(index);
    }

    @Override
    public int length() {
      return text.length();
    }

    @Override
    public CharSequence subSequence(int start, int end) {
      return text.substring(start, end);
    }

    @Override
    public String toString() {
      return text;
    }
  }

  /** The memory bound, for an array the engine's own operators would make {@code items} long. */
  public static void checkLength(long items) {
    if (items > MAX_ITEMS) throw tooBig();
  }

  /**
   * A bound crossed: AWS's words for it. A JException, so that dashjoin passes it on as it is
   * (it replaces other exceptions under {@code and}/{@code or} with its own).
   */
  static final class Crossed extends JException {
    final String words;

    Crossed(String words) {
      super(words, -1);
      this.words = words;
    }
  }

  private final long deadline;
  private int depth;

  private Bounds(long millis) {
    this.deadline = System.currentTimeMillis() + millis;
  }

  /** Watches every step of the evaluations run with {@code frame}. */
  static void watch(Frame frame, long millis) {
    Bounds b = new Bounds(millis);
    // every entry is paired with its exit (dashjoin's timebox skips steps of frames it marks as
    // parallel, and never unmarks them, so its count grew with each array built in a $map)
    frame.setEvaluateEntryCallback((expr, input, env) -> {
      if (++b.depth > MAX_DEPTH) throw new Crossed(TOO_DEEP);
      b.checkTime();
    });
    frame.setEvaluateExitCallback((expr, input, env, result) -> {
      b.depth--;
      checkSize(result);
      b.checkTime();
    });
  }

  /** The bound crossed somewhere in {@code e}'s causes (dashjoin wraps a comparator's errors), or null. */
  static Crossed in(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) if (t instanceof Crossed c) return c;
    return null;
  }

  /** Fails when {@code value} is larger than one step may yield. */
  static void checkSize(Object value) {
    if (value instanceof List<?> l && l.size() > MAX_ITEMS || value instanceof String s && s.length() > MAX_CHARS) {
      throw new Crossed(TOO_BIG);
    }
  }

  private void checkTime() {
    if (System.currentTimeMillis() > deadline) throw new Crossed(TOO_LONG);
  }
}
