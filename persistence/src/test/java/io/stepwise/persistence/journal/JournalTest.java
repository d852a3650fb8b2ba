package io.stepwise.persistence.journal;

import static io.stepwise.persistence.TestStorage.add;
import static io.stepwise.persistence.TestStorage.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.query.javadsl.StepwiseReadJournal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalTest {
  @TempDir Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void persistedEvents_replayAfterRestartInOrder() {
    kit = TestStorage.start(dir);
    ActorRef<TestEntity.Command> a = kit.spawn(TestEntity.create("a"));
    add(kit, a, "one", "two", "three");
    assertThat(state(kit, a).texts()).containsExactly("one", "two", "three");
    kit.shutdownTestKit();

    kit = TestStorage.start(dir);
    ActorRef<TestEntity.Command> again = kit.spawn(TestEntity.create("a"));
    assertThat(state(kit, again).texts()).containsExactly("one", "two", "three");
    add(kit, again, "four");
    assertThat(state(kit, again).texts()).containsExactly("one", "two", "three", "four");
  }

  @Test
  void manyEntitiesWritingAtOnce_eachKeepsItsOrder() {
    kit = TestStorage.start(dir);
    int entities = 20;
    var probe = kit.<org.apache.pekko.Done>createTestProbe();
    List<ActorRef<TestEntity.Command>> refs = new java.util.ArrayList<>();
    for (int i = 0; i < entities; i++) {
      refs.add(kit.spawn(TestEntity.create("e" + i)));
    }
    for (int n = 0; n < 10; n++) {
      for (var r : refs) {
        r.tell(new TestEntity.Add("m" + n, probe.getRef()));
      }
    }
    probe.receiveSeveralMessages(entities * 10, Duration.ofSeconds(20));
    var committer = StepwiseStorage.get(kit.system()).handles().committer();
    assertThat(committer.batchedOps()).isEqualTo(entities * 10);
    assertThat(committer.batches()).as("writes from many entities share fsyncs").isLessThan(entities * 10);
    kit.shutdownTestKit();

    kit = TestStorage.start(dir);
    for (int i = 0; i < entities; i++) {
      var r = kit.spawn(TestEntity.create("e" + i));
      assertThat(state(kit, r).texts()).containsExactly("m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9");
    }
  }

  @Test
  void highestSequenceNr_survivesDeletionBySnapshot() throws Exception {
    kit = TestStorage.start(dir);
    ActorRef<TestEntity.Command> s = kit.spawn(TestEntity.withSnapshots("s", 3));
    add(kit, s, "1", "2", "3", "4", "5", "6", "7");
    awaitEventsDeletedUpTo("s", 3);
    kit.shutdownTestKit();

    assertThat(JournalTool.sequenceNrs(dir, "s")).doesNotContain(1L, 2L, 3L).contains(7L);

    kit = TestStorage.start(dir);
    ActorRef<TestEntity.Command> again = kit.spawn(TestEntity.withSnapshots("s", 3));
    assertThat(state(kit, again).texts()).containsExactly("1", "2", "3", "4", "5", "6", "7");
    add(kit, again, "8");
    var handles = StepwiseStorage.get(kit.system()).handles();
    assertThat(handles.reader().highestSequenceNr("s").toCompletableFuture().get(5, TimeUnit.SECONDS)).isEqualTo(8L);
  }

  @Test
  void readJournal_listsIdsAndDecryptsEvents() throws Exception {
    kit = TestStorage.start(dir);
    add(kit, kit.spawn(TestEntity.create("first")), "x");
    add(kit, kit.spawn(TestEntity.create("second")), "y", "z");
    StepwiseReadJournal query = PersistenceQuery.get(kit.system())
        .getReadJournalFor(StepwiseReadJournal.class, StepwiseReadJournal.IDENTIFIER);

    List<String> ids = query.currentPersistenceIds().runWith(Sink.seq(), kit.system())
        .toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(ids).containsExactly("first", "second");

    List<EventEnvelope> events = query.currentEventsByPersistenceId("second", 0, Long.MAX_VALUE)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(events).extracting(EventEnvelope::sequenceNr).containsExactly(1L, 2L);
    assertThat(events).extracting(EventEnvelope::event)
        .containsExactly(new TestEntity.Added("y"), new TestEntity.Added("z"));
  }

  @Test
  void liveQuery_seesEventsWrittenLater() throws Exception {
    kit = TestStorage.start(dir);
    StepwiseReadJournal query = PersistenceQuery.get(kit.system())
        .getReadJournalFor(StepwiseReadJournal.class, StepwiseReadJournal.IDENTIFIER);
    var firstTwo = query.eventsByPersistenceId("live", 0, Long.MAX_VALUE).take(2)
        .runWith(Sink.seq(), kit.system()).toCompletableFuture();
    ActorRef<TestEntity.Command> live = kit.spawn(TestEntity.create("live"));
    add(kit, live, "a", "b");
    assertThat(firstTwo.get(10, TimeUnit.SECONDS)).extracting(EventEnvelope::event)
        .containsExactly(new TestEntity.Added("a"), new TestEntity.Added("b"));
  }

  /** Every persistence id of a type is found, also those whose keyed hash starts with 0xFF (one in 256). */
  @Test
  void persistenceIdsOfType_findsEveryIdWhateverItsHash() throws Exception {
    kit = TestStorage.start(dir);
    var handles = StepwiseStorage.get(kit.system()).handles();
    List<String> ids = new java.util.ArrayList<>();
    for (int i = 0; ids.size() < 3; i++) {
      if (handles.names().hash("Thing|" + i)[0] == (byte) 0xFF) ids.add("Thing|" + i);
    }
    ids.add("Thing|plain");
    for (String id : ids) add(kit, kit.spawn(TestEntity.create(id)), "x");
    assertThat(handles.store().persistenceIdsOfType("Thing|")).containsExactlyInAnyOrderElementsOf(ids);
  }

  private void awaitEventsDeletedUpTo(String pid, long seq) throws InterruptedException {
    var store = StepwiseStorage.get(kit.system()).handles().store();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      var id = store.idOf(pid);
      if (id.isPresent() && store.deletedTo(id.getAsLong()) >= seq) {
        return;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("events of " + pid + " not deleted up to " + seq);
  }
}
