package io.stepwise.persistence.keys;

import static io.stepwise.persistence.TestStorage.add;
import static io.stepwise.persistence.TestStorage.state;
import static org.assertj.core.api.Assertions.assertThat;

import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.TestEntity;
import io.stepwise.persistence.TestStorage;
import io.stepwise.persistence.TestStorage.MutableClock;
import io.stepwise.persistence.crypto.Envelope;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataKeyWindowTest {
  @TempDir Path dir;
  private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
  private ActorTestKit kit;
  private StepwiseStorage storage;

  @BeforeEach
  void start() {
    kit = TestStorage.start(dir, clock);
    storage = StepwiseStorage.get(kit.system());
  }

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  @Test
  void dataKey_isReusedWithinWindowAndReplacedAfter() throws Exception {
    EncryptionTarget target = storage.serviceOwnedTarget();
    DataKeys keys = storage.handles().dataKeys();
    long first = lease(keys, target).dataKeyRef();
    clock.advance(Duration.ofSeconds(299));
    assertThat(lease(keys, target).dataKeyRef()).isEqualTo(first);
    assertThat(storage.keyMetrics().dataKeysGenerated()).isEqualTo(1);

    clock.advance(Duration.ofSeconds(1));
    long second = lease(keys, target).dataKeyRef();
    assertThat(second).isNotEqualTo(first);
    assertThat(storage.keyMetrics().dataKeysGenerated()).isEqualTo(2);
    assertThat(storage.keyMetrics().kmsCalls()).isEqualTo(2);
  }

  @Test
  void endedWindow_dropsPlaintextKeyFromLeaseAndCache() throws Exception {
    DataKeyLease lease = lease(storage.handles().dataKeys(), storage.serviceOwnedTarget());
    assertThat(lease.key()).isNotNull();
    assertThat(storage.handles().dataKeys().cached(lease.dataKeyRef())).isNotNull();
    clock.advance(Duration.ofSeconds(300));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lease.key() != null && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(lease.key()).as("dropped by the key manager's sweep").isNull();
    assertThat(storage.handles().dataKeys().cached(lease.dataKeyRef())).isNull();
  }

  @Test
  void journalWrites_shareDataKeyUntilWindowEnds() {
    var entity = kit.spawn(TestEntity.create("w"));
    add(kit, entity, "a");
    clock.advance(Duration.ofSeconds(100));
    add(kit, entity, "b");
    clock.advance(Duration.ofSeconds(250));
    add(kit, entity, "c");
    for (int i = 0; i < 50; i++) {
      add(kit, entity, "more-" + i);
    }

    List<Long> refs = dataKeyRefs("w");
    assertThat(refs.get(0)).isEqualTo(refs.get(1));
    assertThat(refs.get(2)).isNotEqualTo(refs.get(1));
    assertThat(refs.subList(2, refs.size())).containsOnly(refs.get(2));
    assertThat(storage.keyMetrics().dataKeysGenerated()).isEqualTo(2);
    assertThat(state(kit, entity).texts()).hasSize(53);
  }

  @Test
  void differentKmsKeys_getDifferentDataKeys() throws Exception {
    String customer = storage.kms().createKey("customer", null).keyId();
    var customerTarget = new EncryptionTarget(customer, Map.of("aws:states:stateMachineArn", "m"), Duration.ofSeconds(60));
    storage.useKeySelector(pid -> pid.startsWith("cust-") ? customerTarget : storage.serviceOwnedTarget());
    add(kit, kit.spawn(TestEntity.create("cust-1")), "x");
    add(kit, kit.spawn(TestEntity.create("svc-1")), "y");
    var table = storage.handles().store();
    var custKey = table.find(dataKeyRefs("cust-1").get(0)).orElseThrow();
    var svcKey = table.find(dataKeyRefs("svc-1").get(0)).orElseThrow();
    assertThat(custKey.kmsKeyId()).isEqualTo(customer);
    assertThat(custKey.encryptionContext()).containsEntry("aws:states:stateMachineArn", "m");
    assertThat(svcKey.kmsKeyId()).isEqualTo(storage.kms().serviceOwnedKeyId());
  }

  @Test
  void disabledKmsKey_rejectsNewWritesAndRevokesLease() throws Exception {
    String customer = storage.kms().createKey("customer", null).keyId();
    var target = new EncryptionTarget(customer, Map.of(), Duration.ofSeconds(300));
    DataKeys keys = storage.handles().dataKeys();
    DataKeyLease lease = lease(keys, target);
    storage.kms().disableKey(customer);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (lease.usableAt(clock.instant()) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(lease.usableAt(clock.instant())).isFalse();
    assertThat(keys.lease(target).toCompletableFuture())
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableThat().withMessageContaining("disabled");
  }

  /** A write for which the selector knows no key is refused, never sealed under a default; others go on. */
  @Test
  void writesWithNoKnownKey_areRejected_neverSealedUnderADefault() {
    storage.useKeySelector(pid -> pid.startsWith("unknown-") ? null : storage.serviceOwnedTarget());
    var classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system());
    var probe = new org.apache.pekko.testkit.TestProbe(classic);
    var journal = org.apache.pekko.persistence.Persistence.get(classic)
        .journalFor("stepwise.journal", com.typesafe.config.ConfigFactory.empty());
    List<org.apache.pekko.persistence.PersistentEnvelope> writes = List.of(atomic("unknown-1", probe.ref()), atomic("svc-2", probe.ref()));
    journal.tell(new org.apache.pekko.persistence.JournalProtocol.WriteMessages(
        scala.jdk.javaapi.CollectionConverters.asScala(writes).toList(), probe.ref(), 1), probe.ref());
    probe.expectMsg(org.apache.pekko.persistence.JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    var rejected = probe.expectMsgClass(org.apache.pekko.persistence.JournalProtocol.WriteMessageRejected.class);
    assertThat(rejected.message().persistenceId()).isEqualTo("unknown-1");
    assertThat(rejected.cause()).hasMessageContaining("No encryption key is known");
    assertThat(probe.expectMsgClass(org.apache.pekko.persistence.JournalProtocol.WriteMessageSuccess.class)
        .persistent().persistenceId()).isEqualTo("svc-2");
    assertThat(storage.handles().store().idOf("unknown-1")).isEmpty();
  }

  @Test
  void writesUnderDisabledKmsKey_areRejectedWhileOthersAreWritten() {
    String customer = storage.kms().createKey("customer", null).keyId();
    var target = new EncryptionTarget(customer, Map.of(), Duration.ofSeconds(300));
    storage.useKeySelector(pid -> pid.startsWith("cust-") ? target : storage.serviceOwnedTarget());
    storage.kms().disableKey(customer);

    var classic = org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(kit.system());
    var probe = new org.apache.pekko.testkit.TestProbe(classic);
    var journal = org.apache.pekko.persistence.Persistence.get(classic)
        .journalFor("stepwise.journal", com.typesafe.config.ConfigFactory.empty());
    List<org.apache.pekko.persistence.PersistentEnvelope> writes = List.of(
        atomic("cust-1", probe.ref()), atomic("svc-1", probe.ref()), atomic("cust-2", probe.ref()));
    journal.tell(new org.apache.pekko.persistence.JournalProtocol.WriteMessages(
        scala.jdk.javaapi.CollectionConverters.asScala(writes).toList(), probe.ref(), 1), probe.ref());

    probe.expectMsg(org.apache.pekko.persistence.JournalProtocol.WriteMessagesSuccessful$.MODULE$);
    var rejected = probe.expectMsgClass(org.apache.pekko.persistence.JournalProtocol.WriteMessageRejected.class);
    assertThat(rejected.message().persistenceId()).isEqualTo("cust-1");
    assertThat(rejected.cause()).hasMessageContaining("disabled");
    var written = probe.expectMsgClass(org.apache.pekko.persistence.JournalProtocol.WriteMessageSuccess.class);
    assertThat(written.persistent().persistenceId()).isEqualTo("svc-1");
    assertThat(probe.expectMsgClass(org.apache.pekko.persistence.JournalProtocol.WriteMessageRejected.class)
        .message().persistenceId()).isEqualTo("cust-2");
    assertThat(storage.handles().store().idOf("svc-1")).isPresent();
  }

  private static org.apache.pekko.persistence.AtomicWrite atomic(String pid, org.apache.pekko.actor.ActorRef sender) {
    var repr = org.apache.pekko.persistence.PersistentRepr$.MODULE$.apply(new TestEntity.Added("x"), 1L, pid, "", false,
        sender, "w");
    return new org.apache.pekko.persistence.AtomicWrite(scala.jdk.javaapi.CollectionConverters.asScala(List.of(repr)).toList());
  }

  private static DataKeyLease lease(DataKeys keys, EncryptionTarget t) throws Exception {
    return keys.lease(t).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private List<Long> dataKeyRefs(String pid) {
    var store = storage.handles().store();
    long id = store.idOf(pid).orElseThrow();
    return store.readEvents(id, 0, Long.MAX_VALUE, 1000).stream()
        .map(e -> Envelope.parse(e.envelope()).dataKeyRef()).toList();
  }
}
