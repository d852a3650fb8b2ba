package io.stepwise.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.InvalidArnException;
import software.amazon.awssdk.services.sfn.model.ResourceNotFoundException;
import software.amazon.awssdk.services.sfn.model.SfnException;
import software.amazon.awssdk.services.sfn.model.Tag;
import software.amazon.awssdk.services.sfn.model.TooManyTagsException;

/**
 * TagResource, UntagResource, ListTagsForResource and tags on create, for state machines and
 * activities, by AWS's rules: a key tagged again takes its new value, removing an absent key is
 * no error, at most 50 tags, keys 1–128 and values 0–256 characters of AWS's pattern; tags
 * survive a restart and are sealed like the resource's other data.
 */
class TagsTest {
  @TempDir Path dir;

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static List<String> keys(SfnClient sfn, String arn) {
    return sfn.listTagsForResource(b -> b.resourceArn(arn)).tags().stream().map(t -> t.key() + "=" + t.value()).toList();
  }

  @Test
  void machinesAndActivities_areTaggedAsAwsTagsThem_andKeepTheirTagsAcrossARestart() throws Exception {
    String canary = "tag-canary-" + UUID.randomUUID();
    String machine;
    String activity;
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      machine = sfn.createStateMachine(b -> b.name("tagged").definition(Definitions.PASS).roleArn(Definitions.ROLE)
          .tags(tag("team", "a"), tag("secret", canary))).stateMachineArn();
      assertThat(keys(sfn, machine)).containsExactly("team=a", "secret=" + canary);
      sfn.tagResource(b -> b.resourceArn(machine).tags(tag("team", "b"), tag("cost:center", "42"), tag("empty", "")));
      assertThat(keys(sfn, machine)).containsExactly("team=b", "secret=" + canary, "cost:center=42", "empty=");
      sfn.untagResource(b -> b.resourceArn(machine).tagKeys("empty", "never-there"));
      assertThat(keys(sfn, machine)).containsExactly("team=b", "secret=" + canary, "cost:center=42");

      activity = sfn.createActivity(b -> b.name("worker").tags(tag("kind", "batch"))).activityArn();
      // CreateActivity is idempotent by name: other tags on a repeat are ignored, as AWS ignores them.
      sfn.createActivity(b -> b.name("worker").tags(tag("kind", "other")));
      sfn.tagResource(b -> b.resourceArn(activity).tags(tag("owner", "me")));
      assertThat(keys(sfn, activity)).containsExactly("kind=batch", "owner=me");
    }
    byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
    for (Path f : CryptoShreddingTest.files(dir)) {
      assertThat(CryptoShreddingTest.indexOf(Files.readAllBytes(f), needle)).as("tag value found in %s", f).isEqualTo(-1);
    }
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      assertThat(keys(sfn, machine)).containsExactly("team=b", "secret=" + canary, "cost:center=42");
      assertThat(keys(sfn, activity)).containsExactly("kind=batch", "owner=me");
      sfn.deleteStateMachine(b -> b.stateMachineArn(machine));
      assertThatThrownBy(() -> sfn.listTagsForResource(b -> b.resourceArn(machine)))
          .isInstanceOf(ResourceNotFoundException.class);
    }
  }

  @Test
  void fiftyTagsAtMost_andBadTagsOrArns_areRefusedAsAwsRefusesThem() throws Exception {
    try (TestServer server = TestServer.start(dir); SfnClient sfn = server.sfn()) {
      String machine = sfn.createStateMachine(b -> b.name("m").definition(Definitions.PASS).roleArn(Definitions.ROLE))
          .stateMachineArn();
      Tag[] fifty = IntStream.range(0, 50).mapToObj(i -> tag("k" + i, "v")).toArray(Tag[]::new);
      sfn.tagResource(b -> b.resourceArn(machine).tags(fifty));
      sfn.tagResource(b -> b.resourceArn(machine).tags(tag("k0", "new value"))); // still 50
      assertThatThrownBy(() -> sfn.tagResource(b -> b.resourceArn(machine).tags(tag("k50", "v"))))
          .isInstanceOfSatisfying(TooManyTagsException.class, e -> assertThat(e.resourceName()).isEqualTo(machine));
      assertThat(sfn.listTagsForResource(b -> b.resourceArn(machine)).tags()).hasSize(50);
      Tag[] fiftyOne = IntStream.range(0, 51).mapToObj(i -> tag("k" + i, "v")).toArray(Tag[]::new);
      assertThatThrownBy(() -> sfn.createActivity(b -> b.name("crowded").tags(fiftyOne)))
          .isInstanceOf(TooManyTagsException.class);

      assertThatThrownBy(() -> sfn.tagResource(b -> b.resourceArn(machine).tags(tag("bad#key", "v"))))
          .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
              .contains("at 'tags.1.member.key'").contains("regular expression pattern"));
      assertThatThrownBy(() -> sfn.tagResource(b -> b.resourceArn(machine).tags(tag("k", "x".repeat(257)))))
          .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorMessage())
              .contains("at 'tags.1.member.value'").contains("less than or equal to 256"));
      assertThatThrownBy(() -> sfn.untagResource(b -> b.resourceArn(machine).tagKeys("")))
          .isInstanceOfSatisfying(SfnException.class, e -> assertThat(e.awsErrorDetails().errorCode())
              .isEqualTo("ValidationException"));
      assertThat(sfn.listTagsForResource(b -> b.resourceArn(machine)).tags()).hasSize(50);

      assertThatThrownBy(() -> sfn.listTagsForResource(
          b -> b.resourceArn("arn:aws:states:us-east-1:123456789012:stateMachine:nobody")))
          .isInstanceOf(ResourceNotFoundException.class);
      assertThatThrownBy(() -> sfn.tagResource(
          b -> b.resourceArn("arn:aws:states:us-east-1:123456789012:execution:m:e").tags(tag("k", "v"))))
          .isInstanceOf(InvalidArnException.class);
    }
  }
}
