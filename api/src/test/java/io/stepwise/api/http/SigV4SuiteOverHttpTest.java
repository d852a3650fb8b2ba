package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The four published SigV4 test-suite requests sent byte for byte over a socket to a live server
 * whose clock is the suite's signing time: Pekko's header model must give back exactly what was
 * signed (Host, Content-Type, the raw query). None of them names an operation, so getting past
 * authentication shows as UnknownOperationException (POST /) or a 405 (GET /).
 */
class SigV4SuiteOverHttpTest {
  static ToyServer server;

  @BeforeAll
  static void start() throws Exception {
    server = ToyServer.start("sigv4-suite-test",
        new SigV4Verifier(
            CredentialStore.of(
                new Credential("AKIDEXAMPLE", SigV4VerifierTest.SECRET, "111122223333")),
            Clock.fixed(SigV4VerifierTest.SIGNED_AT, ZoneOffset.UTC)));
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  static String exchange(String requestHead, String body) throws Exception {
    try (Socket socket = new Socket("127.0.0.1", server.port)) {
      socket.setSoTimeout(30_000);
      OutputStream out = socket.getOutputStream();
      String head = requestHead + "Content-Length: " + body.length() + "\r\n"
          + "Connection: close\r\n\r\n";
      out.write((head + body).getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream response = new ByteArrayOutputStream();
      in.transferTo(response);
      return response.toString(StandardCharsets.UTF_8);
    }
  }

  static String auth(String signedHeaders, String signature) {
    return "Authorization: " + SigV4VerifierTest.authorization(signedHeaders, signature) + "\r\n";
  }

  @Test
  void getVanilla_authenticatedThenMethodNotAllowed() throws Exception {
    String response = exchange("GET / HTTP/1.1\r\nHost:example.amazonaws.com\r\n"
        + "X-Amz-Date:20150830T123600Z\r\n"
        + auth("host;x-amz-date",
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"), "");
    assertThat(response).startsWith("HTTP/1.1 405");
    assertThat(response).contains("x-amzn-ErrorType: UnknownOperationException");
  }

  @Test
  void postVanilla_authenticatedThenUnknownOperation() throws Exception {
    String response = exchange("POST / HTTP/1.1\r\nHost:example.amazonaws.com\r\n"
        + "X-Amz-Date:20150830T123600Z\r\n"
        + auth("host;x-amz-date",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"), "");
    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).contains("x-amzn-ErrorType: UnknownOperationException");
  }

  @Test
  void getVanillaQueryOrderKeyCase_authenticatedThenMethodNotAllowed() throws Exception {
    String response = exchange("GET /?Param2=value2&Param1=value1 HTTP/1.1\r\n"
        + "Host:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
        + auth("host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"), "");
    assertThat(response).startsWith("HTTP/1.1 405");
    assertThat(response).contains("x-amzn-ErrorType: UnknownOperationException");
  }

  @Test
  void postXWwwFormUrlencoded_authenticatedThenUnknownOperation() throws Exception {
    String response = exchange("POST / HTTP/1.1\r\n"
        + "Content-Type:application/x-www-form-urlencoded\r\n"
        + "Host:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
        + auth("content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"), "Param1=value1");
    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).contains("x-amzn-ErrorType: UnknownOperationException");
  }

  @Test
  void postXWwwFormUrlencoded_alteredBody_invalidSignature() throws Exception {
    String response = exchange("POST / HTTP/1.1\r\n"
        + "Content-Type:application/x-www-form-urlencoded\r\n"
        + "Host:example.amazonaws.com\r\nX-Amz-Date:20150830T123600Z\r\n"
        + auth("content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"), "Param1=value2");
    assertThat(response).startsWith("HTTP/1.1 400");
    assertThat(response).contains("x-amzn-ErrorType: InvalidSignatureException");
  }
}
