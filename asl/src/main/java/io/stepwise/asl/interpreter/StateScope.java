package io.stepwise.asl.interpreter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.asl.model.State;
import io.stepwise.asl.path.Json;
import io.stepwise.asl.path.Scope;
import java.util.Map;

/** The {@link Scope} of one evaluation inside a state: its data, its context object, its frame's variables. */
final class StateScope implements Scope {
  private final Run run;
  private final Frame frame;
  private final JsonNode input;
  private JsonNode result;
  private JsonNode errorOutput;
  private JsonNode mapItemIndex;
  private JsonNode mapItem;
  private boolean mapItemKeyed;
  private ObjectNode context;
  private String taskToken;

  StateScope(Run run, Frame frame, JsonNode input) {
    this.run = run;
    this.frame = frame;
    this.input = input;
  }

  StateScope withResult(JsonNode r) {
    this.result = r;
    return this;
  }

  StateScope withErrorOutput(JsonNode e) {
    this.errorOutput = e;
    return this;
  }

  StateScope withTaskToken(String token) {
    this.taskToken = token;
    return this;
  }

  /** {@code $$.Map.Item} of item {@code index}; {@code keyed}: the item is an object's pair, whose Key and Value it names. */
  StateScope withMapItem(int index, JsonNode item, boolean keyed) {
    this.mapItemIndex = Json.NODES.numberNode(index);
    this.mapItem = item;
    this.mapItemKeyed = keyed;
    return this;
  }

  @Override
  public JsonNode input() {
    return input;
  }

  @Override
  public JsonNode result() {
    return result;
  }

  @Override
  public JsonNode errorOutput() {
    return errorOutput;
  }

  @Override
  public JsonNode context() {
    if (context == null) context = build();
    return context;
  }

  private ObjectNode build() {
    if (run.inspect != null && run.inspect.context != null) {
      ObjectNode given = (ObjectNode) run.inspect.context.deepCopy();
      if (taskToken != null) {
        ObjectNode task = given.get("Task") instanceof ObjectNode t ? t : given.putObject("Task");
        if (!task.has("Token")) task.put("Token", taskToken);
      }
      return given;
    }
    ExecutionContext ctx = run.ctx;
    ObjectNode c = Json.NODES.objectNode();
    ObjectNode e = c.putObject("Execution");
    e.put("Id", ctx.executionArn());
    e.set("Input", run.executionInput);
    e.put("StartTime", run.iso(ctx.startTime()));
    e.put("Name", ctx.executionName());
    e.put("RoleArn", ctx.roleArn());
    // Express executions cannot be redriven: AWS shows no RedriveCount for them
    if (ctx.executionArn() == null || !ctx.executionArn().contains(":express:")) e.put("RedriveCount", ctx.redriveCount());
    if (ctx.redriveTime() != null) e.put("RedriveTime", run.iso(ctx.redriveTime()));
    ObjectNode sm = c.putObject("StateMachine");
    sm.put("Id", ctx.stateMachineArn());
    sm.put("Name", ctx.stateMachineName());
    ObjectNode s = c.putObject("State");
    s.put("Name", frame.state);
    s.put("EnteredTime", run.iso(frame.enteredTime == null ? run.now : frame.enteredTime));
    State st = frame.machine.state(frame.state);
    if (st instanceof State.Task) s.put("RetryCount", frame.retryCount);
    if (taskToken != null) c.putObject("Task").put("Token", taskToken);
    if (mapItemIndex != null) {
      io.stepwise.asl.MapItemSelector.putItem(c.putObject("Map").putObject("Item"), mapItemIndex, mapItem, mapItemKeyed);
    }
    return c;
  }

  @Override
  public JsonNode variable(String name) {
    return frame.variable(name);
  }

  @Override
  public Map<String, JsonNode> variables() {
    return frame.allVariables();
  }

  @Override
  public long nextRandom() {
    return run.nextRandom();
  }
}
