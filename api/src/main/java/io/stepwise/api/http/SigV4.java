package io.stepwise.api.http;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Signature Version 4 algorithm (AWS4-HMAC-SHA256) for non-S3 services: canonical request,
 * string to sign, signing key, signature. Pure functions; {@link SigV4Verifier} applies them.
 */
public final class SigV4 {
  public static final String ALGORITHM = "AWS4-HMAC-SHA256";
  public static final String EMPTY_PAYLOAD_SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final HexFormat HEX = HexFormat.of();
  private static final Pattern WHITESPACE_RUN = Pattern.compile("\\s+");
  // Looking up a JCA provider costs more than hashing a request; instances are not thread-safe.
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(() -> newInstance(() -> MessageDigest.getInstance("SHA-256")));
  private static final ThreadLocal<Mac> HMAC_SHA256 =
      ThreadLocal.withInitial(() -> newInstance(() -> Mac.getInstance("HmacSHA256")));

  private SigV4() {}

  /**
   * The canonical request: method, canonical URI, canonical query string, canonical headers,
   * signed headers and payload hash, one per line.
   */
  public static String canonicalRequest(
      SignableRequest request, List<String> signedHeaders, String payloadHash) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(request.method()).append('\n');
    sb.append(canonicalUri(request.rawPath())).append('\n');
    sb.append(canonicalQueryString(request.rawQuery())).append('\n');
    for (String name : signedHeaders) {
      sb.append(name).append(':').append(canonicalHeaderValue(request.headerValues(name)));
      sb.append('\n');
    }
    sb.append('\n');
    sb.append(String.join(";", signedHeaders)).append('\n');
    sb.append(payloadHash);
    return sb.toString();
  }

  /**
   * Non-S3 services normalize the path (dot segments) and then percent-encode the already
   * encoded path once more, keeping slashes; a trailing slash survives normalization.
   */
  static String canonicalUri(String rawPath) {
    if (rawPath.isEmpty() || rawPath.equals("/")) {
      return "/"; // every AWS JSON request: no need to normalize
    }
    String normalized;
    try {
      normalized = URI.create(rawPath).normalize().getRawPath();
    } catch (IllegalArgumentException e) {
      normalized = rawPath;
    }
    if (normalized == null || normalized.isEmpty()) {
      normalized = "/";
    }
    String encoded = uriEncode(normalized, false);
    if (!encoded.startsWith("/")) {
      encoded = "/" + encoded;
    }
    if (rawPath.endsWith("/") && !encoded.endsWith("/")) {
      encoded = encoded + "/";
    }
    return encoded;
  }

  /** Parameters decoded, re-encoded strictly, and sorted by name then value. */
  static String canonicalQueryString(String rawQuery) {
    if (rawQuery.isEmpty()) {
      return "";
    }
    List<String[]> params = new ArrayList<>();
    for (String part : rawQuery.split("&")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String name = eq < 0 ? part : part.substring(0, eq);
      String value = eq < 0 ? "" : part.substring(eq + 1);
      params.add(
          new String[] {
            uriEncode(percentDecode(name), true), uriEncode(percentDecode(value), true)
          });
    }
    params.sort(Comparator.<String[], String>comparing(p -> p[0]).thenComparing(p -> p[1]));
    return params.stream().map(p -> p[0] + "=" + p[1]).collect(Collectors.joining("&"));
  }

  /** Several headers of one name join with commas; each value trimmed, inner runs of spaces one. */
  static String canonicalHeaderValue(List<String> values) {
    if (values.size() == 1) {
      return trimAll(values.get(0));
    }
    return values.stream().map(SigV4::trimAll).collect(Collectors.joining(","));
  }

  private static String trimAll(String value) {
    String v = value.strip();
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      // only a space followed by a space, or another whitespace character, needs the regex
      if ((c == ' ' && i + 1 < v.length() && Character.isWhitespace(v.charAt(i + 1)))
          || (c != ' ' && Character.isWhitespace(c))) {
        return WHITESPACE_RUN.matcher(v).replaceAll(" ");
      }
    }
    return v;
  }

  public static String stringToSign(String amzDate, String scope, String canonicalRequest) {
    return ALGORITHM + '\n' + amzDate + '\n' + scope + '\n' + sha256Hex(canonicalRequest);
  }

  /**
   * Derives a signing key: the one place that does. Verification reads keys through
   * {@link SigningKeys}, which caches them.
   */
  public static byte[] signingKey(String secret, String date, String region, String service) {
    byte[] kDate = hmac(("AWS4" + secret).getBytes(StandardCharsets.UTF_8), date);
    byte[] kRegion = hmac(kDate, region);
    byte[] kService = hmac(kRegion, service);
    return hmac(kService, "aws4_request");
  }

  public static String signature(byte[] signingKey, String stringToSign) {
    return HEX.formatHex(hmac(signingKey, stringToSign));
  }

  public static String sha256Hex(byte[] data) {
    return HEX.formatHex(SHA256.get().digest(data));
  }

  public static String sha256Hex(String data) {
    return sha256Hex(data.getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] hmac(byte[] key, String data) {
    Mac mac = HMAC_SHA256.get();
    try {
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 rejected its key", e);
    }
    return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
  }

  private interface JcaFactory<T> {
    T create() throws GeneralSecurityException;
  }

  private static <T> T newInstance(JcaFactory<T> factory) {
    try {
      return factory.create();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("a JCA algorithm SigV4 needs is unavailable", e);
    }
  }

  /** RFC 3986 percent-encoding of UTF-8 bytes, all but unreserved characters (and maybe '/'). */
  static String uriEncode(String s, boolean encodeSlash) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length + 8);
    for (byte b : bytes) {
      char c = (char) (b & 0xff);
      if ((c >= 'A' && c <= 'Z')
          || (c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || c == '.'
          || c == '~'
          || (c == '/' && !encodeSlash)) {
        sb.append(c);
      } else {
        sb.append('%').append(HEX.withUpperCase().toHexDigits(b));
      }
    }
    return sb.toString();
  }

  /** Decodes %XX escapes as UTF-8; a malformed escape is kept literally, '+' stays '+'. */
  static String percentDecode(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '%' && isHex(s, i + 1) && isHex(s, i + 2)) {
        out.write(Integer.parseInt(s, i + 1, i + 3, 16));
        i += 3;
      } else {
        int cp = s.codePointAt(i);
        byte[] b = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8);
        out.write(b, 0, b.length);
        i += Character.charCount(cp);
      }
    }
    return out.toString(StandardCharsets.UTF_8);
  }

  private static boolean isHex(String s, int i) {
    return i < s.length() && Character.digit(s.charAt(i), 16) >= 0;
  }
}
