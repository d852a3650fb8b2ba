package io.stepwise.server;

import static io.stepwise.server.Definitions.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sfn.SfnClient;
import software.amazon.awssdk.services.sfn.model.*;

class StateMachineApiTest extends SharedServerTest {
  private static String create(String name, String definition) {
    return sfn.createStateMachine(b -> b.name(name).definition(definition).roleArn(ROLE)).stateMachineArn();
  }

  @Test
  void createThenDescribe_returnsWhatWasCreated() {
    String arn = create("describe-me", PASS);
    assertThat(arn).isEqualTo("arn:aws:states:us-east-1:123456789012:stateMachine:describe-me");
    DescribeStateMachineResponse d = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    assertThat(d.name()).isEqualTo("describe-me");
    assertThat(d.definition()).isEqualTo(PASS);
    assertThat(d.roleArn()).isEqualTo(ROLE);
    assertThat(d.type()).isEqualTo(StateMachineType.STANDARD);
    assertThat(d.status()).isEqualTo(StateMachineStatus.ACTIVE);
    assertThat(d.creationDate()).isNotNull();
    assertThat(d.loggingConfiguration().level()).isEqualTo(LogLevel.OFF);
  }

  /**
   * loggingConfiguration and tracingConfiguration as the API Reference defines them: a level of ALL,
   * ERROR, FATAL or OFF; at most one destination, "required, if your log level is not set to OFF"
   * (InvalidLoggingConfiguration); kept as given and described back; refused on create and update alike.
   */
  @Test
  void loggingAndTracing_areCheckedAndDescribedBack() {
    String group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/vendedlogs/states/x:*";
    LogDestination dest = LogDestination.builder().cloudWatchLogsLogGroup(b -> b.logGroupArn(group)).build();
    String arn = sfn.createStateMachine(b -> b.name("logged").definition(PASS).roleArn(ROLE)
        .loggingConfiguration(l -> l.level(LogLevel.ERROR).includeExecutionData(true).destinations(dest))
        .tracingConfiguration(t -> t.enabled(true))).stateMachineArn();
    DescribeStateMachineResponse d = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    assertThat(d.loggingConfiguration().level()).isEqualTo(LogLevel.ERROR);
    assertThat(d.loggingConfiguration().includeExecutionData()).isTrue();
    assertThat(d.loggingConfiguration().destinations()).extracting(x -> x.cloudWatchLogsLogGroup().logGroupArn()).containsExactly(group);
    assertThat(d.tracingConfiguration().enabled()).isTrue();
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("logged-2").definition(PASS).roleArn(ROLE)
        .loggingConfiguration(l -> l.level("BOGUS").destinations(dest))))
        .isInstanceOf(SfnException.class).hasMessageContaining("Member must satisfy enum value set: [ALL, ERROR, FATAL, OFF]");
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("logged-2").definition(PASS).roleArn(ROLE)
        .loggingConfiguration(l -> l.level(LogLevel.ALL))))
        .isInstanceOf(InvalidLoggingConfigurationException.class).hasMessageContaining("Must specify exactly one Log Destination");
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("logged-2").definition(PASS).roleArn(ROLE)
        .loggingConfiguration(l -> l.level(LogLevel.ALL).destinations(dest, dest))))
        .isInstanceOf(SfnException.class).hasMessageContaining("Member must have length less than or equal to 1");
    assertThatThrownBy(() -> sfn.updateStateMachine(b -> b.stateMachineArn(arn).loggingConfiguration(l -> l.level(LogLevel.FATAL))))
        .isInstanceOf(InvalidLoggingConfigurationException.class);
    sfn.updateStateMachine(b -> b.stateMachineArn(arn).loggingConfiguration(l -> l.level(LogLevel.OFF)));
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(arn)).loggingConfiguration().level()).isEqualTo(LogLevel.OFF);
  }

  /** A definition is 1 character at least (ValidationException before any reading), and Validate's maxResults is 0 to 100. */
  @Test
  void definitionAndValidateLimits_followTheApiReference() {
    assertThatThrownBy(() -> sfn.validateStateMachineDefinition(b -> b.definition("")))
        .isInstanceOf(SfnException.class).hasMessageContaining("Member must have length greater than or equal to 1");
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("empty-definition").definition("").roleArn(ROLE)))
        .isInstanceOf(SfnException.class).hasMessageContaining("Member must have length greater than or equal to 1");
    assertThat(sfn.validateStateMachineDefinition(b -> b.definition(PASS).maxResults(100)).resultAsString()).isEqualTo("OK");
    assertThatThrownBy(() -> sfn.validateStateMachineDefinition(b -> b.definition(PASS).maxResults(101)))
        .isInstanceOf(SfnException.class).hasMessageContaining("Member must have value less than or equal to 100");
  }

  @Test
  void createTwice_isIdempotentOnlyForTheSameRequest() {
    String arn = create("twice", PASS);
    assertThat(create("twice", PASS)).isEqualTo(arn);
    assertThatThrownBy(() -> create("twice", PASS_V2)).isInstanceOf(StateMachineAlreadyExistsException.class);
    // "The check is also based on the publish and versionDescription parameters" (the API Reference)
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("twice").definition(PASS).roleArn(ROLE).publish(true)))
        .isInstanceOf(StateMachineAlreadyExistsException.class);
    CreateStateMachineResponse published = sfn.createStateMachine(b -> b.name("twice-published").definition(PASS).roleArn(ROLE)
        .publish(true).versionDescription("d1"));
    CreateStateMachineResponse again = sfn.createStateMachine(b -> b.name("twice-published").definition(PASS).roleArn(ROLE)
        .publish(true).versionDescription("d1"));
    assertThat(again.stateMachineArn()).isEqualTo(published.stateMachineArn());
    assertThat(again.stateMachineVersionArn()).isEqualTo(published.stateMachineArn() + ":1");
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("twice-published").definition(PASS).roleArn(ROLE)
        .publish(true).versionDescription("d2"))).isInstanceOf(StateMachineAlreadyExistsException.class);
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("twice-published").definition(PASS).roleArn(ROLE)))
        .isInstanceOf(StateMachineAlreadyExistsException.class);
    assertThat(sfn.listStateMachineVersions(b -> b.stateMachineArn(published.stateMachineArn())).stateMachineVersions()).hasSize(1);
  }

  @Test
  void update_changesDefinitionAndRevision() {
    String arn = create("updatable", PASS);
    String before = sfn.describeStateMachine(b -> b.stateMachineArn(arn)).revisionId();
    UpdateStateMachineResponse u = sfn.updateStateMachine(b -> b.stateMachineArn(arn).definition(PASS_V2));
    assertThat(u.revisionId()).isNotBlank().isNotEqualTo(before);
    DescribeStateMachineResponse d = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    assertThat(d.definition()).isEqualTo(PASS_V2);
    assertThat(d.revisionId()).isEqualTo(u.revisionId());
  }

  @Test
  void delete_makesTheMachineGoneAndTheNameReusable() {
    String arn = create("deletable", PASS);
    sfn.deleteStateMachine(b -> b.stateMachineArn(arn));
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
    assertThat(sfn.listStateMachines(b -> b.maxResults(1000)).stateMachines())
        .noneMatch(m -> m.stateMachineArn().equals(arn));
    assertThat(create("deletable", PASS_V2)).isEqualTo(arn);
  }

  /**
   * While executions of a deleted machine still run, the machine is being deleted: its name cannot
   * be taken by a new machine (whose key its executions would follow) until they end.
   */
  @Test
  void aDeletedMachineWithRunningExecutions_isBeingDeleted_untilTheyEnd() throws Exception {
    String arn = create("still-running", "{\"StartAt\":\"W\",\"States\":{\"W\":{\"Type\":\"Wait\",\"Seconds\":3600,\"End\":true}}}");
    String execution = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    sfn.deleteStateMachine(b -> b.stateMachineArn(arn));
    assertThatThrownBy(() -> create("still-running", PASS))
        .isInstanceOfSatisfying(StateMachineDeletingException.class, e -> {
          assertThat(e.statusCode()).isEqualTo(400);
          assertThat(e.awsErrorDetails().errorMessage()).contains(arn);
        });
    // As AWS: the machine is DELETING, described as it was, its executions listed; nothing new starts on it.
    DescribeStateMachineResponse deleting = sfn.describeStateMachine(b -> b.stateMachineArn(arn));
    assertThat(deleting.status()).isEqualTo(StateMachineStatus.DELETING);
    assertThat(deleting.name()).isEqualTo("still-running");
    assertThat(deleting.definition()).contains("\"Seconds\":3600");
    assertThat(sfn.listExecutions(b -> b.stateMachineArn(arn)).executions())
        .extracting(e -> e.executionArn()).containsExactly(execution);
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDeletingException.class);
    assertThatThrownBy(() -> sfn.updateStateMachine(b -> b.stateMachineArn(arn).definition(PASS)))
        .isInstanceOf(StateMachineDeletingException.class);
    assertThatThrownBy(() -> sfn.publishStateMachineVersion(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDeletingException.class);
    assertThatThrownBy(() -> sfn.createStateMachineAlias(b -> b.name("PROD").routingConfiguration(
        r -> r.stateMachineVersionArn(arn + ":1").weight(100)))).isInstanceOf(StateMachineDeletingException.class);
    sfn.deleteStateMachine(b -> b.stateMachineArn(arn)); // again: nothing to do, as AWS answers
    assertThat(sfn.listStateMachines(b -> b.maxResults(1000)).stateMachines())
        .noneMatch(m -> m.stateMachineArn().equals(arn));

    sfn.stopExecution(b -> b.executionArn(execution));
    assertThat(ExecutionApiTest.awaitEnd(sfn, execution).status()).isEqualTo(ExecutionStatus.ABORTED);
    // its last execution ended: deleted
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
    assertThatThrownBy(() -> sfn.startExecution(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
    assertThat(create("still-running", PASS)).isEqualTo(arn);
    assertThat(sfn.describeStateMachine(b -> b.stateMachineArn(arn)).status()).isEqualTo(StateMachineStatus.ACTIVE);
  }

  /** As AWS: an execution of a deleted machine (being deleted, or gone) cannot be redriven. */
  @Test
  void anExecutionOfADeletedMachine_isNotRedrivable() throws Exception {
    String arn = create("deleted-then-failed", """
        {"StartAt": "W", "States": {"W": {"Type": "Wait", "Seconds": 1, "Next": "F"}, "F": {"Type": "Fail", "Error": "E"}}}""");
    String execution = sfn.startExecution(b -> b.stateMachineArn(arn)).executionArn();
    sfn.deleteStateMachine(b -> b.stateMachineArn(arn));
    assertThat(ExecutionApiTest.awaitEnd(sfn, execution).status()).isEqualTo(ExecutionStatus.FAILED);
    DescribeExecutionResponse d = sfn.describeExecution(b -> b.executionArn(execution));
    assertThat(d.redriveStatus()).isEqualTo(ExecutionRedriveStatus.NOT_REDRIVABLE);
    assertThat(d.redriveStatusReason()).isEqualTo("State machine is in DELETING status.");
    assertThatThrownBy(() -> sfn.redriveExecution(b -> b.executionArn(execution)))
        .isInstanceOfSatisfying(ExecutionNotRedrivableException.class,
            e -> assertThat(e.awsErrorDetails().errorMessage()).isEqualTo("State machine is in DELETING status."));
    // nothing changed: the execution stays FAILED, the machine gone
    assertThat(sfn.describeExecution(b -> b.executionArn(execution)).status()).isEqualTo(ExecutionStatus.FAILED);
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn(arn)))
        .isInstanceOf(StateMachineDoesNotExistException.class);
  }

  @Test
  void list_paginatesThroughEveryMachineOnce() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 7; i++) made.add(create("page-" + i, PASS));
    List<String> seen = new ArrayList<>();
    String token = null;
    int pages = 0;
    do {
      String t = token;
      ListStateMachinesResponse page = sfn.listStateMachines(b -> b.maxResults(3).nextToken(t));
      assertThat(page.stateMachines().size()).isLessThanOrEqualTo(3);
      page.stateMachines().forEach(m -> seen.add(m.stateMachineArn()));
      token = page.nextToken();
      pages++;
    } while (token != null);
    assertThat(pages).isGreaterThanOrEqualTo(3);
    assertThat(seen).doesNotHaveDuplicates().containsAll(made);
  }

  /**
   * Each acknowledged create is listed at once, also when it comes as its entity recovers: the
   * recovery's reconcile once took such a row (ListStateMachines lost machines, ListActivities
   * activities, in CI now and then).
   */
  @Test
  void everyAcknowledgedCreate_isListed() {
    java.util.Set<String> made = new java.util.HashSet<>();
    java.util.Set<String> activities = new java.util.HashSet<>();
    for (int i = 0; i < 60; i++) {
      made.add(create("listed-" + i, PASS));
      activities.add(sfn.createActivity(b -> b.name("listed-activity-" + java.util.UUID.randomUUID())).activityArn());
    }
    java.util.Set<String> listed = new java.util.HashSet<>();
    sfn.listStateMachinesPaginator(b -> b.maxResults(1000)).stateMachines().forEach(m -> listed.add(m.stateMachineArn()));
    java.util.Set<String> listedActivities = new java.util.HashSet<>();
    sfn.listActivitiesPaginator(b -> b.maxResults(1000)).activities().forEach(a -> listedActivities.add(a.activityArn()));
    assertThat(listed).containsAll(made);
    assertThat(listedActivities).containsAll(activities);
  }

  @Test
  void invalidDefinition_isRejectedWithAClearMessageAndCreatesNothing() {
    assertThatThrownBy(() -> create("broken", "{\"StartAt\": \"Nowhere\", \"States\": {}}"))
        .isInstanceOf(InvalidDefinitionException.class)
        .hasMessageContaining("Invalid State Machine Definition");
    assertThatThrownBy(() -> create("broken", "not json"))
        .isInstanceOf(InvalidDefinitionException.class);
    assertThatThrownBy(() -> sfn.describeStateMachine(
        b -> b.stateMachineArn("arn:aws:states:us-east-1:123456789012:stateMachine:broken")))
        .isInstanceOf(StateMachineDoesNotExistException.class);
  }

  @Test
  void invalidNamesAndArns_areRejected() {
    assertThatThrownBy(() -> create("bad name", PASS)).isInstanceOf(InvalidNameException.class);
    assertThatThrownBy(() -> create("x".repeat(81), PASS)).isInstanceOf(InvalidNameException.class);
    // AWS's words, as users pasted them
    assertThatThrownBy(() -> sfn.createStateMachine(b -> b.name("role").definition(PASS).roleArn("<execution-role-arn>")))
        .isInstanceOf(InvalidArnException.class).hasMessageStartingWith("Invalid Role Arn: '<execution-role-arn>'");
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn("arn:aws:states:us-east-1:123456789012:activity:x")))
        .isInstanceOf(InvalidArnException.class).hasMessageStartingWith("Invalid Arn: 'Resource type not valid in this context: activity'");
    assertThatThrownBy(() -> sfn.describeExecution(b -> b.executionArn("arn:aws:states:us-east-1:123456789012:stateMachine:m:e")))
        .isInstanceOf(InvalidArnException.class).hasMessageStartingWith("Invalid Arn: 'Resource type not valid in this context: stateMachine'");
    assertThatThrownBy(() -> sfn.describeStateMachine(b -> b.stateMachineArn("garbage")))
        .isInstanceOf(InvalidArnException.class).hasMessageStartingWith("Invalid Arn: 'Invalid ARN prefix: garbage'");
  }

  @Test
  void validateDefinition_reportsProblems() {
    ValidateStateMachineDefinitionResponse ok = sfn.validateStateMachineDefinition(b -> b.definition(PASS));
    assertThat(ok.result()).isEqualTo(ValidateStateMachineDefinitionResultCode.OK);
    ValidateStateMachineDefinitionResponse bad = sfn.validateStateMachineDefinition(
        b -> b.definition("{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Pass\", \"Next\": \"B\"}}}"));
    assertThat(bad.result()).isEqualTo(ValidateStateMachineDefinitionResultCode.FAIL);
    assertThat(bad.diagnostics()).isNotEmpty();
  }

  /** An aws-sdk resource AWS does not have is refused when the machine is created, validated or updated, at its Resource. */
  @Test
  void unknownAwsSdkResource_isRefusedAtCreateValidateAndUpdate() {
    String resource = "arn:aws:states:::aws-sdk:s3:fetchObject";
    String def = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"" + resource + "\",\"End\":true}}}";
    String words = "The resource provided " + resource + " is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.";
    assertThatThrownBy(() -> create("sdkUnknown", def)).isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: " + words + " at /States/T/Resource'");
    var v = sfn.validateStateMachineDefinition(b -> b.definition(def));
    assertThat(v.result()).isEqualTo(ValidateStateMachineDefinitionResultCode.FAIL);
    assertThat(v.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.message()).isEqualTo(words);
      assertThat(d.location()).isEqualTo("/States/T/Resource");
    });
    String arn = create("sdkKnown", def.replace("fetchObject", "getObject"));
    assertThatThrownBy(() -> sfn.updateStateMachine(b -> b.stateMachineArn(arn).definition(def))).isInstanceOf(InvalidDefinitionException.class);
  }

  /**
   * A request name the action does not take is refused at the task's Parameters when its value is
   * written out, nested names too; a {@code .$} key or a JSONata value is only known when the task
   * runs, and is checked then.
   */
  @Test
  void writtenOutRequestNames_areCheckedWhenCreated() {
    String words = "The field \"BucketIdentifier\" is not supported by Step Functions";
    String written = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::aws-sdk:s3:listBuckets\","
        + "\"Parameters\":{\"BucketIdentifier\":\"x\"},\"End\":true}}}";
    assertThatThrownBy(() -> create("sdkNames", written)).isInstanceOf(InvalidDefinitionException.class)
        .hasMessageStartingWith("Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: " + words + " at /States/T/Parameters'");
    String nested = "{\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\",\"Resource\":\"arn:aws:states:::sqs:sendMessage\","
        + "\"Parameters\":{\"QueueUrl\":\"q\",\"MessageBody\":{\"free\":\"form\"},\"MessageAttributes\":{\"a\":{\"DataType\":\"String\",\"StringValu\":\"v\"}}},\"End\":true}}}";
    var v = sfn.validateStateMachineDefinition(b -> b.definition(nested));
    assertThat(v.diagnostics()).singleElement().satisfies(d -> {
      assertThat(d.message()).isEqualTo("The field \"StringValu\" is not supported by Step Functions");
      assertThat(d.location()).isEqualTo("/States/T/Parameters");
    });
    create("sdkPathName", written.replace("\"BucketIdentifier\":\"x\"", "\"BucketIdentifier.$\":\"$.b\""));
    create("sdkJsonataName", "{\"QueryLanguage\":\"JSONata\",\"StartAt\":\"T\",\"States\":{\"T\":{\"Type\":\"Task\","
        + "\"Resource\":\"arn:aws:states:::aws-sdk:s3:listBuckets\",\"Arguments\":{\"BucketIdentifier\":\"{% $states.input.b %}\"},\"End\":true}}}");
  }
}
