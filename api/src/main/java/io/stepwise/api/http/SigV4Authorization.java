package io.stepwise.api.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A parsed {@code Authorization: AWS4-HMAC-SHA256 Credential=AK/date/region/service/aws4_request,
 * SignedHeaders=a;b, Signature=hex} header.
 */
public record SigV4Authorization(
    String accessKeyId,
    String date,
    String region,
    String service,
    List<String> signedHeaders,
    String signature) {

  /** The credential scope {@code date/region/service/aws4_request}. */
  public String scope() {
    return date + '/' + region + '/' + service + "/aws4_request";
  }

  /** Parses the header, failing with AWS's {@code IncompleteSignatureException} texts. */
  public static SigV4Authorization parse(String header) {
    String value = header.strip();
    int space = value.indexOf(' ');
    String algorithm = space < 0 ? value : value.substring(0, space);
    if (!algorithm.equals(SigV4.ALGORITHM)) {
      throw incomplete(
          "Unsupported AWS 'algorithm': '" + algorithm + "'. Authorization=" + header);
    }
    String credential = null;
    String signedHeaders = null;
    String signature = null;
    for (String part : value.substring(space + 1).split(",")) {
      String p = part.strip();
      int eq = p.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String key = p.substring(0, eq).strip();
      String v = unquote(p.substring(eq + 1).strip());
      switch (key) {
        case "Credential" -> credential = v;
        case "SignedHeaders" -> signedHeaders = v;
        case "Signature" -> signature = v;
        default -> { /* AWS ignores unknown parameters */ }
      }
    }
    List<String> missing = new ArrayList<>();
    if (credential == null || credential.isEmpty()) {
      missing.add("Authorization header requires 'Credential' parameter.");
    }
    if (signature == null || signature.isEmpty()) {
      missing.add("Authorization header requires 'Signature' parameter.");
    }
    if (signedHeaders == null || signedHeaders.isEmpty()) {
      missing.add("Authorization header requires 'SignedHeaders' parameter.");
    }
    if (!missing.isEmpty()) {
      throw incomplete(String.join(" ", missing) + " Authorization=" + header);
    }
    String[] scope = credential.split("/", -1);
    if (scope.length != 5) {
      throw incomplete(
          "Credential must have exactly 5 slash-delimited elements, "
              + "e.g. keyid/date/region/service/term, got '" + credential + "'");
    }
    if (!scope[4].equals("aws4_request")) {
      throw incomplete(
          "Credential should be scoped with a valid terminator: 'aws4_request', not '"
              + scope[4] + "'.");
    }
    if (!isEightDigits(scope[1])) {
      throw incomplete("Invalid credential date '" + scope[1] + "'. Date is not the required"
          + " format: yyyyMMdd.");
    }
    if (scope[0].isEmpty() || scope[2].isEmpty() || scope[3].isEmpty()) {
      throw incomplete("Credential should be scoped to a valid region and service, got '"
          + credential + "'.");
    }
    String[] names = signedHeaders.split(";");
    for (int i = 0; i < names.length; i++) {
      names[i] = names[i].strip();
      if (!names[i].equals(names[i].toLowerCase(Locale.ROOT))) {
        throw incomplete("SignedHeaders must be lowercase. Authorization=" + header);
      }
    }
    List<String> headers = List.of(names);
    return new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], headers, signature);
  }

  private static boolean isEightDigits(String s) {
    if (s.length() != 8) {
      return false;
    }
    for (int i = 0; i < 8; i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Pekko may hand the header back re-rendered from its model, with values quoted. */
  private static String unquote(String v) {
    return v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")
        ? v.substring(1, v.length() - 1)
        : v;
  }

  static AwsServiceException incomplete(String message) {
    return new AwsServiceException("IncompleteSignatureException", message);
  }
}
