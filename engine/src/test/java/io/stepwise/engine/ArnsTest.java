package io.stepwise.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArnsTest {
  @ParameterizedTest
  @ValueSource(strings = {"a", "order-processing_v2", "Ünïcödé", "x.y+z=w@q!", "emoji-\uD83D\uDE00", "\uFFFD"})
  void validNames_areAccepted(String name) {
    assertThat(Arns.isValidName(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "has space", "tab\there", "a<b", "a{b}", "a[0]", "what?", "star*", "quote\"",
      "hash#", "pct%", "back\\slash", "caret^", "pipe|", "tilde~", "tick`", "dollar$", "amp&", "comma,",
      "semi;", "colon:", "slash/", "ctl\u0001", "ctl\u007f", "ctl\u0085", "a\uFFFEb", "a\uFFFF", "lone\uD83D", "lone\uDE00x",
      "max\uDBFF\uDFFF"})
  void invalidNames_areRejected(String name) {
    assertThat(Arns.isValidName(name)).isFalse();
  }

  /** A resource named, before the rule grew, with a character new names may not hold still answers by its ARN. */
  @Test
  void olderNames_stillReadInArns() {
    for (String name : new String[] {"a\uFFFEb", "lone\uD83D", "max\uDBFF\uDFFF"}) {
      assertThat(Arns.isValidName(name)).as(name).isFalse();
      assertThat(Arns.isNameInArn(name)).as(name).isTrue();
      assertThat(Arns.requireStateMachine(Arns.stateMachine("us-east-1", "123456789012", name)).rest()).isEqualTo(name);
    }
    assertThat(Arns.isNameInArn("a b")).isFalse();
  }

  @Test
  void namesLongerThan80_areRejected() {
    assertThat(Arns.isValidName("x".repeat(80))).isTrue();
    assertThat(Arns.isValidName("x".repeat(81))).isFalse();
  }

  @Test
  void arnsRoundTrip() {
    String sm = Arns.stateMachine("eu-west-1", "111122223333", "m");
    assertThat(sm).isEqualTo("arn:aws:states:eu-west-1:111122223333:stateMachine:m");
    assertThat(Arns.requireStateMachine(sm).rest()).isEqualTo("m");
    String ex = Arns.execution("eu-west-1", "111122223333", "m", "e");
    assertThat(Arns.requireExecution(ex).rest()).isEqualTo("m:e");
    assertThat(Arns.requireExecution(Arns.express("eu-west-1", "111122223333", "m", "e", "u")).resourceType())
        .isEqualTo("express");
  }

  @Test
  void wrongResourceTypes_areInvalidArns() {
    assertThatThrownBy(() -> Arns.requireStateMachine("arn:aws:states:us-east-1:123456789012:execution:m:e"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidArn"));
    assertThatThrownBy(() -> Arns.requireExecution("arn:aws:states:us-east-1:123456789012:execution:m"))
        .isInstanceOfSatisfying(ServiceError.class, e -> assertThat(e.code()).isEqualTo("InvalidArn"));
    assertThatThrownBy(() -> Arns.requireStateMachine("arn:aws:states:us-east-1:12345:stateMachine:m"))
        .isInstanceOf(ServiceError.class);
    assertThat(Arns.isValidRoleArn("arn:aws:iam::123456789012:role/x")).isTrue();
    assertThat(Arns.isValidRoleArn("arn:aws:iam::123456789012:user/x")).isFalse();
  }

  /** Qualified state machine ARNs: a number is a version, a name with a non-digit is an alias. */
  @Test
  void versionAndAliasArns_areToldApart() {
    String m = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
    assertThat(Arns.version(m + ":7")).contains(new Arns.VersionRef(m, 7));
    assertThat(Arns.version(m + ":07")).isEmpty();
    assertThat(Arns.version(m + ":prod")).isEmpty();
    assertThat(Arns.version(m)).isEmpty();
    assertThat(Arns.alias(m + ":prod-1.0")).contains(new Arns.AliasRef(m, "prod-1.0"));
    assertThat(Arns.alias(m + ":123")).isEmpty();
    assertThat(Arns.alias(m + ":bad name")).isEmpty();
    assertThat(Arns.alias("arn:aws:states:us-east-1:123456789012:activity:a:prod")).isEmpty();
  }

  /** A Distributed Map state's ARN is {@code stateMachine:<machine>/<label>}, both parts names. */
  @Test
  void mapStateArns_nameAMachineAndALabel() {
    String m = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";
    assertThat(Arns.isMapStateArn(m + "/Each")).isTrue();
    assertThat(Arns.isMapStateArn(m)).isFalse();
    assertThat(Arns.isMapStateArn(m + "/")).isFalse();
    assertThat(Arns.isMapStateArn(m + "/a/b")).isFalse();
    assertThat(Arns.isMapStateArn(m + "/bad label")).isFalse();
    assertThat(Arns.isMapStateArn(m + ":1")).isFalse();
    assertThat(Arns.isMapStateArn("arn:aws:states:us-east-1:123456789012:activity:orders/Each")).isFalse();
  }

  @Test
  void parse_readsExactlyWhatThePatternReads() {
    String[] parts = {"arn", "aws", "aws-cn", "aws-us-gov", "awsX", "aw", "states", "lambda", "us-east-1", "EU", "",
        "111122223333", "11112222333", "1111222233334", "١١١١١١١١١١١١",
        "stateMachine", "execution", "express", "activity", "mapRun", "StateMachine", "m", "m:e", "m:e:u",
        "a\nb", "a\u2028", "a\rb", "é", "x y"};
    java.util.Random random = new java.util.Random(7);
    int matched = 0;
    for (int i = 0; i < 20_000; i++) {
      StringBuilder arn = new StringBuilder();
      int fields = 2 + random.nextInt(7);
      for (int f = 0; f < fields; f++) {
        if (f > 0) arn.append(random.nextInt(20) == 0 ? "::" : ":");
        // mostly the field that belongs here, so that many candidates are whole ARNs
        String[] usual = {"arn", "aws", "states", "us-east-1", "111122223333", "stateMachine", "m"};
        arn.append(f < usual.length && random.nextInt(3) > 0 ? usual[f] : parts[random.nextInt(parts.length)]);
      }
      String s = arn.toString();
      var m = Arns.ARN.matcher(s);
      Arns.Parsed expected = m.matches() ? new Arns.Parsed(m.group(2), m.group(3), m.group(4), m.group(5)) : null;
      assertThat(Arns.parse(s)).as(s).isEqualTo(expected);
      if (expected != null) matched++;
    }
    assertThat(matched).isGreaterThan(200);
    assertThat(Arns.parse(null)).isNull();
  }
}
