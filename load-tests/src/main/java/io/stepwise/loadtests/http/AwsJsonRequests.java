package io.stepwise.loadtests.http;

import java.nio.charset.StandardCharsets;

/**
 * Encodes signed AWS JSON 1.0 calls as raw HTTP/1.1 keep-alive request bytes. A call whose body
 * repeats (every StartSyncExecution of a run is the same) is signed and encoded once per second
 * through {@link Repeated}: within one second the signature cannot change, so re-signing would
 * only burn the generator's CPU. Not thread-safe: one per driver thread.
 */
public final class AwsJsonRequests {
  private final SigV4Signer signer;
  private final String targetPrefix;

  /** {@code targetPrefix} is the service's X-Amz-Target prefix, e.g. "AWSStepFunctions". */
  public AwsJsonRequests(SigV4Signer signer, String targetPrefix) {
    this.signer = signer;
    this.targetPrefix = targetPrefix;
  }

  /** The request bytes for {@code action} with {@code jsonBody}, signed now. */
  public byte[] encode(String action, String jsonBody) {
    return encode(action, jsonBody.getBytes(StandardCharsets.UTF_8), System.currentTimeMillis() / 1000);
  }

  byte[] encode(String action, byte[] body, long epochSecond) {
    String target = targetPrefix + "." + action;
    SigV4Signer.Signature s = signer.sign(target, body, epochSecond);
    String head = "POST / HTTP/1.1\r\n"
        + "Host: " + signer.host() + "\r\n"
        + "Content-Type: " + SigV4Signer.CONTENT_TYPE + "\r\n"
        + "X-Amz-Target: " + target + "\r\n"
        + "X-Amz-Date: " + s.amzDate() + "\r\n"
        + "X-Amz-Content-Sha256: " + s.payloadHash() + "\r\n"
        + "Authorization: " + s.authorization() + "\r\n"
        + "Content-Length: " + body.length + "\r\n"
        + "\r\n";
    byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
    byte[] out = new byte[headBytes.length + body.length];
    System.arraycopy(headBytes, 0, out, 0, headBytes.length);
    System.arraycopy(body, 0, out, headBytes.length, body.length);
    return out;
  }

  /** One call sent over and over: re-signed at most once per second. */
  public Repeated repeated(String action, String jsonBody) {
    return new Repeated(action, jsonBody.getBytes(StandardCharsets.UTF_8));
  }

  public final class Repeated {
    private final String action;
    private final byte[] body;
    private long second = Long.MIN_VALUE;
    private byte[] bytes;

    private Repeated(String action, byte[] body) {
      this.action = action;
      this.body = body;
    }

    public byte[] bytes() {
      long now = System.currentTimeMillis() / 1000;
      if (now != second) {
        bytes = encode(action, body, now);
        second = now;
      }
      return bytes;
    }
  }
}
