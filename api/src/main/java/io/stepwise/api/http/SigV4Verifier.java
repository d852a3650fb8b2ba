package io.stepwise.api.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Verifies AWS Signature Version 4 on a request the way AWS's JSON services do, answering with
 * their error codes and texts. Any region and service in the credential scope is accepted.
 */
public final class SigV4Verifier {
  /** AWS rejects a request whose signing time is more than 15 minutes from its own clock. */
  public static final Duration DEFAULT_MAX_SKEW = Duration.ofMinutes(15);

  static final DateTimeFormatter AMZ_DATE =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  private final CredentialStore credentials;
  private final Clock clock;
  private final Duration maxSkew;
  private final SigningKeys signingKeys = new SigningKeys();

  public SigV4Verifier(CredentialStore credentials, Clock clock) {
    this(credentials, clock, DEFAULT_MAX_SKEW);
  }

  public SigV4Verifier(CredentialStore credentials, Clock clock, Duration maxSkew) {
    this.credentials = Objects.requireNonNull(credentials, "credentials");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
  }

  /**
   * Returns the authenticated caller, or throws {@link AwsServiceException} with
   * MissingAuthenticationTokenException, IncompleteSignatureException,
   * UnrecognizedClientException or InvalidSignatureException.
   */
  public Caller verify(SignableRequest request) {
    String header =
        request
            .header("Authorization")
            .orElseThrow(
                () ->
                    new AwsServiceException(
                        "MissingAuthenticationTokenException",
                        "Request is missing Authentication Token"));
    SigV4Authorization auth = SigV4Authorization.parse(header);
    Instant signedAt = signingTime(request, header);
    String amzDate = AMZ_DATE.format(signedAt);
    requireSigned(request, auth);
    Credential credential =
        credentials
            .find(auth.accessKeyId())
            .orElseThrow(SigV4Verifier::invalidToken);
    Optional<String> token = request.header("X-Amz-Security-Token").map(String::strip);
    if (!Objects.equals(token.orElse(null), credential.sessionToken())) {
      throw invalidToken();
    }
    checkSkew(signedAt);
    if (!amzDate.startsWith(auth.date())) {
      throw invalidSignature(
          "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from"
              + " HTTP: '" + auth.date() + "' != '" + amzDate.substring(0, 8) + "', from '"
              + amzDate + "'.");
    }
    String payloadHash = payloadHash(request);
    String canonical = SigV4.canonicalRequest(request, auth.signedHeaders(), payloadHash);
    String stringToSign = SigV4.stringToSign(amzDate, auth.scope(), canonical);
    byte[] key =
        signingKeys.key(credential.secretAccessKey(), auth.date(), auth.region(), auth.service());
    String expected = SigV4.signature(key, stringToSign);
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        auth.signature().getBytes(StandardCharsets.US_ASCII))) {
      throw invalidSignature(
          "The request signature we calculated does not match the signature you provided."
              + " Check your AWS Secret Access Key and signing method. Consult the service"
              + " documentation for details.");
    }
    return new Caller(credential.accessKeyId(), credential.accountId(), auth.region());
  }

  /**
   * What must be signed, so that no part of a captured request can be changed or added: the host,
   * the signing time and every {@code x-amz-*} header present (the target action, the security
   * token, the payload hash). The content type need not be: the AWS SDK for JavaScript v2 and for
   * PHP leave it out of their signatures, and AWS accepts that.
   */
  private static void requireSigned(SignableRequest request, SigV4Authorization auth) {
    List<String> signed = auth.signedHeaders();
    if (!signed.contains("host")) {
      throw SigV4Authorization.incomplete(
          "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
    }
    boolean amzDate = request.header("X-Amz-Date").isPresent();
    if (amzDate ? !signed.contains("x-amz-date") : !signed.contains("date")) {
      throw notSigned(amzDate ? "X-Amz-Date" : "Date");
    }
    for (Map.Entry<String, String> h : request.headers()) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith("x-amz-") && !signed.contains(name)) {
        throw notSigned(h.getKey());
      }
    }
  }

  private static AwsServiceException notSigned(String header) {
    return SigV4Authorization.incomplete(
        "'" + header + "' must be a 'SignedHeader' in the AWS Authorization.");
  }

  private static AwsServiceException invalidToken() {
    return new AwsServiceException(
        "UnrecognizedClientException", "The security token included in the request is invalid.");
  }

  /**
   * {@code yyyyMMddTHHmmssZ} with every field in its everyday range, read without the formatter (it
   * is on every request's path); anything else, null, is left to {@link #AMZ_DATE}, whose rules
   * (its resolver's, for a 31 February say) stay the ones that apply.
   */
  static Instant plainAmzDate(String s) {
    if (s.length() != 16 || s.charAt(8) != 'T' || s.charAt(15) != 'Z') return null;
    int year = digits(s, 0, 4);
    int month = digits(s, 4, 2);
    int day = digits(s, 6, 2);
    int hour = digits(s, 9, 2);
    int minute = digits(s, 11, 2);
    int second = digits(s, 13, 2);
    if (year < 1000 || month < 1 || month > 12 || day < 1 || day > 28 || hour < 0 || hour > 23 || minute < 0
        || minute > 59 || second < 0 || second > 59) {
      return null;
    }
    long days = java.time.LocalDate.of(year, month, day).toEpochDay();
    return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second);
  }

  /** The decimal number in {@code s[from, from + count)}, or -1 if any of it is not an ASCII digit. */
  private static int digits(String s, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') return -1;
      n = n * 10 + (c - '0');
    }
    return n;
  }

  /** {@code X-Amz-Date} (ISO 8601 basic), else the HTTP {@code Date} header. */
  private static Instant signingTime(SignableRequest request, String authorization) {
    Optional<String> amzDate = request.header("X-Amz-Date");
    if (amzDate.isPresent()) {
      try {
        String text = amzDate.get().strip();
        Instant plain = plainAmzDate(text);
        return plain != null ? plain : LocalDateTime.parse(text, AMZ_DATE).toInstant(ZoneOffset.UTC);
      } catch (DateTimeParseException e) {
        throw SigV4Authorization.incomplete(
            "Date must be in ISO-8601 'basic format'. Got '" + amzDate.get()
                + "'. See http://en.wikipedia.org/wiki/ISO_8601");
      }
    }
    Optional<String> date = request.header("Date");
    if (date.isPresent()) {
      try {
        return DateTimeFormatter.RFC_1123_DATE_TIME.parse(date.get().strip(), Instant::from);
      } catch (DateTimeParseException e) {
        throw SigV4Authorization.incomplete(
            "Date must be in RFC 1123 format. Got '" + date.get() + "'.");
      }
    }
    throw SigV4Authorization.incomplete(
        "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
            + " Authorization=" + authorization);
  }

  private void checkSkew(Instant signedAt) {
    Instant now = clock.instant();
    if (signedAt.isBefore(now.minus(maxSkew))) {
      throw invalidSignature(
          "Signature expired: " + AMZ_DATE.format(signedAt) + " is now earlier than "
              + AMZ_DATE.format(now.minus(maxSkew)) + " (" + AMZ_DATE.format(now) + " - "
              + maxSkew.toMinutes() + " min.)");
    }
    if (signedAt.isAfter(now.plus(maxSkew))) {
      throw invalidSignature(
          "Signature not yet current: " + AMZ_DATE.format(signedAt) + " is still later than "
              + AMZ_DATE.format(now.plus(maxSkew)) + " (" + AMZ_DATE.format(now) + " + "
              + maxSkew.toMinutes() + " min.)");
    }
  }

  /**
   * The hash of the body as received. A declared {@code x-amz-content-sha256} must be that hash:
   * {@code UNSIGNED-PAYLOAD} or a streaming marker would leave the body unauthenticated.
   */
  private static String payloadHash(SignableRequest request) {
    String actual = SigV4.sha256Hex(request.body());
    Optional<String> declared = request.header("x-amz-content-sha256").map(String::strip);
    if (declared.isPresent() && !declared.get().equalsIgnoreCase(actual)) {
      throw invalidSignature(
          "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    return declared.orElse(actual);
  }

  private static AwsServiceException invalidSignature(String message) {
    return new AwsServiceException("InvalidSignatureException", message);
  }
}
