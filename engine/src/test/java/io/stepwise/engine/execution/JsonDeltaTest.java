package io.stepwise.engine.execution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.engine.Json;
import java.util.Random;
import org.junit.jupiter.api.Test;

class JsonDeltaTest {
  private static ObjectNode json(String text) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(text);
  }

  @Test
  void delta_holdsOnlyWhatChanged_andApplyingItGivesTheTarget() throws Exception {
    ObjectNode from = json("""
        {"input": {"items": [1, 2, 3], "big": "unchanged"}, "frame": {"state": "A", "retries": 0, "gone": true}, "n": 1}""");
    ObjectNode to = json("""
        {"input": {"items": [1, 2, 3], "big": "unchanged"}, "frame": {"state": "B", "retries": 0, "timer": "t1"}, "n": 1}""");
    ObjectNode delta = JsonDelta.diff(from, to);
    assertThat(delta.toString()).isEqualTo("{\"~\":{\"frame\":{\"=\":{\"state\":\"B\",\"timer\":\"t1\"},\"-\":[\"gone\"]}}}");
    ObjectNode applied = JsonDelta.apply(from, delta);
    assertThat(applied).isEqualTo(to);
    assertThat(applied.get("input")).isSameAs(from.get("input")); // shared, not copied
    assertThat(from).isEqualTo(json("""
        {"input": {"items": [1, 2, 3], "big": "unchanged"}, "frame": {"state": "A", "retries": 0, "gone": true}, "n": 1}"""));
  }

  @Test
  void equalObjects_giveAnEmptyDelta() throws Exception {
    ObjectNode a = json("{\"a\": {\"b\": [1, {\"c\": null}]}}");
    assertThat(JsonDelta.diff(a, a.deepCopy())).isEmpty();
    assertThat(JsonDelta.apply(a, JsonDelta.diff(a, a.deepCopy()))).isEqualTo(a);
  }

  @Test
  void typeChangesAndArrays_areReplacedWhole() throws Exception {
    ObjectNode from = json("{\"x\": {\"y\": 1}, \"arr\": [1, 2], \"s\": \"v\"}");
    ObjectNode to = json("{\"x\": [1], \"arr\": [1, 2, 3], \"s\": {\"now\": \"object\"}}");
    assertThat(JsonDelta.apply(from, JsonDelta.diff(from, to))).isEqualTo(to);
  }

  @Test
  void randomTrees_roundTrip_throughAChainOfDeltas() {
    Random random = new Random(42);
    ObjectNode current = randomObject(random, 3);
    ObjectNode replayed = current.deepCopy();
    for (int step = 0; step < 200; step++) {
      ObjectNode next = mutate(current.deepCopy(), random, 3);
      replayed = JsonDelta.apply(replayed, JsonDelta.diff(current, next));
      assertThat(replayed).isEqualTo(next);
      current = next;
    }
  }

  private static ObjectNode randomObject(Random r, int depth) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    int n = 1 + r.nextInt(5);
    for (int i = 0; i < n; i++) {
      String k = "k" + r.nextInt(8);
      if (depth > 0 && r.nextBoolean()) o.set(k, randomObject(r, depth - 1));
      else if (r.nextInt(4) == 0) o.putArray(k).add(r.nextInt(3)).add("s" + r.nextInt(3));
      else o.put(k, r.nextInt(5));
    }
    return o;
  }

  private static ObjectNode mutate(ObjectNode o, Random r, int depth) {
    int kind = r.nextInt(4);
    String k = "k" + r.nextInt(8);
    if (kind == 0) o.remove(k);
    else if (kind == 1) o.put(k, r.nextInt(5));
    else if (kind == 2 && depth > 0) o.set(k, randomObject(r, depth - 1));
    else if (o.get(k) instanceof ObjectNode child && depth > 0) o.set(k, mutate(child, r, depth - 1));
    return o;
  }
}
