package io.stepwise.persistence.index;

import static io.stepwise.persistence.TestStorage.add;
import static io.stepwise.persistence.TestStorage.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.index.ActivityQueue.Task;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.internal.Db;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A data directory of an earlier version, whose journal keyed persistence ids and index rows by
 * ARNs and names in clear: at the next start every row moves to the hashed layout, reads as it
 * did, and no name stays in any file of the data directory.
 */
class IndexUpgradeTest {
  private static final String MACHINE_NAME = "canary-machine-7c1d";
  private static final String EXECUTION_NAME = "canary-execution-94ab";
  private static final String ACTIVITY_NAME = "canary-activity-2e6f";
  private static final String STATE_NAME = "canary-state-b803";
  private static final String PID = "canary-entity-51f0";
  private static final String PREFIX = "arn:aws:states:us-east-1:123456789012:";
  private static final String MACHINE = PREFIX + "stateMachine:" + MACHINE_NAME;
  private static final String EXECUTION = PREFIX + "execution:" + MACHINE_NAME + ":" + EXECUTION_NAME;
  private static final String ACTIVITY = PREFIX + "activity:" + ACTIVITY_NAME;
  private static final String MAP_RUN = PREFIX + "mapRun:" + MACHINE_NAME + "/m:1f2e";

  @TempDir
  Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) kit.shutdownTestKit();
  }

  @Test
  void anEarlierVersionsRows_moveToHashedKeys_readAsBefore_andNoNameStaysInAnyFile() throws Exception {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create(PID)), "one", "two");
    StepwiseStorage.Handles h = StepwiseStorage.get(kit.system()).handles();
    Db db = h.db();
    EventCipher listing = ServiceKeys.listingCipher(db, h.kms());
    long id = h.store().idOf(PID).getAsLong();

    // The persistence id as an earlier version stored it: in clear, both ways.
    for (byte table : new byte[] {'P', 'I'}) {
      List<byte[]> keys = new ArrayList<>();
      db.scan(new byte[] {table}, new byte[] {(byte) (table + 1)}, e -> {
        keys.add(e.getKey());
        return Db.Scan.CONTINUE;
      });
      assertThat(keys).hasSize(1);
      try (var batch = db.newBatch()) {
        batch.delete(keys.get(0));
        db.write(batch, true);
      }
    }
    db.put(concat(new byte[] {'p'}, utf8(PID)), ByteBuffer.allocate(8).putLong(id).array(), true);
    db.put(ByteBuffer.allocate(9).put((byte) 'i').putLong(id).array(), utf8(PID), true);

    // Listing rows with the ARNs in the key: one sealed under the listing key, one in clear.
    long start = 1_700_000_000_000_000L;
    byte[] v2 = ByteBuffer.allocate(1 + 8 + 8 + 4 + 8 + 2 + EXECUTION_NAME.length() + 2 + 2)
        .put((byte) (0x40 | 1)).putLong(start).putLong(start + 5).putInt(0).putLong(-1)
        .putShort((short) EXECUTION_NAME.length()).put(utf8(EXECUTION_NAME)).putShort((short) 0).putShort((short) 0)
        .array();
    db.put(concat(new byte[] {'x'}, utf8(MACHINE), new byte[] {0}, inverted(start), utf8(EXECUTION)),
        SealedValues.seal(listing, v2, concat(utf8("listing|"), utf8(EXECUTION))), true);
    byte[] v1 = concat(new byte[] {1}, ByteBuffer.allocate(16).putLong(start).putLong(start + 5).array(),
        utf8(EXECUTION_NAME));
    db.put(concat(new byte[] {'y'}, utf8(MACHINE), new byte[] {0, 1}, inverted(start), utf8(EXECUTION)), v1, true);

    // A state machine's and an activity's listing rows.
    putResource(db, listing, 'n', MACHINE, MACHINE_NAME, "STANDARD", 5);
    putResource(db, listing, 'v', ACTIVITY, ACTIVITY_NAME, "", 6);

    // A Map Run, a wake-up and a queued activity task.
    byte[] mapRunKey = concat(new byte[] {'m'}, utf8(MAP_RUN));
    db.put(mapRunKey, SealedValues.seal(listing, utf8("{\"label\":\"" + STATE_NAME + "\"}"),
        concat(utf8("maprun|"), mapRunKey)), true);
    db.put(concat(new byte[] {'r'}, utf8(EXECUTION), new byte[] {0}, utf8(MAP_RUN)), new byte[0], true);
    db.put(concat(new byte[] {'w'}, ByteBuffer.allocate(8).putLong(42_000).array(), utf8("Execution|" + EXECUTION),
        new byte[] {0}, utf8(STATE_NAME)), new byte[0], true);
    db.put(concat(new byte[] {'q'}, utf8(ACTIVITY), new byte[] {0}, ByteBuffer.allocate(8).putLong(start).array(),
        utf8(EXECUTION), new byte[] {0}, utf8(STATE_NAME + "#1")), new byte[0], true);

    kit.shutdownTestKit();
    kit = TestStorage.start(dir);
    h = StepwiseStorage.get(kit.system()).handles();
    db = h.db();

    assertThat(state(kit, kit.spawn(TestEntity.create(PID))).texts()).containsExactly("one", "two");
    assertThat(h.store().persistenceIds(0, Integer.MAX_VALUE).values()).containsExactly(PID);
    assertThat(h.store().idOf(PID)).hasValue(id);

    ExecutionIndex executions = new ExecutionIndex(db, h.names());
    ExecutionIndex.Row row = new ExecutionIndex.Row(EXECUTION, MACHINE, EXECUTION_NAME, "SUCCEEDED", start, start + 5);
    assertThat(executions.page(MACHINE, MACHINE, null, null, 10).rows()).containsExactly(row);
    assertThat(executions.page(MACHINE, MACHINE, "SUCCEEDED", null, 10).rows()).containsExactly(row);

    ResourceIndex resources = new ResourceIndex(db, h.names());
    assertThat(resources.get(ResourceIndex.Kind.STATE_MACHINE, MACHINE))
        .contains(new ResourceIndex.Entry(MACHINE, MACHINE_NAME, "STANDARD", 5));
    assertThat(resources.page(ResourceIndex.Kind.ACTIVITY, PREFIX + "activity:", null, 10).entries())
        .containsExactly(new ResourceIndex.Entry(ACTIVITY, ACTIVITY_NAME, null, 6));

    MapRunIndex mapRuns = new MapRunIndex(db, h.names());
    assertThat(mapRuns.get(MAP_RUN).map(b -> new String(b, StandardCharsets.UTF_8)))
        .contains("{\"label\":\"" + STATE_NAME + "\"}");
    assertThat(mapRuns.of(EXECUTION)).containsExactly(MAP_RUN);

    assertThat(new WakeUpIndex(db, h.names()).scan(-1, Long.MAX_VALUE, 10))
        .containsExactly(new WakeUp(Instant.ofEpochMilli(42_000), "Execution|" + EXECUTION, STATE_NAME));
    assertThat(new ActivityQueue(db, h.names()).oldest(ACTIVITY, 10)).containsExactly(
        new Task(ACTIVITY, Instant.ofEpochSecond(start / 1_000_000), EXECUTION, STATE_NAME + "#1"));

    for (byte old : utf8("piqxynvmrw")) {
      boolean[] left = {false};
      db.scan(new byte[] {old}, new byte[] {(byte) (old + 1)}, e -> {
        left[0] = true;
        return Db.Scan.STOP;
      });
      assertThat(left[0]).as("rows left under '" + (char) old + "'").isFalse();
    }

    kit.shutdownTestKit();
    kit = null;
    for (String name : List.of(MACHINE_NAME, EXECUTION_NAME, ACTIVITY_NAME, STATE_NAME, PID, "arn:aws:states")) {
      assertNoFileHolds(name);
    }
  }

  private static void putResource(Db db, EventCipher listing, char kind, String arn, String name, String type,
      long created) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeUTF(name);
    out.writeUTF(type);
    out.writeLong(created);
    byte[] key = concat(new byte[] {(byte) kind}, utf8(arn));
    db.put(key, SealedValues.seal(listing, bytes.toByteArray(), concat(utf8("resource|"), key)), true);
  }

  private void assertNoFileHolds(String canary) throws Exception {
    byte[] needle = utf8(canary);
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as(canary + " in " + f).isEqualTo(-1);
      }
    }
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) continue outer;
      }
      return i;
    }
    return -1;
  }

  private static byte[] inverted(long micros) {
    return ByteBuffer.allocate(8).putLong(Long.MAX_VALUE - micros).array();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) out.writeBytes(p);
    return out.toByteArray();
  }
}
