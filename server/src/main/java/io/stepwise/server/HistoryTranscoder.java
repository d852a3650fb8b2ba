package io.stepwise.server;

import com.fasterxml.jackson.core.io.NumberOutput;
import io.stepwise.api.sfn.Shapes;
import io.stepwise.engine.execution.ExecutionEntity;
import io.stepwise.persistence.journal.EventCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@code history export}'s fast way: the history events of an execution's journal written as
 * JSON straight from their stored form (CBOR, as Pekko's {@code jackson-cbor} serializer writes
 * the engine's events), byte by byte, without building the events, their history or their
 * positions, nor any string. It takes only the plain case — an execution started, then stepped,
 * every event read, no snapshot, every stored item one it knows how Jackson would print — and
 * answers false for anything else, which the caller then exports the general way
 * ({@link io.stepwise.engine.execution.ExecutionHistory#rebuild}, rendered by Jackson's UTF-8 JSON
 * generator). Both give the same bytes (HistoryTranscoderTest compares them), so this writes JSON
 * as that generator does by default: no spaces; in strings and names {@code "} and {@code \}
 * escaped, {@code \n \t \r \b \f} by letter, other control characters and every UTF-16 surrogate
 * (characters beyond the BMP, as their two halves) as {@code \}{@code uXXXX} in capitals, anything
 * else as its UTF-8; numbers as Java prints them.
 */
final class HistoryTranscoder {
  private static final String STARTED = ExecutionEntity.Started.class.getName();
  private static final String STEPPED = ExecutionEntity.Stepped.class.getName();

  private HistoryTranscoder() {}

  /**
   * Writes the history of {@code events} (an execution's journal from its first event) to
   * {@code out}: each event as {@link Shapes#historyEvent} makes it, with {@code executionArn}
   * first when it is not null; a newline after each when {@code lines}, else a comma between them
   * (the members of an array). False, having written something or not, if the events are not of the
   * plain case.
   */
  static boolean write(List<EventCodec.Opened> events, Out out, String executionArn, boolean lines) {
    try {
      if (events.isEmpty() || !type(events.get(0)).equals(STARTED) || !new Cbor(events.get(0).payload()).started()) {
        return false;
      }
      Timestamps timestamps = new Timestamps();
      // what each event starts with after its brace: the execution's ARN member, written once
      byte[] arnMember = null;
      if (executionArn != null) {
        Out member = new Out(32 + 6 * executionArn.length());
        member.raw("\"executionArn\":");
        member.string(executionArn);
        member.raw(',');
        arnMember = member.toByteArray();
      }
      boolean first = true;
      for (int i = 1; i < events.size(); i++) {
        EventCodec.Opened e = events.get(i);
        if (!type(e).equals(STEPPED)) return false;
        first = new Cbor(e.payload()).step(out, arnMember, lines, timestamps, first);
      }
      return true;
    } catch (NotPlain | RuntimeException e) {
      return false; // not a form this copies (or cut short): the general way reads it, and reports what is wrong
    }
  }

  /** The class name in a serializer manifest (which may carry a {@code #version}). */
  private static String type(EventCodec.Opened e) {
    String m = e.type().manifest();
    int hash = m.indexOf('#');
    return hash < 0 ? m : m.substring(0, hash);
  }

  /**
   * Timestamps as history events show them, the last one's stored text remembered: the events of
   * one step, and often of several, share their instant.
   */
  static final class Timestamps {
    private byte[] stored = new byte[0];
    private String shown;

    /** The stored (ISO-8601, UTF-8) text as the JSON number {@link Shapes#timestampNode} writes. */
    String shown(String timestamp) {
      byte[] bytes = timestamp.getBytes(StandardCharsets.UTF_8);
      return shown(bytes, 0, bytes.length);
    }

    String shown(byte[] in, int from, int length) {
      if (shown == null || !Arrays.equals(in, from, from + length, stored, 0, stored.length)) {
        String timestamp = new String(in, from, length, StandardCharsets.UTF_8);
        // the node's text, as its serialization writes it (BigDecimal's toString, not plain)
        shown = Shapes.timestampNode(io.stepwise.engine.Instants.parse(timestamp)).asText();
        stored = Arrays.copyOfRange(in, from, from + length);
      }
      return shown;
    }
  }

  /** A stored item this does not copy: the history goes the general way. */
  static final class NotPlain extends Exception {
    NotPlain() {
      super("not a plain history", null, false, false);
    }
  }

  private static final NotPlain NOT_PLAIN = new NotPlain();

  private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);

  /** For each ASCII character: 0 written as it is, a letter written after a backslash, -1 as a {@code \}{@code u00XX}. */
  private static final byte[] ESCAPES = new byte[128];

  static {
    for (int c = 0; c < 0x20; c++) ESCAPES[c] = -1;
    ESCAPES['\n'] = 'n';
    ESCAPES['\t'] = 't';
    ESCAPES['\r'] = 'r';
    ESCAPES['\b'] = 'b';
    ESCAPES['\f'] = 'f';
    ESCAPES['"'] = '"';
    ESCAPES['\\'] = '\\';
  }

  /** JSON being written, as UTF-8 bytes. */
  static final class Out {
    private byte[] buf;
    private int len;

    Out(int capacity) {
      buf = new byte[Math.max(64, capacity)];
    }

    private void ensure(int n) {
      if (len + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }

    void raw(char ascii) {
      ensure(1);
      buf[len++] = (byte) ascii;
    }

    /** JSON already written. */
    void raw(byte[] json) {
      ensure(json.length);
      System.arraycopy(json, 0, buf, len, json.length);
      len += json.length;
    }

    /** ASCII text as it is (punctuation, names that need no escape, numbers). */
    void raw(String ascii) {
      int n = ascii.length();
      ensure(n);
      for (int i = 0; i < n; i++) buf[len++] = (byte) ascii.charAt(i);
    }

    void number(long v) {
      raw(Long.toString(v));
    }

    /** A JSON string of {@code s}, escaped as Jackson's UTF-8 generator escapes it. */
    void string(String s) {
      int n = s.length();
      ensure(2 + 6 * n);
      byte[] b = buf;
      int at = len;
      b[at++] = '"';
      for (int i = 0; i < n; i++) {
        char c = s.charAt(i);
        if (c < 0x80) {
          at = ascii(b, at, c);
        } else if (c < 0x800) {
          b[at++] = (byte) (0xC0 | (c >> 6));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        } else if (c >= 0xD800 && c <= 0xDFFF) {
          at = unicodeEscape(b, at, c);
        } else {
          b[at++] = (byte) (0xE0 | (c >> 12));
          b[at++] = (byte) (0x80 | ((c >> 6) & 0x3F));
          b[at++] = (byte) (0x80 | (c & 0x3F));
        }
      }
      b[at++] = '"';
      len = at;
    }

    /** A JSON string of the well-formed UTF-8 text {@code in[from, from + n)}, escaped as {@link #string}. */
    void utf8String(byte[] in, int from, int n) throws NotPlain {
      boolean long_ = n >= SEEN_FROM;
      if (long_ && n == seenLength && Arrays.equals(in, from, from + n, seenText, 0, n)) {
        ensure(seenJsonLength);
        System.arraycopy(seenJson, 0, buf, len, seenJsonLength);
        len += seenJsonLength;
        return;
      }
      int start = len;
      escape(in, from, n);
      if (long_) see(in, from, n, start);
    }

    // A state's data passes from event to event unchanged (a state's input is often the one before's
    // output): the last long string and its JSON are kept, and copied again when the text recurs,
    // within one execution (reset() forgets it).
    private static final int SEEN_FROM = 64;
    private byte[] seenText = new byte[0];
    private int seenLength = -1;
    private byte[] seenJson = new byte[0];
    private int seenJsonLength;

    private void see(byte[] in, int from, int n, int start) {
      int written = len - start;
      if (seenText.length < n) seenText = new byte[Math.max(n, 2 * seenText.length)];
      if (seenJson.length < written) seenJson = new byte[Math.max(written, 2 * seenJson.length)];
      System.arraycopy(in, from, seenText, 0, n);
      System.arraycopy(buf, start, seenJson, 0, written);
      seenLength = n;
      seenJsonLength = written;
    }

    private void escape(byte[] in, int from, int n) throws NotPlain {
      ensure(2 + 6 * n); // the most a byte becomes (a four-byte character becomes twelve)
      byte[] b = buf;
      int at = len;
      b[at++] = '"';
      int end = from + n;
      for (int i = from; i < end; ) {
        int c = in[i];
        if (c >= 0) {
          // ASCII, byte by byte: state data is JSON text, its runs between quotes short (a copy a
          // run cost more than it saved)
          at = ascii(b, at, c);
          i++;
          continue;
        }
        c &= 0xFF;
        if (c < 0xC2) {
          throw NOT_PLAIN; // a continuation byte, or an overlong lead
        } else if (c < 0xE0) {
          if (i + 1 >= end || !continuation(in[i + 1])) throw NOT_PLAIN;
          b[at++] = in[i];
          b[at++] = in[i + 1];
          i += 2;
        } else if (c < 0xF0) {
          if (i + 2 >= end || !continuation(in[i + 1]) || !continuation(in[i + 2])) throw NOT_PLAIN;
          int c1 = in[i + 1] & 0xFF;
          // overlong, or a surrogate encoded on its own: not what Jackson writes
          if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 >= 0xA0)) throw NOT_PLAIN;
          b[at++] = in[i];
          b[at++] = in[i + 1];
          b[at++] = in[i + 2];
          i += 3;
        } else if (c < 0xF5) {
          if (i + 3 >= end || !continuation(in[i + 1]) || !continuation(in[i + 2]) || !continuation(in[i + 3])) {
            throw NOT_PLAIN;
          }
          int cp = ((c & 0x07) << 18) | ((in[i + 1] & 0x3F) << 12) | ((in[i + 2] & 0x3F) << 6) | (in[i + 3] & 0x3F);
          if (cp < 0x10000 || cp > 0x10FFFF) throw NOT_PLAIN;
          at = unicodeEscape(b, at, (char) (0xD800 + ((cp - 0x10000) >> 10)));
          at = unicodeEscape(b, at, (char) (0xDC00 + ((cp - 0x10000) & 0x3FF)));
          i += 4;
        } else {
          throw NOT_PLAIN;
        }
      }
      b[at++] = '"';
      len = at;
    }

    private static boolean continuation(byte b) {
      return (b & 0xC0) == 0x80;
    }

    private static int ascii(byte[] b, int at, int c) {
      int e = ESCAPES[c];
      if (e == 0) {
        b[at++] = (byte) c;
      } else if (e > 0) {
        b[at++] = '\\';
        b[at++] = (byte) e;
      } else {
        at = unicodeEscape(b, at, (char) c);
      }
      return at;
    }

    private static int unicodeEscape(byte[] b, int at, char c) {
      b[at++] = '\\';
      b[at++] = 'u';
      b[at++] = HEX[(c >> 12) & 0xF];
      b[at++] = HEX[(c >> 8) & 0xF];
      b[at++] = HEX[(c >> 4) & 0xF];
      b[at++] = HEX[c & 0xF];
      return at;
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }

    void writeTo(java.io.OutputStream to) throws java.io.IOException {
      to.write(buf, 0, len);
    }

    /** Empty again, for the next execution: the buffer is kept (unless it grew past {@code keep} bytes). */
    Out reset(int keep) {
      if (buf.length > keep) buf = new byte[Math.min(keep, 16 << 10)];
      if (seenText.length > keep) seenText = new byte[0];
      if (seenJson.length > keep) seenJson = new byte[0];
      seenLength = -1;
      len = 0;
      return this;
    }
  }

  private static final byte[] ID = ascii("id");
  private static final byte[] PREVIOUS_EVENT_ID = ascii("previousEventId");
  private static final byte[] TIMESTAMP = ascii("timestamp");
  private static final byte[] TYPE = ascii("type");
  private static final byte[] DETAILS = ascii("details");
  private static final byte[] EVENTS = ascii("events");
  private static final byte[] INFO = ascii("info");

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static final int UNSIGNED = 0;
  private static final int NEGATIVE = 1;
  private static final int BYTES = 2;
  private static final int TEXT = 3;
  private static final int ARRAY = 4;
  private static final int MAP = 5;
  private static final int TAG = 6;
  private static final int SIMPLE = 7;
  /** The argument of an indefinite-length head. */
  private static final long INDEFINITE = -1;
  /** Jackson's default limit on nesting (StreamReadConstraints): what the general way reads. */
  private static final int MAX_DEPTH = 1000;

  /** One CBOR item as JSON, as {@link #write} copies the items of an event's details (for tests). */
  static byte[] json(byte[] cbor) throws NotPlain {
    Cbor c = new Cbor(cbor);
    Out out = new Out(cbor.length * 2);
    c.head();
    c.value(out);
    return out.toByteArray();
  }

  /** Where skipping the CBOR item at the start of {@code cbor} ends, as events' other members are skipped (for tests). */
  static int skip(byte[] cbor) throws NotPlain {
    Cbor c = new Cbor(cbor);
    c.head();
    c.skipRest();
    return c.pos;
  }

  /** One stored event's CBOR, read from its start. */
  private static final class Cbor {
    private final byte[] in;
    private int pos;
    /** The last head read: its major type and its argument (a length, a count, a value, a float's bits). */
    private int major;
    private int info;
    private long arg;
    /** Arrays and maps open around the item being read. */
    private int depth;

    Cbor(byte[] in) {
      this.in = in;
    }

    /** Reads an item's head; a break ({@code 0xFF}) is major {@link #SIMPLE} with info 31. */
    private void head() throws NotPlain {
      int b = in[pos++] & 0xFF;
      major = b >>> 5;
      info = b & 31;
      if (info < 24) {
        arg = info;
      } else if (info == 24) {
        arg = in[pos++] & 0xFF;
      } else if (info == 25) {
        arg = ((in[pos] & 0xFF) << 8) | (in[pos + 1] & 0xFF);
        pos += 2;
      } else if (info == 26) {
        arg = ((long) (in[pos] & 0xFF) << 24) | ((in[pos + 1] & 0xFF) << 16) | ((in[pos + 2] & 0xFF) << 8)
            | (in[pos + 3] & 0xFF);
        pos += 4;
      } else if (info == 27) {
        long v = 0;
        for (int i = 0; i < 8; i++) v = (v << 8) | (in[pos + i] & 0xFF);
        pos += 8;
        arg = v;
      } else if (info == 31 && major >= BYTES && major != TAG) {
        arg = INDEFINITE;
      } else {
        throw NOT_PLAIN;
      }
      // a length or a count the bytes left cannot hold (each item takes one at least)
      if (major >= BYTES && major <= MAP && arg != INDEFINITE && (arg < 0 || arg > in.length - pos)) throw NOT_PLAIN;
    }

    private boolean isBreak() {
      return major == SIMPLE && info == 31;
    }

    /** Whether the next item is the break that ends an indefinite-length array or map (consumed if so). */
    private boolean atBreak() {
      if ((in[pos] & 0xFF) != 0xFF) return false;
      pos++;
      return true;
    }

    /** Reads a map key: definite text; leaves {@code pos} on it and {@code arg} its length. */
    private void key() throws NotPlain {
      head();
      if (major != TEXT || arg == INDEFINITE) throw NOT_PLAIN;
    }

    private boolean keyIs(byte[] name) {
      return arg == name.length && Arrays.equals(in, pos, pos + name.length, name, 0, name.length);
    }

    /** Whether a start event names its execution (the general way refuses one that does not). */
    boolean started() throws NotPlain {
      head();
      if (major != MAP) return false;
      for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
        key();
        boolean named = keyIs(INFO);
        pos += (int) arg;
        head();
        if (named) return major == MAP;
        skipRest();
      }
      return false;
    }

    /**
     * Writes a step's history events (its {@code events} member); what follows them (the position,
     * the result) the history does not show and is not read. Returns whether the next event is
     * still the first.
     */
    boolean step(Out out, byte[] arnMember, boolean lines, Timestamps timestamps, boolean first) throws NotPlain {
      head();
      if (major != MAP) throw NOT_PLAIN;
      for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
        key();
        boolean events = keyIs(EVENTS);
        pos += (int) arg;
        head();
        if (!events) {
          skipRest();
          continue;
        }
        // a step without its events list is one the general way cannot read: it reports it
        if (major != ARRAY) throw NOT_PLAIN;
        for (long e = arg; e == INDEFINITE ? !atBreak() : e-- > 0; ) {
          if (!first && !lines) out.raw(',');
          event(out, arnMember, lines, timestamps);
          first = false;
        }
        return first;
      }
      throw NOT_PLAIN;
    }

    /** One history event, its head next. */
    private void event(Out out, byte[] arnMember, boolean lines, Timestamps timestamps) throws NotPlain {
      head();
      if (major != MAP) throw NOT_PLAIN;
      long id = 0;
      long previous = 0;
      int timestampAt = 0;
      int timestampLength = 0;
      int typeAt = 0;
      int typeLength = 0;
      int detailsAt = 0;
      int seen = 0;
      for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
        key();
        int field = keyIs(ID) ? 1 : keyIs(PREVIOUS_EVENT_ID) ? 2 : keyIs(TIMESTAMP) ? 4 : keyIs(TYPE) ? 8
            : keyIs(DETAILS) ? 16 : 0;
        pos += (int) arg;
        if ((seen & field) != 0) throw NOT_PLAIN; // a member twice
        seen |= field;
        int at = pos;
        head();
        switch (field) {
          case 1, 2 -> {
            long v = integer();
            if (field == 1) id = v;
            else previous = v;
          }
          case 4, 8 -> {
            if (major != TEXT || arg == INDEFINITE) throw NOT_PLAIN;
            if (field == 4) {
              timestampAt = pos;
              timestampLength = (int) arg;
            } else {
              typeAt = pos;
              typeLength = (int) arg;
            }
            pos += (int) arg;
          }
          case 16 -> {
            if (major != MAP) throw NOT_PLAIN;
            detailsAt = at;
            skipRest();
          }
          default -> skipRest();
        }
      }
      if (seen != 31) throw NOT_PLAIN;
      int end = pos;
      out.raw('{');
      if (arnMember != null) out.raw(arnMember);
      out.raw("\"timestamp\":");
      out.raw(timestamps.shown(in, timestampAt, timestampLength));
      out.raw(",\"type\":");
      out.utf8String(in, typeAt, typeLength);
      out.raw(",\"id\":");
      out.number(id);
      out.raw(",\"previousEventId\":");
      out.number(previous);
      pos = detailsAt;
      head();
      for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
        out.raw(',');
        member(out);
      }
      out.raw('}');
      if (lines) out.raw('\n');
      pos = end;
    }

    /** The integer whose head was just read. */
    private long integer() throws NotPlain {
      if (arg < 0 || (major != UNSIGNED && major != NEGATIVE)) throw NOT_PLAIN; // beyond a long
      return major == UNSIGNED ? arg : -1 - arg;
    }

    /** A map's member, its key's head next: {@code "name":value}. */
    private void member(Out out) throws NotPlain {
      key();
      out.utf8String(in, pos, (int) arg);
      pos += (int) arg;
      out.raw(':');
      head();
      value(out);
    }

    /** The item whose head was just read, as JSON. */
    private void value(Out out) throws NotPlain {
      switch (major) {
        case UNSIGNED, NEGATIVE -> out.number(integer());
        case TEXT -> {
          if (arg == INDEFINITE) throw NOT_PLAIN;
          out.utf8String(in, pos, (int) arg);
          pos += (int) arg;
        }
        case ARRAY -> {
          enter();
          out.raw('[');
          boolean first = true;
          for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
            if (!first) out.raw(',');
            first = false;
            head();
            value(out);
          }
          out.raw(']');
          depth--;
        }
        case MAP -> {
          enter();
          out.raw('{');
          boolean first = true;
          for (long n = arg; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
            if (!first) out.raw(',');
            first = false;
            member(out);
          }
          out.raw('}');
          depth--;
        }
        case SIMPLE -> {
          if (info == 20) out.raw("false");
          else if (info == 21) out.raw("true");
          else if (info == 22) out.raw("null");
          else if (info == 27) {
            double d = Double.longBitsToDouble(arg);
            if (!Double.isFinite(d)) throw NOT_PLAIN;
            out.raw(NumberOutput.toString(d, false)); // as Jackson's generator writes a double
          } else {
            throw NOT_PLAIN; // undefined, half and single floats, a break out of place, other simple values
          }
        }
        // byte strings; tags (big decimals, big integers): the general way reads them into a tree
        default -> throw NOT_PLAIN;
      }
    }

    /**
     * One more array or map open: deeper than Jackson reads (its default nesting limit), the
     * general way refuses it, and so does this (rather than its stack).
     */
    private void enter() throws NotPlain {
      if (++depth > MAX_DEPTH) throw NOT_PLAIN;
    }

    /** Skips the rest of the item whose head was just read. */
    private void skipRest() throws NotPlain {
      switch (major) {
        case BYTES, TEXT -> {
          if (arg != INDEFINITE) {
            pos += (int) arg;
            return;
          }
          // chunks: definite strings of the same kind, up to the break
          int kind = major;
          for (head(); !isBreak(); head()) {
            if (major != kind || arg == INDEFINITE) throw NOT_PLAIN;
            pos += (int) arg;
          }
        }
        case ARRAY, MAP -> {
          enter();
          long items = major == MAP && arg != INDEFINITE ? 2 * arg : arg;
          for (long n = items; n == INDEFINITE ? !atBreak() : n-- > 0; ) {
            head();
            skipRest();
          }
          depth--;
        }
        case TAG -> {
          enter();
          head();
          skipRest();
          depth--;
        }
        default -> {
          if (isBreak()) throw NOT_PLAIN;
        }
      }
    }
  }
}
