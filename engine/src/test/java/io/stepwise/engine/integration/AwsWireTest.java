package io.stepwise.engine.integration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.stepwise.engine.Json;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Requests and answers built from services' models, without a network. */
class AwsWireTest {
  private static AwsModel model(String name) {
    return AwsModel.named(name).orElseThrow();
  }

  private static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static HttpHeaders headers(Map<String, List<String>> h) {
    return HttpHeaders.of(h, (a, b) -> true);
  }

  @Test
  void servicesAreNamedAsTheSdkNamesThem() {
    assertThat(model("dynamodb").pascalName()).isEqualTo("DynamoDb");
    assertThat(model("acmpca").pascalName()).isEqualTo("AcmPca");
    assertThat(model("sfn").pascalName()).isEqualTo("Sfn");
    assertThat(model("cloudwatchlogs").pascalName()).isEqualTo("CloudWatchLogs");
    assertThat(model("s3").pascalName()).isEqualTo("S3");
    assertThat(model("ec2").pascalName()).isEqualTo("Ec2");
    assertThat(model("eventbridge").pascalName()).isEqualTo("EventBridge");
    assertThat(model("config").pascalName()).isEqualTo("Config");
    assertThat(model("apigatewaymanagementapi").pascalName()).isEqualTo("ApiGatewayManagementApi");
    assertThat(AwsModel.named("../aws-models/sqs")).isEmpty();
    assertThat(AwsModel.named("nosuch")).isEmpty();
    assertThat(model("sqs").operation("sendMessage")).contains("SendMessage");
    assertThat(model("s3").operation("listObjectsV2")).contains("ListObjectsV2");
    assertThat(model("sqs").operation("fly")).isEmpty();
  }

  @Test
  void json_targetsTheOperation_renamesMembers_keepsMapKeys_andWritesTimestampsAsSeconds() {
    AwsWire.Request r = AwsWire.request(model("sfn"), "StartExecution",
        json("{\"StateMachineArn\": \"arn\", \"Input\": {\"a\": 1}}"));
    assertThat(r.headers()).containsEntry("X-Amz-Target", "AWSStepFunctions.StartExecution")
        .containsEntry("Content-Type", "application/x-amz-json-1.0");
    // a JSON value where the action takes a string is sent as its text
    assertThat(json(new String(r.body(), StandardCharsets.UTF_8)))
        .isEqualTo(json("{\"stateMachineArn\": \"arn\", \"input\": \"{\\\"a\\\":1}\"}"));
    AwsWire.Request logs = AwsWire.request(model("cloudwatchlogs"), "GetLogEvents",
        json("{\"LogGroupName\": \"g\", \"LogStreamName\": \"s\", \"StartTime\": 5}"));
    assertThat(new String(logs.body(), StandardCharsets.UTF_8)).contains("\"logGroupName\":\"g\"");
    AwsWire.Request put = AwsWire.request(model("dynamodb"), "PutItem",
        json("{\"TableName\": \"t\", \"Item\": {\"lowerKey\": {\"S\": \"v\"}}}"));
    assertThat(new String(put.body(), StandardCharsets.UTF_8)).contains("\"lowerKey\":{\"S\":\"v\"}");
    AwsWire.Request events = AwsWire.request(model("cloudwatch"), "GetMetricData",
        json("{\"MetricDataQueries\": [], \"StartTime\": \"2024-01-02T03:04:05.5Z\", \"EndTime\": 1704164645}"));
    assertThat(json(new String(events.body(), StandardCharsets.UTF_8)).get("StartTime").decimalValue())
        .isEqualByComparingTo("1704164645.5");
    assertThatThrownBy(() -> AwsWire.request(model("sqs"), "SendMessage", json("{\"Nope\": 1}")))
        .isInstanceOf(AwsWire.UnknownField.class).hasMessage("The field \"Nope\" is not supported by Step Functions");
    assertThatThrownBy(() -> AwsWire.request(model("sqs"), "SendMessage", json("[1]")))
        .isInstanceOf(AwsWire.BadParameters.class);
  }

  /**
   * A request's names as AWS's aws-sdk integrations take them: the AWS SDK for Java v2's
   * ({@code DbInstanceIdentifier}, {@code Ttl}, as machines deployed on AWS write them), as well as
   * the model's and the capitalized model's; an unknown one in AWS's words, however deep.
   */
  @Test
  void memberNames_javaSdkV2Names_andUnknownOnes() {
    assertThat(AwsWire.javaName("DBInstanceIdentifier")).isEqualTo("DbInstanceIdentifier");
    assertThat(AwsWire.javaName("TTL")).isEqualTo("Ttl");
    assertThat(AwsWire.javaName("IPv6Address")).isEqualTo("IPv6Address");
    assertThat(AwsWire.javaName("SourceDBInstanceIdentifier")).isEqualTo("SourceDBInstanceIdentifier");
    assertThat(AwsWire.javaName("onStatusReason")).isEqualTo("OnStatusReason");
    String form = new String(AwsWire.request(model("rds"), "DescribeDBInstances", json("{\"DbInstanceIdentifier\": \"db1\"}")).body(),
        StandardCharsets.UTF_8);
    assertThat(form).contains("DBInstanceIdentifier=db1");
    assertThat(new String(AwsWire.request(model("rds"), "DescribeDBInstances", json("{\"DBInstanceIdentifier\": \"db2\"}")).body(),
        StandardCharsets.UTF_8)).contains("DBInstanceIdentifier=db2");
    assertThatThrownBy(() -> AwsWire.request(model("batch"), "SubmitJob", json("{\"JobName\": \"j\", \"JobQueue\": \"q\", \"JobDefinition\": \"d\","
        + "\"RetryStrategy\": {\"EvaluateOnExit\": [{\"OnReasonX\": \"x\"}]}}")))
        .isInstanceOf(AwsWire.UnknownField.class).hasMessage("The field \"OnReasonX\" is not supported by Step Functions");
  }

  @Test
  void restJson_fillsTheUri_queryAndHeaders_andReadsThemBack() {
    AwsWire.Request r = AwsWire.request(model("lambda"), "Invoke",
        json("{\"FunctionName\": \"a/b\", \"Qualifier\": \"v 1\", \"InvocationType\": \"Event\", \"Payload\": {\"x\": 1}}"));
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.target()).isEqualTo("2015-03-31/functions/a%2Fb/invocations?Qualifier=v%201");
    assertThat(r.headers()).containsEntry("X-Amz-Invocation-Type", "Event");
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("{\"x\":1}");
    assertThatThrownBy(() -> AwsWire.request(model("lambda"), "Invoke", json("{}")))
        .isInstanceOf(AwsWire.BadParameters.class).hasMessageContaining("FunctionName");
    JsonNode out = AwsWire.output(model("lambda"), "Invoke", 200,
        headers(Map.of("X-Amz-Executed-Version", List.of("7"))), "{\"ok\":true}".getBytes(StandardCharsets.UTF_8));
    assertThat(out).isEqualTo(json("{\"Payload\": \"{\\\"ok\\\":true}\", \"StatusCode\": 200, \"ExecutedVersion\": \"7\"}"));
  }

  @Test
  void query_flattensMembers_andReadsTheXmlAnswerByItsShape() {
    AwsWire.Request r = AwsWire.request(model("sns"), "Subscribe",
        json("{\"TopicArn\": \"t\", \"Protocol\": \"sqs\", \"Attributes\": {\"RawMessageDelivery\": \"true\"}}"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Action=Subscribe&Version=2010-03-31&TopicArn=t&Protocol=sqs"
        + "&Attributes.entry.1.key=RawMessageDelivery&Attributes.entry.1.value=true");
    JsonNode topics = AwsWire.output(model("sns"), "ListTopics", 200, headers(Map.of()), ("<ListTopicsResponse><ListTopicsResult>"
        + "<Topics><member><TopicArn>a</TopicArn></member><member><TopicArn>b</TopicArn></member></Topics>"
        + "</ListTopicsResult></ListTopicsResponse>").getBytes(StandardCharsets.UTF_8));
    assertThat(topics).isEqualTo(json("{\"Topics\": [{\"TopicArn\": \"a\"}, {\"TopicArn\": \"b\"}]}"));
    AwsWire.Failure f = AwsWire.failure(model("sns"), headers(Map.of()), ("<ErrorResponse><Error><Code>NotFound</Code>"
        + "<Message>gone</Message></Error><RequestId>r</RequestId></ErrorResponse>").getBytes(StandardCharsets.UTF_8));
    assertThat(f).isEqualTo(new AwsWire.Failure("NotFound", "NotFound", "gone", "r"));
    assertThat(model("sns").errorShape("NotFound")).contains("NotFoundException");
    // an XML answer with a document type is refused, not expanded
    JsonNode evil = AwsWire.output(model("sns"), "Publish", 200, headers(Map.of()),
        ("<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            + "<PublishResponse><PublishResult><MessageId>&x;</MessageId></PublishResult></PublishResponse>").getBytes(StandardCharsets.UTF_8));
    assertThat(evil).isEqualTo(json("{}"));
  }

  @Test
  void documentsPassAsGiven_nullsAreLeftOut_timestampsTakeTheirFormat_flattenedItemsTheirName() {
    AwsWire.Request converse = AwsWire.request(model("bedrockruntime"), "Converse",
        json("{\"ModelId\": \"m\", \"AdditionalModelRequestFields\": {\"top_k\": 5}, \"System\": null}"));
    assertThat(json(new String(converse.body(), StandardCharsets.UTF_8)))
        .isEqualTo(json("{\"additionalModelRequestFields\": {\"top_k\": 5}}"));
    JsonNode out = AwsWire.output(model("bedrockruntime"), "Converse", 200, headers(Map.of()),
        "{\"additionalModelResponseFields\": {\"raw_key\": 1}, \"stopReason\": \"end_turn\"}".getBytes(StandardCharsets.UTF_8));
    assertThat(out).isEqualTo(json("{\"AdditionalModelResponseFields\": {\"raw_key\": 1}, \"StopReason\": \"end_turn\"}"));
    AwsWire.Request route = AwsWire.request(model("location"), "CalculateRoute", json(
        "{\"CalculatorName\": \"c\", \"DeparturePosition\": [1, 2], \"DestinationPosition\": [3, 4], \"DepartureTime\": 1704067200}"));
    assertThat(json(new String(route.body(), StandardCharsets.UTF_8)).get("DepartureTime").asText()).isEqualTo("2024-01-01T00:00:00Z");
    AwsWire.Request seconds = AwsWire.request(model("cloudwatch"), "GetMetricData",
        json("{\"MetricDataQueries\": [], \"StartTime\": \"2024-01-01T00:00:00Z\", \"EndTime\": 1}"));
    assertThat(new String(seconds.body(), StandardCharsets.UTF_8)).contains("\"StartTime\":1704067200,");
    AwsWire.Request put = AwsWire.request(model("simpledb"), "PutAttributes", json(
        "{\"DomainName\": \"d\", \"ItemName\": \"i\", \"Attributes\": [{\"Name\": \"a\", \"Value\": \"1\"}], \"Expected\": null}"));
    assertThat(new String(put.body(), StandardCharsets.UTF_8)).endsWith("&Attribute.1.Name=a&Attribute.1.Value=1");
    assertThatThrownBy(() -> AwsWire.request(model("autoscaling"), "DescribeScheduledActions", json("{\"StartTime\": 1e20}")))
        .isInstanceOf(AwsWire.BadParameters.class).hasMessageContaining("StartTime");
  }

  /** EC2's own protocol: members under their query names, every list as Name.N (whatever its items are called). */
  @Test
  void ec2_membersGoUnderTheirQueryNames_listsNumbered() {
    AwsWire.Request r = AwsWire.request(model("ec2"), "DescribeInstances", json(
        "{\"InstanceIds\": [\"i-1\", \"i-2\"], \"Filters\": [{\"Name\": \"tag:team\", \"Values\": [\"a b\"]}],"
            + " \"DryRun\": true, \"MaxResults\": 5}"));
    assertThat(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo("Action=DescribeInstances&Version=2016-11-15"
        + "&InstanceId.1=i-1&InstanceId.2=i-2&Filter.1.Name=tag%3Ateam&Filter.1.Value.1=a%20b&DryRun=true&MaxResults=5");
    assertThat(r.headers()).containsEntry("Content-Type", "application/x-www-form-urlencoded; charset=utf-8");
    // a member whose query name is not its location name capitalized (ipv6AddressesSet → Ipv6Addresses)
    AwsWire.Request run = AwsWire.request(model("ec2"), "RunInstances", json(
        "{\"ImageId\": \"ami-1\", \"MinCount\": 1, \"MaxCount\": 1, \"SecurityGroupIds\": [\"sg-1\"],"
            + " \"NetworkInterfaces\": [{\"DeviceIndex\": 0, \"Ipv6Addresses\": [{\"Ipv6Address\": \"::1\"}]}]}"));
    assertThat(new String(run.body(), StandardCharsets.UTF_8)).contains("&SecurityGroupId.1=sg-1")
        .contains("&NetworkInterface.1.Ipv6Addresses.1.Ipv6Address=%3A%3A1");
    assertThatThrownBy(() -> AwsWire.request(model("ec2"), "DescribeInstances", json("{\"Nope\": 1}")))
        .isInstanceOf(AwsWire.BadParameters.class).hasMessageContaining("Nope");
  }
}
