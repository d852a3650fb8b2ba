package io.stepwise.persistence;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;

/** Real actor systems on a real data directory, for the storage tests. */
public final class TestStorage {
  private TestStorage() {}

  public static Config config(Path dataDir) {
    return ConfigFactory.parseString("""
        stepwise.data-dir = "%s"
        pekko.loglevel = WARNING
        pekko.actor.serialization-bindings {
          "io.stepwise.persistence.TestEntity$Persisted" = jackson-json
        }
        """.formatted(dataDir.toString().replace("\\", "/")));
  }

  /** A new actor system on {@code dataDir} with its storage opened. */
  public static ActorTestKit start(Path dataDir) {
    return start(dataDir, Clock.systemUTC());
  }

  public static ActorTestKit start(Path dataDir, Clock clock) {
    ActorTestKit kit = ActorTestKit.create("stepwise-test", config(dataDir));
    StepwiseStorage.get(kit.system()).open(clock);
    return kit;
  }

  public static void add(ActorTestKit kit, ActorRef<TestEntity.Command> entity, String... texts) {
    TestProbe<Done> probe = kit.createTestProbe();
    for (String t : texts) {
      entity.tell(new TestEntity.Add(t, probe.getRef()));
      probe.expectMessage(Duration.ofSeconds(10), Done.getInstance());
    }
  }

  public static TestEntity.State state(ActorTestKit kit, ActorRef<TestEntity.Command> entity) {
    TestProbe<TestEntity.State> probe = kit.createTestProbe();
    entity.tell(new TestEntity.Get(probe.getRef()));
    return probe.receiveMessage(Duration.ofSeconds(10));
  }

  /** A clock tests move by hand. */
  public static final class MutableClock extends Clock {
    private volatile Instant now;

    public MutableClock(Instant start) {
      this.now = start;
    }

    public void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
