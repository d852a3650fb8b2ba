package io.stepwise.loadtests.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpResponseParserTest {
  @Test
  void contentLengthResponses_arrivingByteByByte_comeOutWhole() throws Exception {
    String wire = "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\n{}HTTP/1.1 400 Bad Request\r\nContent-Length: 3\r\n\r\nabc";
    HttpResponseParser p = new HttpResponseParser();
    StringBuilder seen = new StringBuilder();
    for (byte b : wire.getBytes(StandardCharsets.US_ASCII)) {
      p.feed(new byte[] {b}, 0, 1);
      HttpResponseParser.Response r;
      while ((r = p.poll()) != null) {
        seen.append(r.status()).append(':').append(r.bodyText()).append(';');
      }
    }
    assertThat(seen).hasToString("200:{};400:abc;");
  }

  @Test
  void chunkedResponse_isReassembled_andConnectionCloseNoticed() throws Exception {
    String wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        + "3\r\n{\"a\r\n4;ext=1\r\n\":1}\r\n0\r\n\r\n";
    HttpResponseParser p = new HttpResponseParser();
    byte[] bytes = wire.getBytes(StandardCharsets.US_ASCII);
    p.feed(bytes, 0, 60);
    assertThat(p.poll()).isNull();
    p.feed(bytes, 60, bytes.length - 60);
    HttpResponseParser.Response r = p.poll();
    assertThat(r.bodyText()).isEqualTo("{\"a\":1}");
    assertThat(r.close()).isTrue();
    assertThat(p.partial()).isFalse();
  }
}
