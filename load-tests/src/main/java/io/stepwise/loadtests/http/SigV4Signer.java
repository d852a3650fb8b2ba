package io.stepwise.loadtests.http;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * AWS Signature V4 for AWS JSON 1.0 calls: {@code POST /} with exactly the headers this client
 * sends signed (content-type, host, x-amz-content-sha256, x-amz-date, x-amz-target). The signing
 * key is derived once per date, not per request, because four HMACs per request would be most of
 * the generator's CPU. Not thread-safe: one per driver thread.
 */
public final class SigV4Signer {
  public static final String CONTENT_TYPE = "application/x-amz-json-1.0";
  static final String SIGNED_HEADERS = "content-type;host;x-amz-content-sha256;x-amz-date;x-amz-target";
  private static final HexFormat HEX = HexFormat.of();
  private static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** What goes on the wire: the X-Amz-Date, X-Amz-Content-Sha256 and Authorization values. */
  public record Signature(String amzDate, String payloadHash, String authorization) {}

  private final String accessKey;
  private final String secretKey;
  private final String region;
  private final String service;
  private final String host;
  private final Mac mac;
  // Initialised with the day's signing key once: Mac.init per request costs as much as the HMAC.
  private final Mac signingMac;
  private final MessageDigest sha256;
  private String keyDate;
  private byte[] signingKey;
  private long amzDateSecond = Long.MIN_VALUE;
  private String amzDate;

  public SigV4Signer(String accessKey, String secretKey, String region, String service, String host) {
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.region = region;
    this.service = service;
    this.host = host;
    try {
      mac = Mac.getInstance("HmacSHA256");
      signingMac = Mac.getInstance("HmacSHA256");
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("JCA lacks SHA-256", e);
    }
  }

  public String host() {
    return host;
  }

  /** Signs one call to {@code target} (e.g. AWSStepFunctions.StartExecution) at {@code epochSecond}. */
  public Signature sign(String target, byte[] body, long epochSecond) {
    String date = amzDate(epochSecond);
    String day = date.substring(0, 8);
    String payloadHash = HEX.formatHex(sha256.digest(body));
    String canonical = "POST\n/\n\n"
        + "content-type:" + CONTENT_TYPE + "\n"
        + "host:" + host + "\n"
        + "x-amz-content-sha256:" + payloadHash + "\n"
        + "x-amz-date:" + date + "\n"
        + "x-amz-target:" + target + "\n"
        + "\n" + SIGNED_HEADERS + "\n" + payloadHash;
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String stringToSign = "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n"
        + HEX.formatHex(sha256.digest(canonical.getBytes(StandardCharsets.UTF_8)));
    signingKey(day);
    String signature = HEX.formatHex(signingMac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    return new Signature(date, payloadHash, "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope
        + ", SignedHeaders=" + SIGNED_HEADERS + ", Signature=" + signature);
  }

  /** kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"). */
  byte[] signingKey(String day) {
    if (!day.equals(keyDate)) {
      byte[] k = hmac(("AWS4" + secretKey).getBytes(StandardCharsets.UTF_8), day);
      k = hmac(k, region);
      k = hmac(k, service);
      signingKey = hmac(k, "aws4_request");
      keyDate = day;
      try {
        signingMac.init(new SecretKeySpec(signingKey, "HmacSHA256"));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    }
    return signingKey;
  }

  private String amzDate(long epochSecond) {
    if (epochSecond != amzDateSecond) {
      amzDate = AMZ_DATE.format(Instant.ofEpochSecond(epochSecond));
      amzDateSecond = epochSecond;
    }
    return amzDate;
  }

  private byte[] hmac(byte[] key, String data) {
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }
}
