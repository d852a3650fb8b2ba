package io.stepwise.persistence.index;

import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.index.WakeUpIndex.WakeUp;
import io.stepwise.persistence.journal.BatchOp;
import io.stepwise.persistence.journal.AppendWrite;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The wake-up and listing indexes and first writes, through the real group commit on LevelDB. */
class IndexesTest {
  private static final String M = "arn:aws:states:us-east-1:123456789012:stateMachine:m";
  @TempDir Path dir;
  private ActorTestKit kit;
  private StepwiseStorage.Handles storage;

  @BeforeEach
  void start() {
    kit = TestStorage.start(dir);
    storage = StepwiseStorage.get(kit.system()).handles();
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private void commit(IndexOp op) throws Exception {
    storage.committer().submit(op);
    await(op.done());
  }

  private static ExecutionIndex.Row row(String name, long startSecond, String status) {
    return new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:" + name, M, name, status,
        startSecond * 1_000_000, status.equals("RUNNING") ? -1 : (startSecond + 1) * 1_000_000);
  }

  @Test
  void executions_areListedNewestFirstAcrossPages() throws Exception {
    IndexOp op = new IndexOp();
    ExecutionIndex index = listing();
    for (int i = 0; i < 10; i++) index.put(op, row("e" + i, 1000 + i, "SUCCEEDED"), null);
    index.put(op, row("tie-a", 1005, "SUCCEEDED"), null);
    index.put(op, new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m2:x",
        M + "2", "x", "RUNNING", 5, -1), null);
    commit(op);
    List<String> names = new ArrayList<>();
    byte[] after = null;
    do {
      ExecutionIndex.Page page = index.page(M, M, null, after, 3);
      assertThat(page.rows().size()).isLessThanOrEqualTo(3);
      page.rows().forEach(r -> names.add(r.name()));
      after = page.next();
    } while (after != null);
    assertThat(names).hasSize(11).doesNotHaveDuplicates();
    assertThat(names.get(0)).isEqualTo("e9");
    assertThat(names.get(names.size() - 1)).isEqualTo("e0");
  }

  @Test
  void statusFilter_andAStatusChangeMovesTheRow() throws Exception {
    ExecutionIndex index = listing();
    commit(index.put(index.put(new IndexOp(), row("a", 1, "RUNNING"), null), row("b", 2, "RUNNING"), null));
    commit(index.put(new IndexOp(), row("a", 1, "FAILED"), "RUNNING"));
    assertThat(index.page(M, M, "RUNNING", null, 100).rows()).extracting(ExecutionIndex.Row::name).containsExactly("b");
    assertThat(index.page(M, M, "FAILED", null, 100).rows()).extracting(ExecutionIndex.Row::name).containsExactly("a");
    assertThat(index.page(M, M, null, null, 100).rows()).extracting(ExecutionIndex.Row::status)
        .containsExactly("RUNNING", "FAILED");
    ExecutionIndex.Row a = index.page(M, M, "FAILED", null, 100).rows().get(0);
    assertThat(a).isEqualTo(row("a", 1, "FAILED"));
  }

  /**
   * An execution started through an alias is listed under its machine, the version the alias chose
   * and the alias; a status change moves it in all three listings, and its version, alias and
   * redrive fields read back as written.
   */
  @Test
  void anExecutionOfAnAlias_isListedUnderItsMachineVersionAndAlias() throws Exception {
    ExecutionIndex index = listing();
    String version = M + ":3";
    String alias = M + ":PROD";
    ExecutionIndex.Row viaAlias = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:va", M,
        "va", "RUNNING", 10_000_000, -1, version, alias, 0, -1);
    ExecutionIndex.Row viaVersion = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:vv", M,
        "vv", "RUNNING", 20_000_000, -1, version, null, 0, -1);
    commit(index.put(index.put(new IndexOp(), viaAlias, null), viaVersion, null));
    commit(index.put(new IndexOp(), row("plain", 30, "RUNNING"), null));
    assertThat(index.page(M, M, null, null, 10).rows()).extracting(ExecutionIndex.Row::name)
        .containsExactly("plain", "vv", "va");
    assertThat(index.page(version, M, null, null, 10).rows()).containsExactly(viaVersion, viaAlias);
    assertThat(index.page(alias, M, null, null, 10).rows()).containsExactly(viaAlias);

    ExecutionIndex.Row redriven = new ExecutionIndex.Row(viaAlias.executionArn(), M, "va", "FAILED", 10_000_000,
        11_000_000, version, alias, 2, 10_500_000);
    commit(index.put(new IndexOp(), redriven, "RUNNING"));
    for (String listed : List.of(M, version, alias)) {
      assertThat(index.page(listed, M, "RUNNING", null, 10).rows()).extracting(ExecutionIndex.Row::name)
          .doesNotContain("va");
      assertThat(index.page(listed, M, "FAILED", null, 10).rows()).containsExactly(redriven);
    }
  }

  /** A Map Run's child keeps its item count through a status change; other rows have none (-1). */
  @Test
  void aMapRunChild_keepsItsItemCount() throws Exception {
    ExecutionIndex index = listing();
    String mapRun = "arn:aws:states:us-east-1:123456789012:mapRun:m/Each:1b2c";
    ExecutionIndex.Row child = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m/Each:c1",
        mapRun, "c1", "RUNNING", 10_000_000, -1, null, null, 0, -1, 25);
    commit(index.put(index.put(new IndexOp(), child, null), row("plain", 20, "RUNNING"), null));
    assertThat(index.page(mapRun, mapRun, null, null, 10).rows()).containsExactly(child);
    commit(index.put(new IndexOp(), child.with("SUCCEEDED", 12_000_000), "RUNNING"));
    assertThat(index.page(mapRun, mapRun, "SUCCEEDED", null, 10).rows()).singleElement()
        .satisfies(r -> assertThat(r.itemCount()).isEqualTo(25))
        .satisfies(r -> assertThat(r.stopMicros()).isEqualTo(12_000_000));
    assertThat(index.page(M, M, null, null, 10).rows()).singleElement()
        .satisfies(r -> assertThat(r.itemCount()).isEqualTo(-1));
  }

  /** A filter that keeps few rows reads a bounded number per page, and the pages still find them all. */
  @Test
  void aFilteredPage_examinesBoundedRows_andPagingStillFindsEveryMatch() throws Exception {
    ExecutionIndex index = listing();
    IndexOp op = new IndexOp();
    for (int i = 0; i < 45; i++) index.put(op, row("f" + i, 100 + i, "SUCCEEDED"), null);
    commit(op);
    java.util.function.Predicate<ExecutionIndex.Row> oldest = r -> r.name().equals("f0") || r.name().equals("f1");
    ExecutionIndex.Page first = index.page(M, M, null, null, 1, oldest);
    assertThat(first.rows()).as("10 rows examined, none kept").isEmpty();
    assertThat(first.next()).isNotNull();
    List<String> found = new ArrayList<>();
    byte[] after = null;
    int pages = 0;
    do {
      ExecutionIndex.Page p = index.page(M, M, null, after, 1, oldest);
      p.rows().forEach(r -> found.add(r.name()));
      after = p.next();
      pages++;
    } while (after != null);
    assertThat(found).containsExactly("f1", "f0");
    assertThat(pages).isBetween(5, 7);
  }

  private ExecutionIndex listing() {
    return new ExecutionIndex(storage.db(), storage.names());
  }

  /**
   * Listing values are sealed: no name, status or date in clear, bound to their execution (a value
   * copied to another execution's row fails authentication); keys hold no ARN.
   */
  @Test
  void mapRunChildren_areReadBackByRunAndBlock_sealed_andBoundToTheirPlace() throws Exception {
    MapRunIndex index = new MapRunIndex(storage.db(), storage.names());
    String run = "arn:aws:states:us-east-1:123456789012:mapRun:m/Fan:1";
    String other = "arn:aws:states:us-east-1:123456789012:mapRun:m/Fan:2";
    byte[] canary = "{\"s\":\"SUCCEEDED\",\"o\":\"canary-output-77\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    IndexOp op = new IndexOp();
    index.putChildren(op, run, 0, canary);
    index.putChildren(op, run, 256, "{\"s\":\"FAILED\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    commit(op);
    assertThat(index.children(run, 0)).hasValueSatisfying(v -> assertThat(v).isEqualTo(canary));
    assertThat(index.children(run, 256).map(String::new)).contains("{\"s\":\"FAILED\"}");
    assertThat(index.children(run, 1)).isEmpty();
    assertThat(index.children(other, 0)).isEmpty();

    List<byte[]> keys = new ArrayList<>();
    List<byte[]> values = new ArrayList<>();
    storage.db().scan(new byte[] {'C'}, new byte[] {'D'}, e -> {
      keys.add(e.getKey());
      values.add(e.getValue());
      return io.stepwise.persistence.internal.Db.Scan.CONTINUE;
    });
    assertThat(values).hasSize(2).allSatisfy(v ->
        assertThat(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("canary"));
    assertThat(keys).allSatisfy(k -> assertThat(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("arn:"));
    // a child's sealed outcome copied under another child's key does not open there
    storage.db().put(keys.get(1), values.get(0), true);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> index.children(run, 256))
        .hasMessageContaining("failed authentication");
  }

  /**
   * Names whose keyed hash starts with {@code first}: the rows they name sort right at the end (or
   * the start) of their prefix's range.
   */
  private List<String> namesHashedTo(String base, byte first, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; out.size() < n; i++) {
      if (storage.names().hash(base + i)[0] == first) out.add(base + i);
    }
    return out;
  }

  /**
   * A prefix scan ends after every key of its prefix, not at {@code prefix + 0xFF}: a Map Run whose
   * keyed hash starts with 0xFF (one in 256) is listed with the others. (It was not, and a Retry's
   * second Map Run went missing from ListMapRuns now and then.)
   */
  @Test
  void everyMapRunOfAnExecution_isListed_whateverItsHashStartsWith() throws Exception {
    MapRunIndex index = new MapRunIndex(storage.db(), storage.names());
    String execution = "arn:aws:states:us-east-1:123456789012:execution:m:e";
    String base = "arn:aws:states:us-east-1:123456789012:mapRun:m/Fan:";
    List<String> runs = new ArrayList<>(namesHashedTo(base, (byte) 0xFF, 2));
    runs.addAll(namesHashedTo(base + "z", (byte) 0x00, 1));
    runs.addAll(namesHashedTo(base + "y", (byte) 0x7F, 1));
    runs.addAll(namesHashedTo(base + "x", (byte) 0x80, 1));
    IndexOp op = new IndexOp();
    for (String r : runs) index.put(op, execution, r, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    // another execution's run, hashed to 0xFF too, stays out
    index.put(op, execution + "2", namesHashedTo(base + "w", (byte) 0xFF, 1).get(0), new byte[] {'{', '}'});
    commit(op);
    assertThat(index.of(execution)).containsExactlyInAnyOrderElementsOf(runs);
  }

  /**
   * A listing's prefix ends with its machine's keyed hash, so its bound carries into the byte
   * before when that hash ends in 0xFF (Db.prefixEnd): every execution of such a machine is listed,
   * in every listing and filter, and no other machine's. (A bound that did not carry would list
   * nothing; executions themselves were never cut off, as the byte after a listing's prefix is a
   * start time, which never begins with 0xFF.)
   */
  @Test
  void listingOfAMachineWhoseHashEndsIn0xFF_isComplete() throws Exception {
    ExecutionIndex index = listing();
    String machine = null;
    for (int i = 0; machine == null; i++) {
      String candidate = "arn:aws:states:us-east-1:123456789012:stateMachine:m" + i;
      byte[] h = storage.names().hash(candidate);
      if (h[h.length - 1] == (byte) 0xFF) machine = candidate;
    }
    String listed = machine;
    List<String> names = new ArrayList<>(namesHashedTo(listed.replace("stateMachine", "execution") + ":", (byte) 0xFF, 2));
    names.addAll(namesHashedTo(listed.replace("stateMachine", "execution") + ":z", (byte) 0x00, 1));
    IndexOp op = new IndexOp();
    List<ExecutionIndex.Row> rows = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      String arn = names.get(i);
      rows.add(new ExecutionIndex.Row(arn, listed, arn.substring(arn.lastIndexOf(':') + 1), "RUNNING", 77 + i, -1));
      index.put(op, rows.get(i), null);
    }
    // another machine's execution stays out
    index.put(op, new ExecutionIndex.Row(M.replace("stateMachine", "execution") + ":other", M, "other", "RUNNING", 70, -1),
        null);
    commit(op);
    assertThat(index.page(listed, listed, null, null, 10).rows()).containsExactlyInAnyOrderElementsOf(rows);
    assertThat(index.page(listed, listed, "RUNNING", null, 10).rows()).containsExactlyInAnyOrderElementsOf(rows);
    assertThat(index.hasRunning(listed)).isTrue();
    for (ExecutionIndex.Row r : rows) assertThat(index.running(listed, r.executionArn())).contains(r);
  }

  @Test
  void prefixEnd_isTheFirstKeyAfterEveryKeyOfThePrefix() {
    byte ff = (byte) 0xFF;
    assertThat(io.stepwise.persistence.internal.Db.prefixEnd(new byte[] {'R', 1, 2})).containsExactly('R', 1, 3);
    assertThat(io.stepwise.persistence.internal.Db.prefixEnd(new byte[] {'R', 1, ff})).containsExactly('R', 2);
    assertThat(io.stepwise.persistence.internal.Db.prefixEnd(new byte[] {'R', ff, ff})).containsExactly('S');
    assertThat(io.stepwise.persistence.internal.Db.prefixEnd(new byte[] {ff, ff})).isNull();
    // every key of the prefix sorts below the end, the prefix's successor does not
    byte[] prefix = {'R', 0x10, (byte) 0xFE};
    byte[] end = io.stepwise.persistence.internal.Db.prefixEnd(prefix);
    for (byte[] k : new byte[][] {{'R', 0x10, (byte) 0xFE}, {'R', 0x10, (byte) 0xFE, ff, ff, ff}, {'R', 0x10, (byte) 0xFE, 0}}) {
      assertThat(java.util.Arrays.compareUnsigned(k, end)).isNegative();
    }
    assertThat(java.util.Arrays.compareUnsigned(new byte[] {'R', 0x10, ff}, end)).isZero();
  }

  @Test
  void listingRows_holdNoArnOrNameInClear_andValuesAreBoundToTheirExecution() throws Exception {
    String canary = "canary-name-5f3a";
    ExecutionIndex.Row row = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:e1", M,
        canary, "RUNNING", 42, -1);
    commit(listing().put(new IndexOp(), row, null));
    List<byte[]> values = new ArrayList<>();
    List<byte[]> keysWritten = new ArrayList<>();
    storage.db().scan(new byte[] {'X'}, new byte[] {'Z'}, e -> {
      values.add(e.getValue());
      keysWritten.add(e.getKey());
      return io.stepwise.persistence.internal.Db.Scan.CONTINUE;
    });
    assertThat(values).hasSize(2).allSatisfy(v ->
        assertThat(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(canary).doesNotContain("e1"));
    assertThat(keysWritten).allSatisfy(k -> assertThat(new String(k, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("arn:").doesNotContain("e1"));
    assertThat(listing().page(M, M, null, null, 10).rows()).containsExactly(row);

    // Another execution's row with this value: the value does not authenticate there.
    ExecutionIndex.Row other = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:e2", M,
        "e2", "RUNNING", 41, -1);
    IndexOp moved = listing().put(new IndexOp(), other, null);
    commit(moved);
    byte[][] keys = new byte[1][];
    byte[] e2 = storage.names().hash(other.executionArn());
    storage.db().scan(new byte[] {'X'}, new byte[] {'Y'}, e -> {
      byte[] k = e.getKey();
      if (java.util.Arrays.equals(k, k.length - e2.length, k.length, e2, 0, e2.length)) keys[0] = e.getKey();
      return io.stepwise.persistence.internal.Db.Scan.CONTINUE;
    });
    storage.db().put(keys[0], values.get(0), true);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> listing().page(M, M, null, null, 10))
        .hasMessageContaining("failed authentication");
  }

  @Test
  void theListingKey_isStoredWrapped_andTheSameAfterARestart() throws Exception {
    ExecutionIndex.Row row = new ExecutionIndex.Row("arn:aws:states:us-east-1:123456789012:execution:m:r", M, "r",
        "RUNNING", 7, -1);
    commit(listing().put(new IndexOp(), row, null));
    kit.shutdownTestKit();
    kit = TestStorage.start(dir);
    storage = StepwiseStorage.get(kit.system()).handles();
    assertThat(listing().page(M, M, null, null, 10).rows()).containsExactly(row);
  }

  /** State machines and activities: newest first within one account and region, paged, sealed, deleted. */
  @Test
  void resources_areListedNewestFirstWithinTheirPrefix_sealed() throws Exception {
    ResourceIndex index = new ResourceIndex(storage.db(), storage.names());
    String prefix = "arn:aws:states:us-east-1:123456789012:stateMachine:";
    IndexOp op = new IndexOp();
    for (int i = 4; i >= 0; i--) {
      index.put(op, ResourceIndex.Kind.STATE_MACHINE, new ResourceIndex.Entry(prefix + "s" + i, "s" + i, "STANDARD", i));
    }
    index.put(op, ResourceIndex.Kind.STATE_MACHINE, new ResourceIndex.Entry(
        "arn:aws:states:us-east-1:999999999999:stateMachine:other", "other", "EXPRESS", 9));
    index.put(op, ResourceIndex.Kind.ACTIVITY, new ResourceIndex.Entry(
        "arn:aws:states:us-east-1:123456789012:activity:a", "secret-activity-name", null, 7));
    commit(op);
    List<String> names = new ArrayList<>();
    ResourceIndex.Position after = null;
    do {
      ResourceIndex.Page page = index.page(ResourceIndex.Kind.STATE_MACHINE, prefix, after, 2);
      page.entries().forEach(e -> names.add(e.name()));
      after = page.last();
    } while (after != null);
    assertThat(names).containsExactly("s4", "s3", "s2", "s1", "s0");
    assertThat(index.get(ResourceIndex.Kind.ACTIVITY, "arn:aws:states:us-east-1:123456789012:activity:a"))
        .contains(new ResourceIndex.Entry("arn:aws:states:us-east-1:123456789012:activity:a", "secret-activity-name",
            null, 7));
    List<byte[]> rows = new ArrayList<>();
    storage.db().scan(new byte[] {'L'}, new byte[] {'W'}, e -> {
      rows.add(e.getKey());
      rows.add(e.getValue());
      return io.stepwise.persistence.internal.Db.Scan.CONTINUE;
    });
    assertThat(rows).hasSize(2 * 2 * 7).allSatisfy(v -> assertThat(new String(v, java.nio.charset.StandardCharsets.ISO_8859_1))
        .doesNotContain("secret-activity-name").doesNotContain("STANDARD").doesNotContain("arn:").doesNotContain("other"));
    commit(index.delete(new IndexOp(), ResourceIndex.Kind.STATE_MACHINE, prefix + "s2", 2));
    assertThat(index.page(ResourceIndex.Kind.STATE_MACHINE, prefix, null, 100).entries())
        .extracting(ResourceIndex.Entry::name).containsExactly("s4", "s3", "s1", "s0");
    assertThat(index.get(ResourceIndex.Kind.STATE_MACHINE, prefix + "s2")).isEmpty();
    // Created again: deleting what was created by an earlier time leaves the new one listed.
    commit(index.put(new IndexOp(), ResourceIndex.Kind.STATE_MACHINE, new ResourceIndex.Entry(prefix + "s1", "s1",
        "STANDARD", 20)));
    commit(index.deleteAll(new IndexOp(), ResourceIndex.Kind.STATE_MACHINE, prefix + "s1", 10));
    assertThat(index.page(ResourceIndex.Kind.STATE_MACHINE, prefix, null, 100).entries())
        .extracting(ResourceIndex.Entry::name, ResourceIndex.Entry::creationMicros)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("s1", 20L), org.assertj.core.groups.Tuple.tuple("s4", 4L),
            org.assertj.core.groups.Tuple.tuple("s3", 3L), org.assertj.core.groups.Tuple.tuple("s0", 0L));
  }

  @Test
  void wakeUps_areScannedInDeadlineOrderWithinTheirRange() throws Exception {
    IndexOp op = new IndexOp();
    for (int i = 9; i >= 0; i--) WakeUpIndex.put(op, new WakeUp(Instant.ofEpochMilli(1000L * i), "exec-" + i, "t" + i));
    WakeUpIndex.put(op, new WakeUp(Instant.ofEpochMilli(3000), "exec-x", "$timeout"));
    commit(op);
    WakeUpIndex index = new WakeUpIndex(storage.db(), storage.names());
    List<WakeUp> due = index.scan(999, 3000, 100);
    // In deadline order (two rows due in the same millisecond come in either order).
    assertThat(due).extracting(WakeUp::entityId).containsExactlyInAnyOrder("exec-1", "exec-2", "exec-3", "exec-x");
    assertThat(due).extracting(w -> w.deadline().toEpochMilli()).containsExactly(1000L, 2000L, 3000L, 3000L);
    assertThat(due).filteredOn(w -> w.entityId().equals("exec-x")).extracting(WakeUp::timerId).containsExactly("$timeout");
    due.sort(null);
    assertThat(index.scan(-1, Long.MAX_VALUE, 4)).hasSize(4);
    commit(WakeUpIndex.delete(new IndexOp(), due.get(0)));
    assertThat(index.scan(-1, Long.MAX_VALUE, 100)).hasSize(10).doesNotContain(due.get(0));
  }

  @Test
  void aWakeUpReadBack_equalsTheOneWritten_andNeverFallsDueEarly() throws Exception {
    WakeUp precise = new WakeUp(Instant.ofEpochSecond(100, 1_500_001), "e", "$timeout");
    assertThat(precise.deadline()).isEqualTo(Instant.ofEpochSecond(100, 2_000_000));
    commit(WakeUpIndex.put(new IndexOp(), precise));
    assertThat(new WakeUpIndex(storage.db(), storage.names()).scan(-1, Long.MAX_VALUE, 10)).containsExactly(precise);
  }

  @Test
  void aFirstWrite_isRefusedOnceTheIdHasEvents_andItsRowsGoOnlyWithIt() throws Exception {
    WakeUp row = new WakeUp(Instant.ofEpochMilli(42), "e1", "t");
    AppendWrite first = new AppendWrite("Test|e1", 0, List.of("one", "two"), "w",
        WakeUpIndex.put(new IndexOp(), row));
    AppendWrite second = new AppendWrite("Test|e1", 0, List.of("other"), "w",
        WakeUpIndex.put(new IndexOp(), new WakeUp(Instant.ofEpochMilli(43), "e1", "t2")));
    submit(first);
    submit(second);
    assertThat(await(first.done())).isEqualTo(AppendWrite.Outcome.WRITTEN);
    assertThat(await(second.done())).isEqualTo(AppendWrite.Outcome.CONFLICT);
    assertThat(new WakeUpIndex(storage.db(), storage.names()).scan(-1, Long.MAX_VALUE, 10)).containsExactly(row);
    var events = await(storage.reader().read("Test|e1", 1, Long.MAX_VALUE, 10));
    assertThat(events).extracting(r -> r.payload()).containsExactly("one", "two");
    assertThat(events).extracting(r -> r.sequenceNr()).containsExactly(1L, 2L);
  }

  @Test
  void anAppendWrite_goesOnlyAfterTheSequenceNumberItRead_andTakesItsRowsWithIt() throws Exception {
    WakeUp kept = new WakeUp(Instant.ofEpochMilli(42), "e2", "t");
    WakeUp next = new WakeUp(Instant.ofEpochMilli(50), "e2", "t2");
    submit(new AppendWrite("Test|e2", 0, List.of("one"), "w", WakeUpIndex.put(new IndexOp(), kept)));
    // Two writers read the journal at 1: one wins, the other's events and rows are not written.
    AppendWrite winner = new AppendWrite("Test|e2", 1, List.of("two", "three"), "w",
        WakeUpIndex.put(WakeUpIndex.delete(new IndexOp(), kept), next));
    AppendWrite stale = new AppendWrite("Test|e2", 1, List.of("stale"), "w",
        WakeUpIndex.delete(new IndexOp(), next));
    AppendWrite gap = new AppendWrite("Test|e2", 5, List.of("gap"), "w", new IndexOp());
    submit(winner);
    submit(stale);
    submit(gap);
    assertThat(await(winner.done())).isEqualTo(AppendWrite.Outcome.WRITTEN);
    assertThat(await(stale.done())).isEqualTo(AppendWrite.Outcome.CONFLICT);
    assertThat(await(gap.done())).isEqualTo(AppendWrite.Outcome.CONFLICT);
    assertThat(new WakeUpIndex(storage.db(), storage.names()).scan(-1, Long.MAX_VALUE, 10)).containsExactly(next);
    var events = await(storage.reader().read("Test|e2", 1, Long.MAX_VALUE, 10));
    assertThat(events).extracting(r -> r.payload()).containsExactly("one", "two", "three");
    assertThat(events).extracting(r -> r.sequenceNr()).containsExactly(1L, 2L, 3L);
  }

  @Test
  void largePayloads_areCompressedBeforeSealing_andReadBackWhole() throws Exception {
    String big = "{\"items\":[" + "{\"name\":\"same\",\"value\":42},".repeat(400) + "{}]}";
    AppendWrite write = new AppendWrite("Test|big", 0, List.of(big, "small"), "w", new IndexOp());
    submit(write);
    assertThat(await(write.done())).isEqualTo(AppendWrite.Outcome.WRITTEN);
    var events = await(storage.reader().read("Test|big", 1, Long.MAX_VALUE, 10));
    assertThat(events).extracting(r -> r.payload()).containsExactly(big, "small");
    long id = storage.store().idOf("Test|big").orElseThrow();
    var stored = storage.store().readEvents(id, 1, 1, 1);
    assertThat(stored.get(0).envelope().length).isLessThan(big.length() / 4);
  }

  private void submit(BatchOp op) {
    storage.committer().submit(op);
  }
}
