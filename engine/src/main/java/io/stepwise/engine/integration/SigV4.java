package io.stepwise.engine.integration;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** AWS Signature Version 4 for the calls Stepwise forwards to other services' endpoints. */
final class SigV4 {
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private SigV4() {}

  /**
   * The headers to add to a request of {@code method} to {@code uri} with {@code body} and
   * {@code headers} (names as sent): {@code X-Amz-Date}, {@code X-Amz-Content-Sha256} and
   * {@code Authorization}, signing every header given plus host and those two.
   */
  static Map<String, String> sign(String method, URI uri, Map<String, String> headers, byte[] body, String service,
      String region, String accessKey, String secret, Instant at) {
    return signHashed(method, uri, headers, hex(sha256(body)), service, region, accessKey, secret, at);
  }

  /** As {@link #sign}, for a body known by its SHA-256 (hex): one streamed from a file, say. */
  static Map<String, String> signHashed(String method, URI uri, Map<String, String> headers, String payloadHash,
      String service, String region, String accessKey, String secret, Instant at) {
    String amzDate = STAMP.format(at);
    String day = amzDate.substring(0, 8);
    TreeMap<String, String> signed = new TreeMap<>();
    headers.forEach((k, v) -> signed.put(k.toLowerCase(Locale.ROOT), v.trim().replaceAll(" +", " ")));
    // the Host header as the JDK client sends it: without the scheme's default port
    boolean defaultPort = uri.getPort() < 0 || uri.getPort() == 80 && "http".equals(uri.getScheme())
        || uri.getPort() == 443 && "https".equals(uri.getScheme());
    String host = uri.getHost() + (defaultPort ? "" : ":" + uri.getPort());
    signed.put("host", host);
    signed.put("x-amz-date", amzDate);
    signed.put("x-amz-content-sha256", payloadHash);
    StringBuilder canonicalHeaders = new StringBuilder();
    signed.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v).append('\n'));
    String signedNames = String.join(";", signed.keySet());
    // every service but S3 signs the path as sent, URI-encoded once more (%3A becomes %253A, @ %40)
    // S3 signs the path as sent, encoded once
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/"
        : service.equals("s3") ? uri.getRawPath() : encodeKeepingSlashes(uri.getRawPath());
    String canonical = method + "\n" + path + "\n" + canonicalQuery(uri.getRawQuery()) + "\n" + canonicalHeaders
        + "\n" + signedNames + "\n" + payloadHash;
    String scope = day + "/" + region + "/" + service + "/aws4_request";
    String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n"
        + hex(sha256(canonical.getBytes(StandardCharsets.UTF_8)));
    byte[] key = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), day);
    key = hmac(key, region);
    key = hmac(key, service);
    key = hmac(key, "aws4_request");
    String signature = hex(hmac(key, toSign));
    return Map.of("X-Amz-Date", amzDate, "X-Amz-Content-Sha256", payloadHash, "Authorization",
        "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signedNames
            + ", Signature=" + signature);
  }

  /** RFC 3986 percent-encoding of every byte but unreserved characters and slashes. */
  private static String encodeKeepingSlashes(String path) {
    StringBuilder out = new StringBuilder();
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }

  /** The query's pairs sorted by name, then value (a name given twice keeps both pairs). */
  private static String canonicalQuery(String raw) {
    if (raw == null || raw.isEmpty()) return "";
    java.util.List<String[]> pairs = new java.util.ArrayList<>();
    for (String pair : raw.split("&")) {
      int eq = pair.indexOf('=');
      pairs.add(new String[] {eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1)});
    }
    pairs.sort(java.util.Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    StringBuilder out = new StringBuilder();
    for (String[] p : pairs) out.append(out.length() == 0 ? "" : "&").append(p[0]).append('=').append(p[1]);
    return out.toString();
  }

  /** The SHA-256 of a file's bytes (hex), read in turn. */
  static String sha256Hex(java.nio.file.Path file) throws java.io.IOException {
    try (var in = java.nio.file.Files.newInputStream(file)) {
      java.security.MessageDigest d = java.security.MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[1 << 16];
      for (int n; (n = in.read(buf)) > 0; ) d.update(buf, 0, n);
      return hex(d.digest());
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] sha256(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] hmac(byte[] key, String data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
