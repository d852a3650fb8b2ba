package io.stepwise.persistence.journal;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.PersistentEnvelope;
import org.apache.pekko.persistence.PersistentRepr;
import org.apache.pekko.persistence.PersistentRepr$;
import org.apache.pekko.testkit.TestProbe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/** The journal through Pekko's plugin protocol, as persistent actors use it. */
class JournalProtocolTest {
  @TempDir Path dir;
  private ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void deletingEveryEvent_keepsHighestSequenceNrAcrossRestart() {
    kit = TestStorage.start(dir);
    TestProbe probe = new TestProbe(classic());
    write(probe, "p", 1, 3);
    journal().tell(new JournalProtocol.DeleteMessagesTo("p", Long.MAX_VALUE, probe.ref()), probe.ref());
    probe.expectMsgClass(org.apache.pekko.persistence.DeleteMessagesSuccess.class);
    assertThat(replay(probe, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
    kit.shutdownTestKit();

    kit = TestStorage.start(dir);
    probe = new TestProbe(classic());
    assertThat(replay(probe, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
    assertThat(lastHighest).isEqualTo(3);
    write(probe, "p", 4, 1);
    assertThat(replay(probe, "p", 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(4L);
  }

  @Test
  void replay_honoursFromToAndMax() {
    kit = TestStorage.start(dir);
    TestProbe probe = new TestProbe(classic());
    write(probe, "q", 1, 10);
    assertThat(replay(probe, "q", 3, 8, 4)).containsExactly(3L, 4L, 5L, 6L);
    assertThat(lastHighest).isEqualTo(10);
    assertThat(replay(probe, "q", 9, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(9L, 10L);
    assertThat(replay(probe, "unknown", 1, Long.MAX_VALUE, Long.MAX_VALUE)).isEmpty();
    assertThat(lastHighest).isZero();
  }

  @Test
  void atomicWriteOfSeveralEvents_isWrittenWhole() {
    kit = TestStorage.start(dir);
    TestProbe probe = new TestProbe(classic());
    List<PersistentRepr> events = List.of(repr("r", 1, probe.ref()), repr("r", 2, probe.ref()), repr("r", 3, probe.ref()));
    AtomicWrite atomic = new AtomicWrite(CollectionConverters.asScala(events).toList());
    List<PersistentEnvelope> batch = List.of(atomic);
    journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(batch).toList(), probe.ref(), 1),
        probe.ref());
    probe.expectMsg(JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    for (int i = 0; i < 3; i++) {
      probe.expectMsgClass(JournalProtocol.WriteMessageSuccess.class);
    }
    assertThat(replay(probe, "r", 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L, 2L, 3L);
  }

  private long lastHighest;
  private String lastWriter;
  private String writerUuid = "w-1";
  private String manifest = "";
  private final List<String> writers = new ArrayList<>();
  private final List<String> manifests = new ArrayList<>();

  @Test
  void writerAndManifest_surviveWhateverTextTheyHold() {
    kit = TestStorage.start(dir);
    TestProbe probe = new TestProbe(classic());
    // ASCII, beyond it, a NUL (two bytes in modified UTF-8), beyond the BMP, long, empty; and two
    // UUID writers one after the other (a writer's text is kept from one event to the next; a writer
    // coming back after another is what Pekko's replay filter discards)
    String a = java.util.UUID.randomUUID().toString();
    String b = java.util.UUID.randomUUID().toString();
    List<String> texts = List.of("m", "é✓ü", "nul\u0000inside", "😀x", "y".repeat(3000), a, a, b, b);
    for (int i = 0; i < texts.size(); i++) {
      writerUuid = i < 5 ? texts.get(i) + "-writer" : texts.get(i);
      manifest = i < 5 ? texts.get(i) : "";
      write(probe, "meta", i + 1, 1);
    }
    writers.clear();
    manifests.clear();
    assertThat(replay(probe, "meta", 1, Long.MAX_VALUE, Long.MAX_VALUE)).hasSize(texts.size());
    for (int i = 0; i < texts.size(); i++) {
      assertThat(writers.get(i)).isEqualTo(i < 5 ? texts.get(i) + "-writer" : texts.get(i));
      assertThat(manifests.get(i)).isEqualTo(i < 5 ? texts.get(i) : "");
    }
  }

  @Test
  void writerUuid_survivesAsUuidOrAsText() {
    kit = TestStorage.start(dir);
    TestProbe probe = new TestProbe(classic());
    writerUuid = java.util.UUID.randomUUID().toString();
    write(probe, "uuid", 1, 1);
    assertThat(replay(probe, "uuid", 1, Long.MAX_VALUE, Long.MAX_VALUE)).containsExactly(1L);
    assertThat(lastWriter).isEqualTo(writerUuid);
    writerUuid = "not-a-uuid";
    write(probe, "text", 1, 1);
    replay(probe, "text", 1, Long.MAX_VALUE, Long.MAX_VALUE);
    assertThat(lastWriter).isEqualTo("not-a-uuid");
  }

  private List<Long> replay(TestProbe probe, String pid, long from, long to, long max) {
    journal().tell(new JournalProtocol.ReplayMessages(from, to, max, pid, probe.ref()), probe.ref());
    List<Long> seqs = new ArrayList<>();
    while (true) {
      Object m = probe.receiveOne(scala.concurrent.duration.Duration.create(5, "s"));
      if (m instanceof JournalProtocol.ReplayedMessage r) {
        assertThat(r.persistent().payload()).isEqualTo(new TestEntity.Added("e" + r.persistent().sequenceNr()));
        lastWriter = r.persistent().writerUuid();
        writers.add(lastWriter);
        manifests.add(r.persistent().manifest());
        seqs.add(r.persistent().sequenceNr());
      } else if (m instanceof JournalProtocol.RecoverySuccess s) {
        lastHighest = s.highestSequenceNr();
        return seqs;
      } else {
        throw new AssertionError("unexpected " + m);
      }
    }
  }

  private void write(TestProbe probe, String pid, long from, int count) {
    List<PersistentEnvelope> batch = new ArrayList<>();
    for (long s = from; s < from + count; s++) {
      batch.add(new AtomicWrite(CollectionConverters.asScala(List.of(repr(pid, s, probe.ref()))).toList()));
    }
    journal().tell(new JournalProtocol.WriteMessages(CollectionConverters.asScala(batch).toList(), probe.ref(), 1),
        probe.ref());
    probe.expectMsg(JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    for (int i = 0; i < count; i++) {
      probe.expectMsgClass(JournalProtocol.WriteMessageSuccess.class);
    }
  }

  private PersistentRepr repr(String pid, long seq, ActorRef sender) {
    return PersistentRepr$.MODULE$.apply(new TestEntity.Added("e" + seq), seq, pid, manifest, false, sender, writerUuid);
  }

  private ActorSystem classic() {
    return Adapter.toClassic(kit.system());
  }

  private ActorRef journal() {
    return Persistence.get(classic()).journalFor("stepwise.journal", ConfigFactory.empty());
  }
}
