package io.stepwise.api.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.activity.ActivityRecord;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.kms.EncryptionConfig;
import io.stepwise.engine.execution.ExecutionView;
import io.stepwise.engine.execution.Result;
import io.stepwise.engine.statemachine.StateMachineRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/** Renders engine records as the response shapes of the AWS Step Functions API. */
public final class Shapes {
  private Shapes() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** AWS JSON timestamps: epoch seconds with a fractional part (millisecond precision). */
  static BigDecimal time(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  static ObjectNode logging(JsonNode given) {
    return io.stepwise.engine.statemachine.StateMachineRecord.logging(given);
  }

  static ObjectNode tracing(JsonNode given) {
    return io.stepwise.engine.statemachine.StateMachineRecord.tracing(given);
  }

  /** AWS's encryptionConfiguration shape: just the type for AWS_OWNED_KEY unless a reuse period was set. */
  static ObjectNode encryption(EncryptionConfig c) {
    ObjectNode n = F.objectNode();
    if (c.kmsKeyId() != null) n.put("kmsKeyId", c.kmsKeyId());
    if (c.customerManaged() || c.reusePeriodSeconds() != null) {
      n.put("kmsDataKeyReusePeriodSeconds",
          c.reusePeriodSeconds() != null ? c.reusePeriodSeconds() : EncryptionConfig.DEFAULT_REUSE_SECONDS);
    }
    n.put("type", c.type());
    return n;
  }

  /** With {@code includeData} false (METADATA_ONLY) the definition is {@code "{}"}; {@code status} ACTIVE or DELETING. */
  static ObjectNode describeStateMachine(StateMachineRecord m, String status, boolean includeData) {
    ObjectNode n = F.objectNode();
    n.put("stateMachineArn", m.stateMachineArn());
    n.put("name", m.name());
    n.put("status", status);
    n.put("definition", includeData ? m.definition() : "{}");
    n.put("roleArn", m.roleArn());
    n.put("type", m.type());
    n.put("creationDate", time(m.creationDate()));
    n.set("loggingConfiguration", logging(m.loggingConfiguration()));
    n.set("tracingConfiguration", tracing(m.tracingConfiguration()));
    if (m.revisionId() != null) n.put("revisionId", m.revisionId());
    if (m.description() != null) n.put("description", m.description());
    n.set("encryptionConfiguration", encryption(m.encryption()));
    return n;
  }

  static ObjectNode describeStateMachineForExecution(ExecutionInfo i, boolean includeData) {
    ObjectNode n = F.objectNode();
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.stateMachineName());
    n.put("definition", includeData ? i.definition() : "{}");
    n.put("roleArn", i.roleArn());
    n.put("updateDate", time(i.stateMachineUpdateDate() != null ? i.stateMachineUpdateDate() : i.startDate()));
    n.set("loggingConfiguration", logging(i.loggingConfiguration()));
    n.set("tracingConfiguration", tracing(i.tracingConfiguration()));
    if (i.mapRunArn() != null) {
      // a Map Run's child runs the item processor: its Map Run and label, and no revision of a machine
      n.put("mapRunArn", i.mapRunArn());
      n.put("label", i.stateMachineName().substring(i.stateMachineName().indexOf('/') + 1));
    } else if (i.revisionId() != null) {
      n.put("revisionId", i.revisionId());
    }
    n.set("encryptionConfiguration", encryption(i.encryption()));
    return n;
  }

  /** With {@code includeData} false (METADATA_ONLY): no input, output, error or cause. */
  static ObjectNode describeExecution(ExecutionView v, boolean includeData) {
    ExecutionInfo i = v.info();
    ObjectNode n = F.objectNode();
    n.put("executionArn", i.executionArn());
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.name());
    n.put("status", v.status());
    n.put("startDate", time(i.startDate()));
    if (i.stateMachineVersionArn() != null) n.put("stateMachineVersionArn", i.stateMachineVersionArn());
    if (i.stateMachineAliasArn() != null) n.put("stateMachineAliasArn", i.stateMachineAliasArn());
    if (i.mapRunArn() != null) n.put("mapRunArn", i.mapRunArn());
    input(n, i, includeData);
    result(n, v.result(), includeData);
    if (i.traceHeader() != null) n.put("traceHeader", i.traceHeader());
    n.put("redriveCount", i.redriveCount());
    if (i.redriveDate() != null) n.put("redriveDate", time(i.redriveDate()));
    if (v.notRedrivable() != null) {
      n.put("redriveStatus", "NOT_REDRIVABLE");
      n.put("redriveStatusReason", v.notRedrivable());
    } else {
      // a Map Run's child is redriven with its parent (RedriveExecution of the execution that ran the Map)
      n.put("redriveStatus", i.mapRunArn() != null ? "REDRIVABLE_BY_MAP_RUN" : "REDRIVABLE");
    }
    return n;
  }

  static ObjectNode startSyncExecution(ExecutionView v, boolean includeData) {
    ExecutionInfo i = v.info();
    ObjectNode n = F.objectNode();
    n.put("executionArn", i.executionArn());
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.name());
    n.put("startDate", time(i.startDate()));
    n.put("status", v.status());
    input(n, i, includeData);
    result(n, v.result(), includeData);
    if (i.traceHeader() != null) n.put("traceHeader", i.traceHeader());
    long millis = Math.max(1, v.result().stopDate().toEpochMilli() - i.startDate().toEpochMilli());
    ObjectNode billing = F.objectNode();
    billing.put("billedMemoryUsedInMB", 64);
    billing.put("billedDurationInMilliseconds", ((millis + 99) / 100) * 100);
    n.set("billingDetails", billing);
    return n;
  }

  private static void input(ObjectNode n, ExecutionInfo i, boolean includeData) {
    if (includeData) n.put("input", i.input());
    n.set("inputDetails", F.objectNode().put("included", includeData));
  }

  private static void result(ObjectNode n, Result r, boolean includeData) {
    if (r == null) return;
    n.put("stopDate", time(r.stopDate()));
    if (r.output() != null) {
      if (includeData) n.put("output", r.output());
      n.set("outputDetails", F.objectNode().put("included", includeData));
    }
    if (!includeData) return;
    if (r.error() != null) n.put("error", r.error());
    if (r.cause() != null) n.put("cause", r.cause());
  }

  static ObjectNode describeActivity(ActivityRecord a) {
    ObjectNode n = F.objectNode();
    n.put("activityArn", a.activityArn());
    n.put("name", a.name());
    n.put("creationDate", time(a.creationDate()));
    n.set("encryptionConfiguration", encryption(a.encryption()));
    return n;
  }

  /** A history event's timestamp as {@link #historyEvent} writes it. */
  public static JsonNode timestampNode(Instant t) {
    return F.numberNode(time(t));
  }

  /** One history event; without execution data the input and output members are left out. */
  public static ObjectNode historyEvent(HistoryEvent e, boolean includeExecutionData) {
    ObjectNode n = F.objectNode();
    n.put("timestamp", time(e.timestamp()));
    n.put("type", e.type());
    n.put("id", e.id());
    n.put("previousEventId", e.previousEventId());
    for (Iterator<Map.Entry<String, JsonNode>> it = e.details().fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> detail = it.next();
      JsonNode value = detail.getValue();
      if (!includeExecutionData && value.isObject()) {
        ObjectNode stripped = ((ObjectNode) value).deepCopy();
        stripped.remove(java.util.List.of("input", "inputDetails", "output", "outputDetails"));
        value = stripped;
      }
      n.set(detail.getKey(), value);
    }
    return n;
  }
}
