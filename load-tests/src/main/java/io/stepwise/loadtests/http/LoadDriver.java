package io.stepwise.loadtests.http;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * Keeps C keep-alive connections busy from one thread with one selector: each connection has one
 * request in flight, and as soon as its response is complete it sends the next. One thread and
 * epoll batching cost far less CPU per request than a thread blocked on every socket, and the
 * generator must leave the shared cores to the server it measures.
 */
public final class LoadDriver implements AutoCloseable {
  /** What the connections send; called on the driver thread only, so it needs no locking. */
  public interface Workload {
    /** The next request to send, or null when this connection has nothing more to send. */
    byte[] next();

    /** The response to a request sent {@code latencyNanos} ago. */
    void onResponse(HttpResponseParser.Response response, long latencyNanos);

    /**
     * What the workload wants to know again with the response to the request {@link #next} just
     * gave (e.g. which call it was); called right after {@code next()}.
     */
    default Object tag() {
      return null;
    }

    /** The response to the request tagged {@code tag}; by default {@link #onResponse(HttpResponseParser.Response, long)}. */
    default void onResponse(Object tag, HttpResponseParser.Response response, long latencyNanos) {
      onResponse(response, latencyNanos);
    }

    /** A request lost with its connection (reset, closed, timed out). */
    void onFailure(Exception e);
  }

  private static final class Connection {
    SocketChannel channel;
    SelectionKey key;
    HttpResponseParser parser;
    ByteBuffer pending;
    long sentAt;
    boolean busy;
    Object tag;
  }

  private final InetSocketAddress address;
  private final Selector selector;
  private final Connection[] connections;
  // One direct buffer for all reads: a heap buffer would be copied through a temporary direct one.
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(256 * 1024);

  public LoadDriver(InetSocketAddress address, int connections) throws IOException {
    this.address = address;
    this.selector = Selector.open();
    this.connections = new Connection[connections];
    for (int i = 0; i < connections; i++) {
      Connection c = new Connection();
      open(c);
      this.connections[i] = c;
    }
  }

  /**
   * Runs {@code workload} until no connection has anything more to send and every response is
   * in; a request still unanswered at {@code giveUpAtNanos} is reported as a failure.
   */
  public void run(Workload workload, long giveUpAtNanos) throws IOException {
    int busy = 0;
    for (Connection c : connections) {
      if (send(c, workload)) {
        busy++;
      }
    }
    while (busy > 0) {
      long left = giveUpAtNanos - System.nanoTime();
      if (left <= 0) {
        for (Connection c : connections) {
          if (c.busy) {
            c.busy = false;
            workload.onFailure(new IOException("no response before the run's deadline"));
            reopen(c);
          }
        }
        return;
      }
      selector.select(Math.max(1, Math.min(left / 1_000_000, 1_000)));
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        Connection c = (Connection) key.attachment();
        if (c.key != key || !c.busy) {
          continue; // a key of a connection replaced since the select
        }
        boolean free;
        try {
          if (key.isValid() && key.isWritable()) {
            flush(c);
          }
          free = key.isValid() && key.isReadable() && read(c, workload);
        } catch (IOException e) {
          workload.onFailure(e);
          reopen(c);
          free = true;
        }
        if (free && !send(c, workload)) {
          busy--;
        }
      }
    }
  }

  /** Reads what is there; true when a response completed (and the connection is free again). */
  private boolean read(Connection c, Workload workload) throws IOException {
    readBuffer.clear();
    int n = c.channel.read(readBuffer);
    if (n < 0) {
      throw new EOFException("server closed the connection");
    }
    readBuffer.flip();
    c.parser.feed(readBuffer);
    HttpResponseParser.Response r = c.parser.poll();
    if (r == null) {
      return false;
    }
    workload.onResponse(c.tag, r, System.nanoTime() - c.sentAt);
    if (r.close()) {
      reopen(c);
    }
    return true;
  }

  /** Sends the workload's next request on {@code c}; false when there is none (or no connection). */
  private boolean send(Connection c, Workload workload) {
    c.busy = false;
    if (c.channel == null) {
      return false;
    }
    byte[] request = workload.next();
    if (request == null) {
      return false;
    }
    c.busy = true;
    c.tag = workload.tag();
    c.pending = ByteBuffer.wrap(request);
    c.sentAt = System.nanoTime();
    try {
      flush(c);
    } catch (IOException e) {
      workload.onFailure(e);
      reopen(c);
      return send(c, workload);
    }
    return true;
  }

  private void flush(Connection c) throws IOException {
    c.channel.write(c.pending);
    c.key.interestOps(c.pending.hasRemaining()
        ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
  }

  private void open(Connection c) throws IOException {
    SocketChannel ch = SocketChannel.open();
    ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
    ch.connect(address);
    ch.configureBlocking(false);
    c.channel = ch;
    c.key = ch.register(selector, SelectionKey.OP_READ, c);
    c.parser = new HttpResponseParser();
  }

  /** Replaces a broken connection; if the server cannot be reached, the connection retires. */
  private void reopen(Connection c) {
    closeQuietly(c);
    try {
      open(c);
    } catch (IOException e) {
      c.channel = null;
    }
  }

  private static void closeQuietly(Connection c) {
    if (c.channel != null) {
      c.key.cancel();
      try {
        c.channel.close();
      } catch (IOException ignored) {
        // Already broken; it is being replaced.
      }
      c.channel = null;
    }
  }

  @Override
  public void close() throws IOException {
    for (Connection c : connections) {
      closeQuietly(c);
    }
    selector.close();
  }
}
