package io.stepwise.loadtests.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An incremental HTTP/1.1 response parser: feed it bytes as they arrive, poll for a complete
 * response. Bodies are framed by Content-Length or, just in case, Transfer-Encoding: chunked;
 * a response framed by neither is refused, since a keep-alive client cannot tell where it ends.
 */
public final class HttpResponseParser {
  /** A complete response; {@code close} when the server said it will close the connection. */
  public record Response(int status, byte[] body, boolean close) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private byte[] buf = new byte[16 * 1024];
  private int len;
  // Parsed head of the response in progress; headerEnd < 0 until the blank line has arrived.
  private int headerEnd = -1;
  private int status;
  private long contentLength;
  private boolean chunked;
  private boolean close;

  public void feed(ByteBuffer src) {
    ensure(src.remaining());
    int n = src.remaining();
    src.get(buf, len, n);
    len += n;
  }

  public void feed(byte[] src, int off, int n) {
    ensure(n);
    System.arraycopy(src, off, buf, len, n);
    len += n;
  }

  /** The next complete response, or null while more bytes are needed. */
  public Response poll() throws IOException {
    if (headerEnd < 0 && !parseHead()) {
      return null;
    }
    int bodyStart = headerEnd + 4;
    if (chunked) {
      return pollChunked(bodyStart);
    }
    if (len - bodyStart < contentLength) {
      return null;
    }
    byte[] body = Arrays.copyOfRange(buf, bodyStart, bodyStart + (int) contentLength);
    return complete(bodyStart + (int) contentLength, body);
  }

  /** True while a response has started arriving but is not complete. */
  public boolean partial() {
    return len > 0;
  }

  private boolean parseHead() throws IOException {
    int end = indexOf(buf, len, 0);
    if (end < 0) {
      if (len > 64 * 1024) {
        throw new IOException("response head over 64 KiB");
      }
      return false;
    }
    // Scanned in place rather than split: this runs for every response at tens of thousands a second.
    String head = new String(buf, 0, end, StandardCharsets.ISO_8859_1);
    int lineEnd = head.indexOf("\r\n");
    String statusLine = lineEnd < 0 ? head : head.substring(0, lineEnd);
    if (!statusLine.startsWith("HTTP/1.") || statusLine.length() < 12 || statusLine.charAt(8) != ' ') {
      throw new IOException("not an HTTP/1.x response: " + statusLine);
    }
    status = Integer.parseInt(statusLine, 9, 12, 10);
    contentLength = -1;
    chunked = false;
    close = statusLine.startsWith("HTTP/1.0");
    for (int pos = lineEnd + 2; lineEnd >= 0 && pos < head.length(); pos = lineEnd + 2) {
      lineEnd = head.indexOf("\r\n", pos);
      int stop = lineEnd < 0 ? head.length() : lineEnd;
      int colon = head.indexOf(':', pos);
      if (colon < 0 || colon > stop) {
        continue;
      }
      String value = head.substring(colon + 1, stop).trim();
      if (isHeader(head, pos, colon, "content-length")) {
        contentLength = Long.parseLong(value);
      } else if (isHeader(head, pos, colon, "transfer-encoding")) {
        chunked = value.toLowerCase().contains("chunked");
      } else if (isHeader(head, pos, colon, "connection")) {
        close = value.equalsIgnoreCase("close");
      }
    }
    if (!chunked && contentLength < 0) {
      if (status / 100 == 1 || status == 204 || status == 304) {
        contentLength = 0;
      } else {
        throw new IOException("response " + status + " has neither Content-Length nor chunked framing");
      }
    }
    headerEnd = end;
    return true;
  }

  private static boolean isHeader(String head, int start, int colon, String name) {
    return colon - start == name.length() && head.regionMatches(true, start, name, 0, name.length());
  }

  /** Decodes the chunks from the start each time: chunked bodies are rare here, simplicity wins. */
  private Response pollChunked(int pos) throws IOException {
    byte[] body = new byte[0];
    int bodyLen = 0;
    while (true) {
      int lineEnd = indexOfCrlf(pos);
      if (lineEnd < 0) {
        return null;
      }
      String sizeField = new String(buf, pos, lineEnd - pos, StandardCharsets.ISO_8859_1);
      int semicolon = sizeField.indexOf(';');
      int size = Integer.parseInt((semicolon < 0 ? sizeField : sizeField.substring(0, semicolon)).trim(), 16);
      pos = lineEnd + 2;
      if (size == 0) {
        // Trailers, if any, end with an empty line.
        while (true) {
          int end = indexOfCrlf(pos);
          if (end < 0) {
            return null;
          }
          boolean empty = end == pos;
          pos = end + 2;
          if (empty) {
            return complete(pos, Arrays.copyOf(body, bodyLen));
          }
        }
      }
      if (len - pos < size + 2) {
        return null;
      }
      if (bodyLen + size > body.length) {
        body = Arrays.copyOf(body, Math.max(bodyLen + size, body.length * 2));
      }
      System.arraycopy(buf, pos, body, bodyLen, size);
      bodyLen += size;
      pos += size + 2;
    }
  }

  private Response complete(int consumed, byte[] body) {
    Response r = new Response(status, body, close);
    System.arraycopy(buf, consumed, buf, 0, len - consumed);
    len -= consumed;
    headerEnd = -1;
    return r;
  }

  private int indexOfCrlf(int from) {
    for (int i = from; i + 1 < len; i++) {
      if (buf[i] == '\r' && buf[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private static int indexOf(byte[] b, int len, int from) {
    for (int i = from; i + 3 < len; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private void ensure(int more) {
    if (len + more > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(len + more, buf.length * 2));
    }
  }
}
