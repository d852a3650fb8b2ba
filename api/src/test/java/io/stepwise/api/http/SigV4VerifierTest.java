package io.stepwise.api.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The published AWS SigV4 test-suite vectors, and AWS's error for each way a request is wrong. */
class SigV4VerifierTest {
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
  static final Instant SIGNED_AT = Instant.parse("2015-08-30T12:36:00Z");
  static final String CREDENTIAL = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

  final SigV4Verifier verifier = verifierAt(SIGNED_AT);

  static SigV4Verifier verifierAt(Instant now) {
    return new SigV4Verifier(
        CredentialStore.of(new Credential("AKIDEXAMPLE", SECRET, "111122223333")),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  static String authorization(String signedHeaders, String signature) {
    return "AWS4-HMAC-SHA256 Credential=" + CREDENTIAL + ", SignedHeaders=" + signedHeaders
        + ", Signature=" + signature;
  }

  static SignableRequest request(
      String method, String path, String query, String body, String... headerPairs) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i < headerPairs.length; i += 2) {
      headers.add(Map.entry(headerPairs[i], headerPairs[i + 1]));
    }
    return new SignableRequest(
        method, path, query, headers, body.getBytes(StandardCharsets.UTF_8));
  }

  static SignableRequest getVanilla(String authorization) {
    return request("GET", "/", "", "",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization);
  }

  @Test
  void getVanilla_canonicalRequestAndStringToSignAsPublished() {
    SignableRequest request = getVanilla("unused");
    String canonical = SigV4.canonicalRequest(request, List.of("host", "x-amz-date"),
        SigV4.EMPTY_PAYLOAD_SHA256);
    assertThat(canonical).isEqualTo("""
        GET
        /

        host:example.amazonaws.com
        x-amz-date:20150830T123600Z

        host;x-amz-date
        e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855""");
    assertThat(SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
        canonical)).isEqualTo("""
        AWS4-HMAC-SHA256
        20150830T123600Z
        20150830/us-east-1/service/aws4_request
        bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63""");
  }

  @Test
  void getVanilla_signatureAccepted() {
    Caller caller = verifier.verify(getVanilla(authorization("host;x-amz-date",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")));
    assertThat(caller).isEqualTo(new Caller("AKIDEXAMPLE", "111122223333", "us-east-1"));
  }

  @Test
  void postVanilla_signatureAccepted() {
    SignableRequest request = request("POST", "/", "", "",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization("host;x-amz-date",
            "5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b"));
    assertThat(verifier.verify(request).accessKeyId()).isEqualTo("AKIDEXAMPLE");
  }

  @Test
  void getVanillaQueryOrderKeyCase_queryIsSortedAndAccepted() {
    SignableRequest request = request("GET", "/", "Param2=value2&Param1=value1", "",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization("host;x-amz-date",
            "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
    assertThat(SigV4.canonicalQueryString(request.rawQuery()))
        .isEqualTo("Param1=value1&Param2=value2");
    assertThat(verifier.verify(request).region()).isEqualTo("us-east-1");
  }

  @Test
  void postXWwwFormUrlencoded_bodyHashedAndAccepted() {
    SignableRequest request = request("POST", "/", "", "Param1=value1",
        "Content-Type", "application/x-www-form-urlencoded",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization("content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
    assertThat(verifier.verify(request).accountId()).isEqualTo("111122223333");
  }

  @Test
  void alteredBody_invalidSignature() {
    SignableRequest request = request("POST", "/", "", "Param1=value2",
        "Content-Type", "application/x-www-form-urlencoded",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization("content-type;host;x-amz-date",
            "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
    assertThatThrownBy(() -> verifier.verify(request))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("InvalidSignatureException");
          assertThat(e.status()).isEqualTo(400);
          assertThat(e.getMessage()).isEqualTo(
              "The request signature we calculated does not match the signature you provided."
                  + " Check your AWS Secret Access Key and signing method. Consult the service"
                  + " documentation for details.");
        });
  }

  @Test
  void headerValues_trimmedAndInnerSpacesCollapsed() {
    // get-header-value-trim from the same suite: "a   b   c" signs as "a b c".
    SignableRequest request = request("GET", "/", "", "",
        "Host", "example.amazonaws.com",
        "My-Header1", " value1",
        "My-Header2", " \"a   b   c\"",
        "X-Amz-Date", "20150830T123600Z",
        "Authorization", authorization("host;my-header1;my-header2;x-amz-date",
            "acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736"));
    assertThat(verifier.verify(request).accessKeyId()).isEqualTo("AKIDEXAMPLE");
  }

  @Test
  void canonicalUri_doubleEncodesAndNormalizes() {
    assertThat(SigV4.canonicalUri("")).isEqualTo("/");
    assertThat(SigV4.canonicalUri("/a%20b/./c/../d/")).isEqualTo("/a%2520b/d/");
    assertThat(SigV4.canonicalUri("/-._~az09")).isEqualTo("/-._~az09");
  }

  @Test
  void missingAuthorization_missingAuthenticationToken() {
    SignableRequest request = request("POST", "/", "", "{}", "Host", "example.amazonaws.com");
    assertThatThrownBy(() -> verifier.verify(request))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("MissingAuthenticationTokenException");
          assertThat(e.status()).isEqualTo(400);
        });
  }

  @Test
  void authorizationWithoutSignature_incompleteSignature() {
    String header = "AWS4-HMAC-SHA256 Credential=" + CREDENTIAL + ", SignedHeaders=host";
    assertThatThrownBy(() -> verifier.verify(getVanilla(header)))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("IncompleteSignatureException");
          assertThat(e.getMessage())
              .startsWith("Authorization header requires 'Signature' parameter.");
        });
  }

  @Test
  void otherAlgorithmOrShortCredential_incompleteSignature() {
    assertThatThrownBy(() -> verifier.verify(getVanilla("Bearer abc")))
        .hasFieldOrPropertyWithValue("code", "IncompleteSignatureException");
    String shortScope = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1,"
        + " SignedHeaders=host;x-amz-date, Signature=00";
    assertThatThrownBy(() -> verifier.verify(getVanilla(shortScope)))
        .hasFieldOrPropertyWithValue("code", "IncompleteSignatureException");
  }

  @Test
  void noDateHeader_incompleteSignature() {
    SignableRequest request = request("GET", "/", "", "",
        "Host", "example.amazonaws.com",
        "Authorization", authorization("host", "00"));
    assertThatThrownBy(() -> verifier.verify(request))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("IncompleteSignatureException");
          assertThat(e.getMessage()).startsWith("Authorization header requires existence of"
              + " either a 'X-Amz-Date' or a 'Date' header.");
        });
  }

  @Test
  void unknownAccessKey_unrecognizedClient() {
    String header = authorization("host;x-amz-date", "00").replace("AKIDEXAMPLE", "NOSUCHKEY");
    assertThatThrownBy(() -> verifier.verify(getVanilla(header)))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("UnrecognizedClientException");
          assertThat(e.getMessage())
              .isEqualTo("The security token included in the request is invalid.");
        });
  }

  @Test
  void signedSixteenMinutesAgo_signatureExpired() {
    SigV4Verifier later = verifierAt(SIGNED_AT.plus(Duration.ofMinutes(16)));
    String header = authorization("host;x-amz-date",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assertThatThrownBy(() -> later.verify(getVanilla(header)))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("InvalidSignatureException");
          assertThat(e.getMessage()).isEqualTo("Signature expired: 20150830T123600Z is now"
              + " earlier than 20150830T123700Z (20150830T125200Z - 15 min.)");
        });
  }

  @Test
  void signedSixteenMinutesAhead_signatureNotYetCurrent() {
    SigV4Verifier earlier = verifierAt(SIGNED_AT.minus(Duration.ofMinutes(16)));
    String header = authorization("host;x-amz-date",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    assertThatThrownBy(() -> earlier.verify(getVanilla(header)))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("InvalidSignatureException");
          assertThat(e.getMessage()).startsWith("Signature not yet current: 20150830T123600Z");
        });
  }

  @Test
  void fourteenMinutesSkew_accepted() {
    SigV4Verifier later = verifierAt(SIGNED_AT.plus(Duration.ofMinutes(14)));
    assertThat(later.verify(getVanilla(authorization("host;x-amz-date",
        "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"))))
        .isNotNull();
  }

  @Test
  void scopeDateDiffersFromRequestDate_invalidSignature() {
    String header = authorization("host;x-amz-date", "00").replace("/20150830/", "/20150829/");
    assertThatThrownBy(() -> verifier.verify(getVanilla(header)))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("InvalidSignatureException");
          assertThat(e.getMessage()).startsWith("Date in Credential scope does not match");
        });
  }

  @Test
  void hostNotSigned_incompleteSignature() {
    assertThatThrownBy(() -> verifier.verify(getVanilla(authorization("x-amz-date", "00"))))
        .hasFieldOrPropertyWithValue("code", "IncompleteSignatureException");
  }

  @Test
  void declaredPayloadHashNotMatchingBody_invalidSignature() {
    SignableRequest request = request("POST", "/", "", "{}",
        "Host", "example.amazonaws.com",
        "X-Amz-Date", "20150830T123600Z",
        "X-Amz-Content-Sha256", SigV4.EMPTY_PAYLOAD_SHA256,
        "Authorization", authorization("host;x-amz-content-sha256;x-amz-date", "00"));
    assertThatThrownBy(() -> verifier.verify(request))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("InvalidSignatureException");
          assertThat(e.getMessage()).contains("x-amz-content-sha256");
        });
  }

  /** A request signed over UNSIGNED-PAYLOAD (or a streaming marker) would leave its body unauthenticated. */
  @Test
  void unsignedPayloadMarkers_invalidSignature_evenWhenSignedCorrectly() {
    for (String marker : new String[] {"UNSIGNED-PAYLOAD", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"}) {
      SignableRequest unsigned = request("POST", "/", "", "{\"any\":\"body\"}",
          "Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z", "X-Amz-Content-Sha256", marker);
      List<String> headers = List.of("host", "x-amz-content-sha256", "x-amz-date");
      String signature = SigV4.signature(SigV4.signingKey(SECRET, "20150830", "us-east-1", "service"),
          SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
              SigV4.canonicalRequest(unsigned, headers, marker)));
      SignableRequest signed = request("POST", "/", "", "{\"any\":\"body\"}",
          "Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z", "X-Amz-Content-Sha256", marker,
          "Authorization", authorization(String.join(";", headers), signature));
      assertThatThrownBy(() -> verifier.verify(signed)).as(marker)
          .isInstanceOfSatisfying(AwsServiceException.class, e -> {
            assertThat(e.code()).isEqualTo("InvalidSignatureException");
            assertThat(e.getMessage()).contains("x-amz-content-sha256");
          });
    }
  }

  @Test
  void signingTimeNotSigned_incompleteSignature() {
    // X-Amz-Date present but left out of SignedHeaders: the time could be moved
    assertThatThrownBy(() -> verifier.verify(getVanilla(authorization("host", "00"))))
        .isInstanceOfSatisfying(AwsServiceException.class, e -> {
          assertThat(e.code()).isEqualTo("IncompleteSignatureException");
          assertThat(e.getMessage()).containsIgnoringCase("x-amz-date");
        });
  }

  @Test
  void dateHeaderInsteadOfXAmzDate_accepted() {
    // The suite's get-vanilla signed with the HTTP Date header: time taken from Date, scope
    // date must agree with it.
    String date = "Sun, 30 Aug 2015 12:36:00 GMT";
    SignableRequest unsigned = request("GET", "/", "", "",
        "Host", "example.amazonaws.com", "Date", date);
    String canonical = SigV4.canonicalRequest(unsigned, List.of("date", "host"),
        SigV4.EMPTY_PAYLOAD_SHA256);
    String signature = SigV4.signature(
        SigV4.signingKey(SECRET, "20150830", "us-east-1", "service"),
        SigV4.stringToSign("20150830T123600Z", "20150830/us-east-1/service/aws4_request",
            canonical));
    SignableRequest signed = request("GET", "/", "", "",
        "Host", "example.amazonaws.com", "Date", date,
        "Authorization", authorization("date;host", signature));
    assertThat(verifier.verify(signed).accessKeyId()).isEqualTo("AKIDEXAMPLE");
  }

  @Test
  void quotedAuthorizationParameters_accepted() {
    String header = "AWS4-HMAC-SHA256 Credential=\"" + CREDENTIAL + "\",SignedHeaders=\"host;x-amz-date\","
        + "Signature=\"5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31\"";
    assertThat(verifier.verify(getVanilla(header)).accessKeyId()).isEqualTo("AKIDEXAMPLE");
  }

  @Test
  void plainAmzDate_readsAsTheFormatterDoes_andLeavesTheRestToIt() {
    java.util.Random random = new java.util.Random(11);
    for (int i = 0; i < 20_000; i++) {
      Instant at = Instant.ofEpochSecond(random.nextLong(-2_000_000_000L, 8_000_000_000L));
      String text = SigV4Verifier.AMZ_DATE.format(at);
      Instant plain = SigV4Verifier.plainAmzDate(text);
      if (plain != null) {
        assertThat(plain).as(text).isEqualTo(at);
      } else {
        assertThat(text.substring(6, 8).compareTo("28")).as(text).isGreaterThan(0);
      }
    }
    // outside the everyday ranges the formatter decides (and its resolver's answer stands)
    for (String text : new String[] {"20260231T120000Z", "20261301T000000Z", "20261204T240000Z", "20261204T126000Z",
        "2026120xT120000Z", "20261204 120000Z", "20261204T120000", "020261204T120000Z", "09991204T120000Z"}) {
      assertThat(SigV4Verifier.plainAmzDate(text)).as(text).isNull();
    }
  }
}
