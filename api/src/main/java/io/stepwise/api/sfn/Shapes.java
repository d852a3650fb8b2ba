package io.stepwise.api.sfn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.interpreter.HistoryEvent;
import io.stepwise.engine.execution.ExecutionInfo;
import io.stepwise.engine.execution.ExecutionView;
import io.stepwise.engine.execution.Result;
import io.stepwise.engine.statemachine.StateMachineRecord;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;

/** Renders engine records as the response shapes of the AWS Step Functions API. */
final class Shapes {
  private Shapes() {}

  static final JsonNodeFactory F = JsonNodeFactory.instance;

  /** AWS JSON timestamps: epoch seconds with a fractional part (millisecond precision). */
  static BigDecimal time(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  static ObjectNode logging(JsonNode given) {
    if (given != null && given.isObject()) return given.deepCopy();
    ObjectNode n = F.objectNode();
    n.put("level", "OFF");
    n.put("includeExecutionData", false);
    return n;
  }

  static ObjectNode tracing(JsonNode given) {
    if (given != null && given.isObject()) return given.deepCopy();
    return F.objectNode().put("enabled", false);
  }

  static ObjectNode describeStateMachine(StateMachineRecord m) {
    ObjectNode n = F.objectNode();
    n.put("stateMachineArn", m.stateMachineArn());
    n.put("name", m.name());
    n.put("status", "ACTIVE");
    n.put("definition", m.definition());
    n.put("roleArn", m.roleArn());
    n.put("type", m.type());
    n.put("creationDate", time(m.creationDate()));
    n.set("loggingConfiguration", logging(m.loggingConfiguration()));
    n.set("tracingConfiguration", tracing(m.tracingConfiguration()));
    if (m.revisionId() != null) n.put("revisionId", m.revisionId());
    if (m.description() != null) n.put("description", m.description());
    n.set("encryptionConfiguration", F.objectNode().put("type", "AWS_OWNED_KEY"));
    return n;
  }

  static ObjectNode describeStateMachineForExecution(ExecutionInfo i) {
    ObjectNode n = F.objectNode();
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.stateMachineName());
    n.put("definition", i.definition());
    n.put("roleArn", i.roleArn());
    n.put("updateDate", time(i.stateMachineUpdateDate() != null ? i.stateMachineUpdateDate() : i.startDate()));
    n.set("loggingConfiguration", logging(i.loggingConfiguration()));
    n.set("tracingConfiguration", tracing(i.tracingConfiguration()));
    if (i.revisionId() != null) n.put("revisionId", i.revisionId());
    n.set("encryptionConfiguration", F.objectNode().put("type", "AWS_OWNED_KEY"));
    return n;
  }

  static ObjectNode describeExecution(ExecutionView v) {
    ExecutionInfo i = v.info();
    ObjectNode n = F.objectNode();
    n.put("executionArn", i.executionArn());
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.name());
    n.put("status", v.status());
    n.put("startDate", time(i.startDate()));
    n.put("input", i.input());
    n.set("inputDetails", F.objectNode().put("included", true));
    result(n, v.result());
    n.put("redriveCount", 0);
    if (v.result() == null || v.result().status().equals("SUCCEEDED")) {
      n.put("redriveStatus", "NOT_REDRIVABLE");
      n.put("redriveStatusReason", "Execution is " + v.status() + " and cannot be redriven");
    }
    return n;
  }

  static ObjectNode startSyncExecution(ExecutionView v) {
    ExecutionInfo i = v.info();
    ObjectNode n = F.objectNode();
    n.put("executionArn", i.executionArn());
    n.put("stateMachineArn", i.stateMachineArn());
    n.put("name", i.name());
    n.put("startDate", time(i.startDate()));
    n.put("status", v.status());
    n.put("input", i.input());
    n.set("inputDetails", F.objectNode().put("included", true));
    result(n, v.result());
    long millis = Math.max(1, v.result().stopDate().toEpochMilli() - i.startDate().toEpochMilli());
    ObjectNode billing = F.objectNode();
    billing.put("billedMemoryUsedInMB", 64);
    billing.put("billedDurationInMilliseconds", ((millis + 99) / 100) * 100);
    n.set("billingDetails", billing);
    return n;
  }

  private static void result(ObjectNode n, Result r) {
    if (r == null) return;
    n.put("stopDate", time(r.stopDate()));
    if (r.output() != null) {
      n.put("output", r.output());
      n.set("outputDetails", F.objectNode().put("included", true));
    }
    if (r.error() != null) n.put("error", r.error());
    if (r.cause() != null) n.put("cause", r.cause());
  }

  /** One history event; without execution data the input and output members are left out. */
  static ObjectNode historyEvent(HistoryEvent e, boolean includeExecutionData) {
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
