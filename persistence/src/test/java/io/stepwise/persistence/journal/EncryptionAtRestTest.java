package io.stepwise.persistence.journal;

import static io.stepwise.persistence.TestStorage.add;
import static io.stepwise.persistence.TestStorage.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.UnreadableEvent;
import io.stepwise.persistence.query.javadsl.StepwiseReadJournal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionAtRestTest {
  private static final String CANARY = "CANARY-5b9e1f7c-do-not-store";

  @TempDir Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void canary_appearsInNoFileUnderTheDataDirectory() throws Exception {
    kit = TestStorage.start(dir);
    for (int i = 0; i < 5; i++) {
      var e = kit.spawn(TestEntity.withSnapshots("canary-" + i, 2));
      add(kit, e, CANARY + " event one " + i, CANARY + " event two " + i, CANARY + " event three " + i);
    }
    kit.shutdownTestKit();
    kit = null;

    // Reopened, the events are all there: the scan is not passing because nothing was written.
    kit = TestStorage.start(dir);
    assertThat(state(kit, kit.spawn(TestEntity.withSnapshots("canary-4", 2))).texts()).hasSize(3)
        .allSatisfy(t -> assertThat(t).startsWith(CANARY));
    kit.shutdownTestKit();
    kit = null;

    byte[] needle = CANARY.getBytes(StandardCharsets.UTF_8);
    List<Path> files;
    try (var walk = Files.walk(dir)) {
      files = walk.filter(Files::isRegularFile).toList();
    }
    assertThat(files).extracting(f -> f.getFileName().toString()).anyMatch(n -> n.endsWith(".log") || n.endsWith(".ldb"));
    for (Path f : files) {
      assertThat(indexOf(Files.readAllBytes(f), needle)).as("canary in " + f).isEqualTo(-1);
    }
  }

  /**
   * A data key's row names its KMS key and encryption context (a state machine's ARN, with its
   * name): sealed, so the context is in no file; a row an earlier version stored in clear is
   * sealed (and its clear copy compacted away) when the storage opens again.
   */
  @Test
  void encryptionContexts_appearInNoFile_evenFromRowsStoredInClearBefore() throws Exception {
    String arn = "arn:aws:states:us-east-1:123456789012:stateMachine:" + CANARY + "-machine";
    kit = TestStorage.start(dir);
    StepwiseStorage storage = StepwiseStorage.get(kit.system());
    var target = new io.stepwise.persistence.keys.EncryptionTarget(storage.handles().kms().serviceOwnedKeyId(),
        java.util.Map.of("aws:states:stateMachineArn", arn), java.time.Duration.ofSeconds(300));
    storage.useKeySelector(pid -> target);
    add(kit, kit.spawn(TestEntity.create("ctx")), "one", "two");
    kit.shutdownTestKit();
    kit = null;
    assertNoFileHolds(CANARY);

    // as an earlier version stored it: the row's clear encoding
    // in a journal whose rows are sealed, a row in clear is someone else's: refused, its events unreadable
    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      assertThat(clearDataKeyRow(db, dir)).as("a data-key row in the journal").isNotNull();
    }
    kit = TestStorage.start(dir);
    assertThat(state(kit, kit.spawn(TestEntity.create("ctx"))).problems()).isNotEmpty();
    kit.shutdownTestKit();
    kit = null;
    // an earlier version's journal (no record that its rows are sealed): sealed at open, then read
    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      try (var batch = db.newBatch()) {
        batch.delete(JournalKeys.counter("data-key-rows-state"));
        db.write(batch, true);
      }
      byte[] clear = db.get(firstDataKeyRow(db));
      assertThat(indexOf(clear, CANARY.getBytes(StandardCharsets.UTF_8))).as("the clear row names the context").isNotNegative();
    }
    kit = TestStorage.start(dir);
    assertThat(state(kit, kit.spawn(TestEntity.create("ctx"))).texts()).containsExactly("one", "two");
    kit.shutdownTestKit();
    kit = null;
    assertNoFileHolds(CANARY);
  }

  private static byte[] firstDataKeyRow(io.stepwise.persistence.internal.Db db) {
    byte[][] found = new byte[1][];
    db.scan(new byte[] {'k'}, new byte[] {'l'}, e -> {
      found[0] = e.getKey();
      return io.stepwise.persistence.internal.Db.Scan.STOP;
    });
    return found[0];
  }

  /** Rewrites the first data-key row in clear, as an earlier version stored it; returns that encoding. */
  private static byte[] clearDataKeyRow(io.stepwise.persistence.internal.Db db, Path dataDir) throws Exception {
    byte[][] found = new byte[1][];
    db.scan(new byte[] {'k'}, new byte[] {'l'}, e -> {
      found[0] = e.getKey();
      return io.stepwise.persistence.internal.Db.Scan.STOP;
    });
    if (found[0] == null) return null;
    // the storage is closed: open the row with the store's own cipher, through a second storage
    var kms = io.stepwise.persistence.kms.LocalKms.open(dataDir.resolve("kms"), dataDir,
        "STEPWISE_TEST_UNSET_ROOT_KEY", java.time.Clock.systemUTC());
    try {
      var store = new JournalStore(db, io.stepwise.persistence.index.ServiceKeys.dataKeyRowCipher(db, kms),
          io.stepwise.persistence.index.ServiceKeys.rowNames(db, kms));
      long ref = java.nio.ByteBuffer.wrap(found[0], 1, 8).getLong();
      var row = store.find(ref).orElseThrow();
      byte[] clear = JournalStore.clearEncoding(row);
      db.put(found[0], clear, true);
      return clear;
    } finally {
      kms.close();
    }
  }

  private void assertNoFileHolds(String canary) throws Exception {
    byte[] needle = canary.getBytes(StandardCharsets.UTF_8);
    try (var walk = Files.walk(dir)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        assertThat(indexOf(Files.readAllBytes(f), needle)).as("canary in " + f).isEqualTo(-1);
      }
    }
  }

  @Test
  void flippedCiphertextBit_replaysAsUnreadableEventWhileOthersAreFine() throws Exception {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("victim")), "v1", "v2", "v3");
    add(kit, kit.spawn(TestEntity.create("bystander")), "b1", "b2");
    kit.shutdownTestKit();
    kit = null;

    JournalTool.flipCiphertextBit(dir, "victim", 2);

    kit = TestStorage.start(dir);
    TestEntity.State victim = state(kit, kit.spawn(TestEntity.create("victim")));
    assertThat(victim.texts()).containsExactly("v1", "v3");
    assertThat(victim.problems()).singleElement().asString().startsWith("2: ciphertext failed authentication");
    assertThat(state(kit, kit.spawn(TestEntity.create("bystander"))).texts()).containsExactly("b1", "b2");

    StepwiseReadJournal query = PersistenceQuery.get(kit.system())
        .getReadJournalFor(StepwiseReadJournal.class, StepwiseReadJournal.IDENTIFIER);
    List<EventEnvelope> events = query.currentEventsByPersistenceId("victim", 0, Long.MAX_VALUE)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(events.get(1).event()).isInstanceOfSatisfying(UnreadableEvent.class, u -> {
      assertThat(u.persistenceId()).isEqualTo("victim");
      assertThat(u.sequenceNr()).isEqualTo(2);
    });
    assertThat(events.get(2).event()).isEqualTo(new TestEntity.Added("v3"));
  }

  @Test
  void eventNamingUnknownDataKey_replaysAsUnreadableEvent() {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("u")), "u1", "u2");
    kit.shutdownTestKit();
    kit = null;

    // Point event 1 at a data key that does not exist, keeping the rest of the envelope.
    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      long id = JournalTool.store(db, dir).idOf("u").orElseThrow();
      byte[] key = JournalKeys.event(id, 1);
      byte[] value = db.get(key);
      java.nio.ByteBuffer.wrap(value).putLong(1, 999_999L);
      db.put(key, value, true);
    }

    kit = TestStorage.start(dir);
    TestEntity.State u = state(kit, kit.spawn(TestEntity.create("u")));
    assertThat(u.texts()).containsExactly("u2");
    assertThat(u.problems()).singleElement().asString().contains("data key 999999 unavailable");
  }

  @Test
  void persistenceIds_listedInIdOrderAcrossPages_damagedRowsSkipped() {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("seed")), "s1");
    kit.shutdownTestKit();
    kit = null;

    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      JournalStore store = JournalTool.store(db, dir);
      long seed = store.idOf("seed").orElseThrow();
      java.util.LinkedHashMap<Long, String> expected = new java.util.LinkedHashMap<>();
      expected.put(seed, "seed");
      for (int i = 0; i < 9_000; i++) { // more than two of the pages they are opened in
        long id = store.nextId();
        store.recordId("p-" + i, id, (k, v) -> db.put(k, v, false));
        expected.put(id, "p-" + i);
      }
      java.util.List<Long> ids = new java.util.ArrayList<>(expected.keySet());
      for (int at : new int[] {1, 4096, 4097, 8191}) { // a damaged row hides its entity only
        long id = ids.get(at);
        byte[] row = db.get(JournalKeys.pidById(id));
        row[row.length - 1] ^= 1;
        db.put(JournalKeys.pidById(id), row, false);
        expected.remove(id);
      }
      assertThat(store.persistenceIds(0, Integer.MAX_VALUE)).containsExactlyEntriesOf(expected);
      java.util.List<Long> kept = new java.util.ArrayList<>(expected.keySet());
      assertThat(store.persistenceIds(0, 4096).keySet()).containsExactlyElementsOf(kept.subList(0, 4096));
      long after = kept.get(4000);
      assertThat(store.persistenceIds(after, 4500).keySet()).containsExactlyElementsOf(kept.subList(4001, 8501));
      assertThat(store.persistenceIds(kept.get(kept.size() - 1), 10)).isEmpty();
    }
  }

  @Test
  void scanEvents_readsTheEntitiesOfItsRangeWhole_andNoOthers() {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("first")), "f1", "f2");
    add(kit, kit.spawn(TestEntity.create("middle")), "m1", "m2", "m3");
    add(kit, kit.spawn(TestEntity.create("last")), "l1");
    kit.shutdownTestKit();
    kit = null;

    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      JournalStore store = JournalTool.store(db, dir);
      long first = store.idOf("first").orElseThrow();
      long middle = store.idOf("middle").orElseThrow();
      long last = store.idOf("last").orElseThrow();
      java.util.List<String> seen = new java.util.ArrayList<>();
      store.scanEvents(middle, middle, (id, seq, envelope) -> seen.add(id + "#" + seq));
      assertThat(seen).containsExactly(middle + "#1", middle + "#2", middle + "#3");
      seen.clear();
      store.scanEvents(first, middle, (id, seq, envelope) -> seen.add(id + "#" + seq));
      assertThat(seen).containsExactly(first + "#1", first + "#2", middle + "#1", middle + "#2", middle + "#3");
      seen.clear();
      store.scanEvents((id, seq, envelope) -> seen.add(id + "#" + seq));
      assertThat(seen).contains(first + "#1", middle + "#3", last + "#1").hasSize(6);
    }
  }

  @Test
  void tamperedSnapshot_failsThatEntitysRecoveryOnly() {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.withSnapshots("snap", 2)), "s1", "s2", "s3");
    add(kit, kit.spawn(TestEntity.create("fine")), "f1");
    kit.shutdownTestKit();
    kit = null;

    try (var db = io.stepwise.persistence.internal.Db.open(dir.resolve("journal"), dir)) {
      JournalStore store = JournalTool.store(db, dir);
      var snapshots = store.snapshots(store.idOf("snap").orElseThrow());
      assertThat(snapshots).isNotEmpty();
      for (JournalStore.RawEntry s : snapshots) {
        byte[] value = s.envelope().clone();
        value[value.length - 1] ^= 0x01;
        db.put(JournalStore.snapshotKey(store.idOf("snap").orElseThrow(), s.sequenceNr(), s.timestamp()), value, true);
      }
    }

    kit = TestStorage.start(dir);
    var broken = kit.spawn(TestEntity.withSnapshots("snap", 2));
    kit.createTestProbe().expectTerminated(broken, java.time.Duration.ofSeconds(10));
    assertThat(state(kit, kit.spawn(TestEntity.create("fine"))).texts()).containsExactly("f1");
  }

  @Test
  void eventsAfterRestart_unwrapTheirDataKeyThroughKms() {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("k")), "a", "b");
    kit.shutdownTestKit();
    kit = TestStorage.start(dir);
    var metrics = StepwiseStorage.get(kit.system()).keyMetrics();
    assertThat(state(kit, kit.spawn(TestEntity.create("k"))).texts()).containsExactly("a", "b");
    assertThat(metrics.kmsDecrypts()).isEqualTo(1);
    assertThat(state(kit, kit.spawn(TestEntity.create("k"), "k-again")).texts()).containsExactly("a", "b");
    assertThat(metrics.kmsDecrypts()).as("second replay served from the data key cache").isEqualTo(1);
  }

  static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
