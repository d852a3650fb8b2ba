package io.stepwise.loadtests.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * One keep-alive connection for the few calls that are not the load itself (create a machine,
 * page through a listing): request, wait, response. Reconnects once if the server had closed it.
 */
public final class BlockingClient implements AutoCloseable {
  private final InetSocketAddress address;
  private final AwsJsonRequests requests;
  private final byte[] readBuf = new byte[64 * 1024];
  private Socket socket;
  private HttpResponseParser parser;

  public BlockingClient(InetSocketAddress address, AwsJsonRequests requests) {
    this.address = address;
    this.requests = requests;
  }

  /** Sends {@code action} with {@code jsonBody}; returns the response, whatever its status. */
  public HttpResponseParser.Response call(String action, String jsonBody) throws IOException {
    byte[] request = requests.encode(action, jsonBody);
    try {
      return exchange(request);
    } catch (IOException e) {
      close();
      return exchange(request);
    }
  }

  /** Like {@link #call} but a status other than 200 is an exception carrying the error body. */
  public String callOk(String action, String jsonBody) throws IOException {
    HttpResponseParser.Response r = call(action, jsonBody);
    if (r.status() != 200) {
      throw new IOException(action + " answered " + r.status() + ": " + r.bodyText());
    }
    return r.bodyText();
  }

  private HttpResponseParser.Response exchange(byte[] request) throws IOException {
    if (socket == null) {
      socket = new Socket();
      socket.setTcpNoDelay(true);
      socket.connect(address, 5_000);
      socket.setSoTimeout(120_000);
      parser = new HttpResponseParser();
    }
    OutputStream out = socket.getOutputStream();
    out.write(request);
    out.flush();
    InputStream in = socket.getInputStream();
    while (true) {
      HttpResponseParser.Response r = parser.poll();
      if (r != null) {
        if (r.close()) {
          close();
        }
        return r;
      }
      int n = in.read(readBuf);
      if (n < 0) {
        throw new IOException("connection closed before a complete response");
      }
      parser.feed(readBuf, 0, n);
    }
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Closing a dead socket: nothing to recover.
      }
      socket = null;
    }
  }
}
