package io.stepwise.persistence;

import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.crypto.RowNames;
import io.stepwise.persistence.index.IndexUpgrade;
import io.stepwise.persistence.index.ServiceKeys;
import io.stepwise.persistence.internal.Db;
import io.stepwise.persistence.journal.EventCodec;
import io.stepwise.persistence.journal.EventReader;
import io.stepwise.persistence.journal.GroupCommitter;
import io.stepwise.persistence.journal.JournalStore;
import io.stepwise.persistence.keys.DataKeyCache;
import io.stepwise.persistence.keys.DataKeys;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.KeyManager;
import io.stepwise.persistence.keys.KeyMetrics;
import io.stepwise.persistence.keys.KeySelector;
import io.stepwise.persistence.kms.Kms;
import io.stepwise.persistence.kms.LocalKms;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;

/**
 * The storage of one Stepwise server: the journal's LevelDB, the local KMS and the key-manager
 * actor, shared by the journal, snapshot store and read journal plugins.
 *
 * <p>The server calls {@link #open()} at boot, which opens everything eagerly and fails at once
 * with a {@link StorageUnavailableException} (directory in use, corrupt store, wrong root key)
 * instead of letting the first write hang. The store is closed when the actor system terminates,
 * so another actor system in the same JVM can open the same directory afterwards.
 */
public final class StepwiseStorage implements Extension {

  /** Handles that exist once the storage is open. */
  public record Handles(
      Db db, JournalStore store, LocalKms kms, ActorRef<KeyManager.Command> keyManager, DataKeys dataKeys,
      EventCodec codec, GroupCommitter committer, EventReader reader, RowNames names,
      byte[] taskTokenKey) {}

  /** Set while the journal must be {@linkplain Db#rewrite rewritten} after an upgrade of its layout. */
  private static final byte[] REWRITE_PENDING = {'c', 'r', 'e', 'w', 'r', 'i', 't', 'e', '-', 'p', 'e', 'n', 'd', 'i', 'n', 'g'};

  private final ActorSystem<?> system;
  private final StorageSettings settings;
  private final Executor ioExecutor;
  private final KeyMetrics metrics = new KeyMetrics();
  private volatile KeySelector keySelector;
  private volatile Handles handles;
  private Clock clock = Clock.systemUTC();
  private volatile boolean closed;
  // Listeners registered before the storage opened, handed to the committer when it does.
  private final List<Consumer<Throwable>> fatalListeners = new ArrayList<>();

  private StepwiseStorage(ActorSystem<?> system) {
    this.system = system;
    this.settings = StorageSettings.fromConfig(system.settings().config());
    this.ioExecutor = system.dispatchers().lookup(DispatcherSelector.fromConfig(settings.ioDispatcher()));
    Adapter.toClassic(system).registerOnTermination(this::close);
  }

  public static StepwiseStorage get(ActorSystem<?> system) {
    return Id.INSTANCE.apply(system);
  }

  /** Opens the storage with the system clock; see {@link #open(Clock)}. */
  public Handles open() {
    return open(Clock.systemUTC());
  }

  /**
   * Opens LevelDB and the KMS now and starts the key manager; idempotent (a second call returns
   * the same handles and ignores its clock). {@code clock} drives data key windows and KMS dates.
   *
   * @throws StorageUnavailableException if the data directory cannot be used
   */
  public synchronized Handles open(Clock clock) {
    if (handles != null) {
      return handles;
    }
    if (closed) {
      throw new StorageUnavailableException("Stepwise storage in " + settings.dataDir() + " is closed");
    }
    this.clock = Objects.requireNonNull(clock);
    Db db = Db.open(settings.journalDir(), settings.dataDir());
    LocalKms kms;
    try {
      kms = LocalKms.open(settings.kmsDir(), settings.dataDir(), settings.rootKeyEnv(), clock);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
    JournalStore store;
    try {
      store = new JournalStore(db, ServiceKeys.dataKeyRowCipher(db, kms), ServiceKeys.rowNames(db, kms));
      int sealed = store.sealClearDataKeyRows();
      if (sealed > 0) system.log().info("Sealed {} data-key rows an earlier version stored in clear", sealed);
      // Marked before anything moves: once moved, the old keys are still in LevelDB's files until
      // the rewrite below, which a crash before it must not skip at the next open.
      if (store.hasClearPersistenceIds() || IndexUpgrade.pending(db)) db.put(REWRITE_PENDING, new byte[] {1}, true);
      int ids = store.sealClearPersistenceIds();
      if (ids > 0) system.log().info("Hashed and sealed {} persistence ids an earlier version stored in clear", ids);
      Db journal = db;
      LocalKms openKms = kms;
      int rows = IndexUpgrade.run(journal, () -> ServiceKeys.listingCipher(journal, openKms), store.names());
      if (rows > 0) system.log().info("Moved {} index rows an earlier version keyed by names in clear", rows);
      if (db.get(REWRITE_PENDING) != null) {
        // The moved rows' old keys (ARNs, names) would stay in LevelDB's MANIFEST (it keeps the
        // last key of past compactions) and its info log: the journal is copied, live rows only,
        // into a new store that takes its place. A rewrite cut short is done again at the next open.
        system.log().info("Rewriting the journal without the rows of the earlier layout");
        db = db.rewrite(REWRITE_PENDING, settings.dataDir());
        store = new JournalStore(db, ServiceKeys.dataKeyRowCipher(db, kms), ServiceKeys.rowNames(db, kms));
        store.sealClearDataKeyRows();
      }
    } catch (RuntimeException e) {
      kms.close();
      db.close();
      throw e;
    }
    DataKeyCache cache = new DataKeyCache(settings.decryptCacheSize(), settings.decryptCacheTtl(), clock);
    ActorRef<KeyManager.Command> keyManager = system.systemActorOf(
        KeyManager.create(kms, store, cache, metrics, clock, Duration.ofSeconds(1)),
        "stepwise-key-manager", DispatcherSelector.fromConfig(settings.ioDispatcher()));
    kms.onKeyChange(keyId -> keyManager.tell(new KeyManager.KmsKeyChanged(keyId)));
    DataKeys dataKeys = new DataKeys(keyManager, system.scheduler(), settings.keyRequestTimeout(), clock, cache);
    EventCodec codec = new EventCodec(SerializationExtension.get(Adapter.toClassic(system)), store::payloadType);
    if (keySelector == null) {
      EncryptionTarget serviceOwned = new EncryptionTarget(kms.serviceOwnedKeyId(), Map.of(), settings.dataKeyReusePeriod());
      keySelector = pid -> serviceOwned;
    }
    GroupCommitter committer = new GroupCommitter(store, codec, dataKeys, () -> keySelector, ioExecutor, clock,
        settings.fsync(), settings.maxBatchEvents(), settings.maxLinger(), settings.sealerThreads());
    committer.onFatal(cause -> system.log().error("Journal write failed; the journal accepts no more writes", cause));
    fatalListeners.forEach(committer::onFatal);
    fatalListeners.clear();
    EventReader reader = new EventReader(store, codec, dataKeys, ioExecutor, settings.replayChunkSize());
    handles = new Handles(db, store, kms, keyManager, dataKeys, codec, committer, reader,
        store.names(), ServiceKeys.taskTokenKey(db, kms));
    system.log().info("Stepwise storage open in {} (service-owned KMS key {})", settings.dataDir(),
        kms.serviceOwnedKeyId());
    return handles;
  }

  /** The open handles, opening with the system clock if the server has not opened yet. */
  public Handles handles() {
    Handles h = handles;
    return h != null ? h : open();
  }

  /** Healthy while open and no journal write has failed; never opens the storage. */
  public StorageHealth health() {
    Handles h = handles;
    if (h == null) {
      return closed ? new StorageHealth.Unhealthy("storage closed", null)
          : new StorageHealth.Unhealthy("storage not open", null);
    }
    Throwable fatal = h.committer().fatal();
    return fatal == null ? new StorageHealth.Healthy()
        : new StorageHealth.Unhealthy("journal write failed: " + fatal, fatal);
  }

  /**
   * Calls {@code listener} once, with the cause, when a journal write fails: the journal then
   * fails every write until the process restarts, so the server should stop. Called at once if
   * that has happened already; may be registered before the storage opens.
   */
  public synchronized void onFatal(Consumer<Throwable> listener) {
    Objects.requireNonNull(listener);
    Handles h = handles;
    if (h != null) {
      h.committer().onFatal(listener);
    } else {
      fatalListeners.add(listener);
    }
  }

  public StorageSettings settings() {
    return settings;
  }

  /** The dispatcher all LevelDB I/O and crypto run on. */
  public Executor ioExecutor() {
    return ioExecutor;
  }

  public Kms kms() {
    return handles().kms();
  }

  public KeyMetrics keyMetrics() {
    return metrics;
  }

  public synchronized Clock clock() {
    return clock;
  }

  /** Routes persistence ids to KMS keys; affects events written from now on. */
  public void useKeySelector(KeySelector selector) {
    this.keySelector = Objects.requireNonNull(selector);
  }

  /** The default target: the service-owned key with the configured reuse period. */
  public EncryptionTarget serviceOwnedTarget() {
    return new EncryptionTarget(kms().serviceOwnedKeyId(), Map.of(), settings.dataKeyReusePeriod());
  }

  private synchronized void close() {
    closed = true;
    Handles h = handles;
    handles = null;
    if (h != null) {
      h.db().close();
      h.kms().close();
    }
  }

  private static final class Id extends ExtensionId<StepwiseStorage> {
    static final Id INSTANCE = new Id();

    @Override
    public StepwiseStorage createExtension(ActorSystem<?> system) {
      return new StepwiseStorage(system);
    }
  }
}
