package io.stepwise.persistence.kms;

import io.stepwise.persistence.StorageUnavailableException;
import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.internal.Db;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import javax.crypto.SecretKey;

/**
 * The built-in KMS. Keys live in {@code <data-dir>/kms}; their material is sealed with AES-GCM
 * under the root key (associated data: key id and material version, so material cannot be moved
 * between keys). Unsealed material is held in memory for the life of the process. Thread-safe:
 * mutations are serialized, and every mutation is durable before it returns.
 */
public final class LocalKms implements Kms, AutoCloseable {
  private static final String SERVICE_KEY_DESCRIPTION = "Stepwise service-owned key (AWS_OWNED_KEY)";

  /** {@code rsa} is the private key of an asymmetric key (its only material), else null. */
  private record Entry(KeyMetadata meta, Map<Integer, SecretKey> materials, List<KeyStore.StoredMaterial> sealed,
      PrivateKey rsa, String policy, Map<String, String> tags, boolean tampered) {
    Entry(KeyMetadata meta, Map<Integer, SecretKey> materials, List<KeyStore.StoredMaterial> sealed, PrivateKey rsa,
        String policy, Map<String, String> tags) {
      this(meta, materials, sealed, rsa, policy, tags, false);
    }

    Entry with(KeyMetadata m) {
      return new Entry(m, materials, sealed, rsa, policy, tags, tampered);
    }
  }

  private final KeyStore store;
  private final EventCipher rootCipher;
  private final Clock clock;
  private final Map<String, Entry> keys = new HashMap<>();
  private final Map<String, KmsAlias> aliases = new TreeMap<>();
  private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
  private final String serviceKeyId;
  /** This open sealed alias rows an earlier version stored in clear under their names. */
  private boolean rewroteClearRows;

  private LocalKms(KeyStore store, SecretKey rootKey, Clock clock) {
    this.store = store;
    this.rootCipher = EventCipher.of(rootKey);
    this.clock = clock;
    // Rows in clear are an earlier version's, to be sealed, only while the store has not been
    // sealed yet (or its sealing was cut short); after that a row in clear was put there by
    // someone else and counts as tampered with.
    KeyStore.RowsState rowsState = store.rowsState();
    boolean acceptClear = rowsState == KeyStore.RowsState.MIGRATING
        || (rowsState == KeyStore.RowsState.LEGACY && !store.hasRows(true));
    boolean migrate = acceptClear && (rowsState == KeyStore.RowsState.MIGRATING || store.hasRows(false));
    List<Entry> upgrade = new ArrayList<>();
    List<KeyStore.StoredKey> unusableInClear = new ArrayList<>();
    for (KeyStore.LoadedKey loaded : store.loadAll(acceptClear)) {
      if (loaded.key() == null) {
        // the row does not authenticate: nothing in it can be trusted, not even whose key it is
        keys.put(loaded.keyId(), unreadable(loaded.keyId()));
        continue;
      }
      KeyStore.StoredKey k = loaded.key();
      Entry e = unseal(k, upgrade);
      if (e.tampered() && e.meta().owner() == KeyOwner.AWS) {
        throw new StorageUnavailableException("The KMS root key does not open key " + k.keyId()
            + " (wrong root key, or a damaged key store)");
      }
      if (loaded.clear() && e.tampered()) {
        unusableInClear.add(k);
      } else if (loaded.clear() && !upgrade.contains(e)) {
        upgrade.add(e);
      }
      keys.put(k.keyId(), e);
    }
    // Nothing is written before the root key is known to open the store: a start with the wrong
    // root key must leave it as it was.
    if (!keys.isEmpty() && keys.values().stream().noneMatch(e -> e.meta().owner() == KeyOwner.AWS)) {
      boolean noneOpens = keys.values().stream().allMatch(Entry::tampered);
      throw new StorageUnavailableException(noneOpens
          ? "The KMS root key does not open the key store (wrong root key, or a damaged key store)"
          : "The KMS key store has no service-owned key (a damaged or edited key store)");
    }
    if (migrate) store.rowsState(KeyStore.RowsState.MIGRATING);
    for (KeyStore.StoredKey k : unusableInClear) store.save(k); // sealed as it is (still unusable): nothing stays in clear
    // rows stored in clear, or sealed before their fields were bound to the material: sealed
    // again, bound, and their old versions compacted away
    for (Entry e : upgrade) save(e);
    for (KeyStore.LoadedAlias loaded : store.loadAliases(acceptClear)) {
      KeyStore.StoredAlias a = loaded.alias();
      KmsAlias alias = new KmsAlias(a.name(), a.keyId(), Instant.ofEpochMilli(a.createdMillis()),
          Instant.ofEpochMilli(a.updatedMillis()), a.account());
      aliases.put(alias.mapKey(), alias);
      if (loaded.clear()) {
        // an earlier version's row, stored in clear under its name: sealed under its hashed key
        // first (a crash in between leaves both, and the next start, still MIGRATING, goes on)
        store.saveAlias(a);
        store.deleteRow(loaded.dbKey());
      }
    }
    if (migrate || !upgrade.isEmpty()) store.compactAll();
    if (rowsState == KeyStore.RowsState.TAMPERED) {
      System.getLogger(LocalKms.class.getName()).log(System.Logger.Level.ERROR, "The KMS store's record that its rows "
          + "are sealed fails authentication (changed outside Stepwise): rows in clear stay refused");
    }
    if (rowsState != KeyStore.RowsState.SEALED && rowsState != KeyStore.RowsState.TAMPERED) {
      store.rowsState(KeyStore.RowsState.SEALED); // from now on every row is sealed
    }
    rewroteClearRows = migrate;
    boolean fresh = keys.isEmpty();
    this.serviceKeyId = keys.values().stream()
        .filter(e -> e.meta().owner() == KeyOwner.AWS)
        .map(e -> e.meta().keyId())
        .findFirst()
        .orElseGet(() -> {
          // only a new store gets a service key: one that lost it (a row edited or removed) must not
          // silently start sealing under another
          if (!fresh) {
            boolean noneOpens = keys.values().stream().allMatch(Entry::tampered);
            throw new StorageUnavailableException(noneOpens
                ? "The KMS root key does not open the key store (wrong root key, or a damaged key store)"
                : "The KMS key store has no service-owned key (a damaged or edited key store)");
          }
          return create(SERVICE_KEY_DESCRIPTION, KeyMetadata.SYMMETRIC_DEFAULT, KeyOwner.AWS, null, Map.of(), null).keyId();
        });
  }

  /**
   * Gives every customer key and alias written before keys had owners to {@code account} (the
   * server's default account), once, so that no key is without an account.
   */
  @Override
  public synchronized void adoptUnowned(String account) {
    for (Entry e : List.copyOf(keys.values())) {
      if (e.meta().owner() == KeyOwner.CUSTOMER && e.meta().account() == null && !e.tampered()) {
        save(e.with(e.meta().withAccount(account)));
      }
    }
    for (KmsAlias a : List.copyOf(aliases.values())) {
      if (a.account() == null) {
        // the new row first: a crash in between leaves both, and the next start finishes the move
        putAlias(new KmsAlias(a.aliasName(), a.targetKeyId(), a.creationDate(), a.lastUpdatedDate(), account));
        aliases.remove(a.mapKey());
        store.deleteAlias(null, a.aliasName());
      }
    }
  }

  /**
   * Opens (creating on first start) the KMS in {@code kmsDir}.
   *
   * @throws StorageUnavailableException if the store is locked or corrupt, or the root key does
   *     not open it
   */
  public static LocalKms open(Path kmsDir, Path dataDir, String rootKeyEnv, Clock clock) {
    SecretKey root = RootKey.load(kmsDir, rootKeyEnv, System::getenv);
    LocalKms kms = open(kmsDir, dataDir, root, clock);
    if (kms.rewroteClearRows) {
      // LevelDB's MANIFEST and its info logs (LOG, LOG.old) may still name the rows' old keys (an
      // alias's name) until the store is opened again: it starts a new MANIFEST with the current
      // files only, and the info logs (diagnostics, nothing LevelDB reads) are removed first
      kms.close();
      try {
        Files.deleteIfExists(kmsDir.resolve("store").resolve("LOG.old"));
        Files.deleteIfExists(kmsDir.resolve("store").resolve("LOG"));
      } catch (IOException e) {
        throw new StorageUnavailableException("Cannot remove the KMS store's info log: " + e.getMessage());
      }
      kms = open(kmsDir, dataDir, root, clock);
    }
    return kms;
  }

  private static LocalKms open(Path kmsDir, Path dataDir, SecretKey root, Clock clock) {
    Db db = Db.open(kmsDir.resolve("store"), dataDir);
    try {
      return new LocalKms(new KeyStore(db, root), root, clock);
    } catch (RuntimeException e) {
      db.close();
      throw e;
    }
  }

  @Override
  public String serviceOwnedKeyId() {
    return serviceKeyId;
  }

  @Override
  public KeyMetadata createKey(String description, String keySpec) {
    return createKey(description, keySpec, null, null, Map.of());
  }

  @Override
  public KeyMetadata createKey(String description, String keySpec, String keyUsage, String policy,
      Map<String, String> tags) {
    return createKey(null, description, keySpec, keyUsage, policy, tags);
  }

  /** A customer key owned by {@code account}. */
  @Override
  public KeyMetadata createKey(String account, String description, String keySpec, String keyUsage, String policy,
      Map<String, String> tags) {
    String spec = keySpec == null ? KeyMetadata.SYMMETRIC_DEFAULT : keySpec;
    String usage = keyUsage == null ? KeyMetadata.ENCRYPT_DECRYPT : keyUsage;
    if (!KeyMetadata.SYMMETRIC_DEFAULT.equals(spec) && !Rsa.RSA_2048.equals(spec)) {
      throw new KmsException(KmsException.Code.UNSUPPORTED, "KeySpec " + spec + " is not supported by the local KMS"
          + " (SYMMETRIC_DEFAULT and RSA_2048 are)");
    }
    if (!KeyMetadata.ENCRYPT_DECRYPT.equals(usage)) {
      throw new KmsException(KmsException.Code.VALIDATION,
          "KeyUsage " + usage + " is not compatible with KeySpec " + spec + " in the local KMS");
    }
    if (policy != null) {
      KeyPolicy.validate(policy);
    }
    return create(description == null ? "" : description, spec, KeyOwner.CUSTOMER, policy, tags, account);
  }

  @Override
  public String ciphertextKeyId(byte[] ciphertextBlob) {
    return KmsCiphertext.parse(ciphertextBlob).keyId();
  }

  @Override
  public String resolveKeyId(String keyRef) {
    return resolveKeyId(null, keyRef);
  }

  /**
   * The key named by a key ARN (of any account: the caller judges the owner and the policy), an
   * alias ARN (in its account), or, in {@code account}, an alias name or a key id. A key id of
   * another account's key is not found, as in AWS.
   */
  @Override
  public synchronized String resolveKeyId(String account, String keyRef) {
    if (keyRef == null || keyRef.isEmpty()) {
      throw new KmsException(KmsException.Code.VALIDATION, "KeyId must not be empty");
    }
    String ref = keyRef;
    String in = account;
    boolean byArn = false;
    if (ref.startsWith("arn:")) {
      String[] parts = ref.split(":", 6);
      if (parts.length != 6 || !parts[2].equals("kms")
          || !(parts[5].startsWith("key/") || parts[5].startsWith("alias/"))) {
        throw new KmsException(KmsException.Code.NOT_FOUND, "Invalid keyId '" + keyRef + "'");
      }
      ref = parts[5].startsWith("key/") ? parts[5].substring(4) : parts[5];
      in = parts[4];
      byArn = true;
    }
    if (ref.startsWith("alias/")) {
      purgeDue();
      KmsAlias alias = aliases.get(KmsAlias.mapKey(account == null && !byArn ? null : in, ref));
      if (alias == null) {
        throw new KmsException(KmsException.Code.NOT_FOUND, "Alias " + keyRef + " is not found.");
      }
      return alias.targetKeyId();
    }
    if (account != null && !byArn) {
      Entry e = keys.get(ref);
      if (e != null && e.meta().owner() == KeyOwner.CUSTOMER && !account.equals(e.meta().account())) {
        throw new KmsException(KmsException.Code.NOT_FOUND, "Key '" + ref + "' does not exist");
      }
    }
    return ref;
  }

  @Override
  public KeyMetadata createAlias(String aliasName, String keyId) {
    return createAlias(null, aliasName, keyId);
  }

  @Override
  public KeyMetadata createAlias(String account, String aliasName, String keyId) {
    checkAliasName(aliasName);
    synchronized (this) {
      purgeDue();
      if (aliases.containsKey(KmsAlias.mapKey(account, aliasName))) {
        throw new KmsException(KmsException.Code.ALREADY_EXISTS, "An alias with the name " + aliasName + " already exists");
      }
      KeyMetadata target = aliasTarget(keyId);
      Instant now = clock.instant();
      putAlias(new KmsAlias(aliasName, target.keyId(), now, now, account));
      return target;
    }
  }

  @Override
  public KeyMetadata updateAlias(String aliasName, String keyId) {
    return updateAlias(null, aliasName, keyId);
  }

  @Override
  public synchronized KeyMetadata updateAlias(String account, String aliasName, String keyId) {
    purgeDue();
    KmsAlias current = aliases.get(KmsAlias.mapKey(account, aliasName));
    if (current == null) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Alias " + aliasName + " is not found.");
    }
    KeyMetadata target = aliasTarget(keyId);
    putAlias(new KmsAlias(aliasName, target.keyId(), current.creationDate(), clock.instant(), account));
    return target;
  }

  @Override
  public void deleteAlias(String aliasName) {
    deleteAlias(null, aliasName);
  }

  @Override
  public synchronized void deleteAlias(String account, String aliasName) {
    purgeDue();
    if (aliases.remove(KmsAlias.mapKey(account, aliasName)) == null) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Alias " + aliasName + " is not found.");
    }
    store.deleteAlias(account, aliasName);
  }

  @Override
  public synchronized List<KmsAlias> listAliases() {
    purgeDue();
    return List.copyOf(aliases.values());
  }

  /** The aliases of {@code account}, by name. */
  @Override
  public synchronized List<KmsAlias> listAliases(String account) {
    purgeDue();
    return aliases.values().stream().filter(a -> java.util.Objects.equals(a.account(), account))
        .sorted(Comparator.comparing(KmsAlias::aliasName)).toList();
  }

  @Override
  public synchronized String keyPolicy(String keyId) {
    return customer(keyId).policy();
  }

  @Override
  public synchronized void putKeyPolicy(String keyId, String policy) {
    Entry e = customer(keyId);
    KeyPolicy.validate(policy);
    save(new Entry(e.meta(), e.materials(), e.sealed(), e.rsa(), policy, e.tags()));
  }

  @Override
  public synchronized Map<String, String> tags(String keyId) {
    return customer(keyId).tags();
  }

  @Override
  public synchronized void tag(String keyId, Map<String, String> tags) {
    Entry e = customer(keyId);
    Map<String, String> merged = new TreeMap<>(e.tags());
    merged.putAll(tags);
    if (merged.size() > 50) {
      throw new KmsException(KmsException.Code.TAG, "A KMS key can have at most 50 tags");
    }
    save(new Entry(e.meta(), e.materials(), e.sealed(), e.rsa(), e.policy(), Map.copyOf(merged)));
  }

  @Override
  public synchronized void untag(String keyId, java.util.Collection<String> tagKeys) {
    Entry e = customer(keyId);
    Map<String, String> left = new TreeMap<>(e.tags());
    tagKeys.forEach(left::remove);
    save(new Entry(e.meta(), e.materials(), e.sealed(), e.rsa(), e.policy(), Map.copyOf(left)));
  }

  @Override
  public synchronized KeyMetadata describeKey(String keyId) {
    return entry(keyId).meta();
  }

  @Override
  public List<KeyMetadata> listKeys() {
    return listKeys(null, true);
  }

  /** The customer keys of {@code account}. */
  @Override
  public List<KeyMetadata> listKeys(String account) {
    return listKeys(account, false);
  }

  private synchronized List<KeyMetadata> listKeys(String account, boolean all) {
    purgeDue();
    return keys.values().stream()
        .map(Entry::meta)
        .filter(m -> m.owner() == KeyOwner.CUSTOMER && (all || java.util.Objects.equals(m.account(), account)))
        .sorted(Comparator.comparing(KeyMetadata::creationDate).thenComparing(KeyMetadata::keyId))
        .toList();
  }

  @Override
  public DataKey generateDataKey(String keyId, Map<String, String> encryptionContext) {
    synchronized (this) {
      if (!usable(keyId).meta().symmetric()) {
        throw new KmsException(KmsException.Code.INVALID_KEY_USAGE,
            "GenerateDataKey needs a symmetric encryption key; " + keyId + " is " + describeKey(keyId).keySpec());
      }
    }
    byte[] plaintext = EventCipher.randomBytes(EventCipher.KEY_BYTES);
    return new DataKey(keyId, plaintext, encrypt(keyId, plaintext, encryptionContext));
  }

  @Override
  public byte[] encrypt(String keyId, byte[] plaintext, Map<String, String> encryptionContext) {
    SecretKey material;
    KmsCiphertext header;
    synchronized (this) {
      Entry e = usable(keyId);
      if (e.rsa() != null) {
        return Rsa.encrypt(e.rsa(), plaintext, "RSAES_OAEP_SHA_256");
      }
      int version = e.meta().primaryMaterial();
      material = e.materials().get(version);
      header = new KmsCiphertext(keyId, version, new byte[0]);
    }
    byte[] sealed = EventCipher.of(material).encrypt(plaintext, header.associatedData(encryptionContext));
    return new KmsCiphertext(keyId, header.materialVersion(), sealed).toBytes();
  }

  @Override
  public byte[] decrypt(String expectedKeyId, byte[] ciphertextBlob, Map<String, String> encryptionContext) {
    if (expectedKeyId != null) {
      PrivateKey rsa;
      synchronized (this) {
        rsa = entry(expectedKeyId).rsa();
        if (rsa != null) {
          usable(expectedKeyId);
        }
      }
      if (rsa != null) {
        return Rsa.decrypt(rsa, ciphertextBlob, "RSAES_OAEP_SHA_256");
      }
    }
    KmsCiphertext blob = KmsCiphertext.parse(ciphertextBlob);
    if (expectedKeyId != null && !expectedKeyId.equals(blob.keyId())) {
      throw new KmsException(KmsException.Code.INCORRECT_KEY,
          "The key ID in the request does not identify a KMS key that can perform this operation.");
    }
    SecretKey material;
    synchronized (this) {
      material = usable(blob.keyId()).materials().get(blob.materialVersion());
    }
    if (material == null) {
      throw KmsCiphertext.invalid();
    }
    try {
      return EventCipher.of(material).decrypt(blob.sealed(), blob.associatedData(encryptionContext));
    } catch (GeneralSecurityException e) {
      throw KmsCiphertext.invalid();
    }
  }

  @Override
  public KeyMetadata enableKey(String keyId) {
    return transition(keyId, KeyState.ENABLED, null, KeyState.DISABLED, KeyState.ENABLED);
  }

  @Override
  public KeyMetadata disableKey(String keyId) {
    return transition(keyId, KeyState.DISABLED, null, KeyState.ENABLED, KeyState.DISABLED);
  }

  @Override
  public Instant scheduleKeyDeletion(String keyId, int pendingWindowDays) {
    if (pendingWindowDays < 7 || pendingWindowDays > 30) {
      throw new KmsException(KmsException.Code.VALIDATION,
          "PendingWindowInDays must be between 7 and 30, was " + pendingWindowDays);
    }
    Instant at = clock.instant().plus(Duration.ofDays(pendingWindowDays));
    return transition(keyId, KeyState.PENDING_DELETION, at, KeyState.ENABLED, KeyState.DISABLED).deletionDate();
  }

  @Override
  public KeyMetadata cancelKeyDeletion(String keyId) {
    return transition(keyId, KeyState.DISABLED, null, KeyState.PENDING_DELETION);
  }

  @Override
  public KeyMetadata setRotation(String keyId, boolean enabled) {
    synchronized (this) {
      Entry e = customer(keyId);
      requireState(e.meta(), KeyState.ENABLED);
      requireSymmetric(e.meta());
      save(e.with(e.meta().withRotation(enabled)));
    }
    notifyChange(keyId);
    return describeKey(keyId);
  }

  @Override
  public KeyMetadata rotateKeyOnDemand(String keyId) {
    synchronized (this) {
      Entry e = customer(keyId);
      requireState(e.meta(), KeyState.ENABLED);
      requireSymmetric(e.meta());
      int version = e.meta().primaryMaterial() + 1;
      Map<Integer, SecretKey> materials = new HashMap<>(e.materials());
      List<KeyStore.StoredMaterial> sealed = new ArrayList<>(e.sealed());
      byte[] raw = EventCipher.randomBytes(EventCipher.KEY_BYTES);
      materials.put(version, EventCipher.aesKey(raw));
      sealed.add(seal(keyId, version, raw));
      save(new Entry(e.meta().withPrimaryMaterial(version), Map.copyOf(materials), List.copyOf(sealed), null,
          e.policy(), e.tags()));
    }
    notifyChange(keyId);
    return describeKey(keyId);
  }

  @Override
  public void onKeyChange(Consumer<String> listener) {
    listeners.add(listener);
  }

  @Override
  public void close() {
    store.close();
  }

  /** Raw key material (AES key bytes, or an RSA key's PKCS#8), for tests that scan the store for it. */
  synchronized byte[] rawMaterial(String keyId, int version) {
    Entry e = entry(keyId);
    return e.rsa() != null ? e.rsa().getEncoded() : e.materials().get(version).getEncoded();
  }

  private KeyMetadata create(String description, String spec, KeyOwner owner, String policy, Map<String, String> tags,
      String account) {
    String keyId = UUID.randomUUID().toString();
    boolean rsa = Rsa.RSA_2048.equals(spec);
    byte[] raw = rsa ? Rsa.generatePkcs8(2048) : EventCipher.randomBytes(EventCipher.KEY_BYTES);
    KeyMetadata meta = new KeyMetadata(keyId, description, spec, KeyMetadata.ENCRYPT_DECRYPT, owner,
        KeyState.ENABLED, clock.instant(), null, false, 1, account);
    Entry entry;
    try {
      entry = new Entry(meta, rsa ? Map.of() : Map.of(1, EventCipher.aesKey(raw)), List.of(seal(keyId, 1, raw)),
          rsa ? Rsa.privateKey(raw) : null, policy, Map.copyOf(tags == null ? Map.of() : tags));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot read back a generated RSA key", e);
    }
    synchronized (this) {
      save(entry);
    }
    return meta;
  }

  private static void checkAliasName(String name) {
    if (name == null || !name.matches("alias/[a-zA-Z0-9/_-]{1,250}")) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value '" + name
          + "' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^alias/[a-zA-Z0-9/_-]+$");
    }
    if (name.startsWith("alias/aws/")) {
      throw new KmsException(KmsException.Code.INVALID_ALIAS_NAME, "Alias must not begin with 'alias/aws/'");
    }
  }

  private KeyMetadata aliasTarget(String keyId) {
    Entry e = customer(keyId);
    if (e.meta().state() == KeyState.PENDING_DELETION) {
      requireState(e.meta(), KeyState.ENABLED, KeyState.DISABLED);
    }
    return e.meta();
  }

  private void putAlias(KmsAlias a) {
    store.saveAlias(new KeyStore.StoredAlias(a.aliasName(), a.targetKeyId(), a.creationDate().toEpochMilli(),
        a.lastUpdatedDate().toEpochMilli(), a.account()));
    aliases.put(a.mapKey(), a);
  }

  private static void requireSymmetric(KeyMetadata meta) {
    if (!meta.symmetric()) {
      throw new KmsException(KmsException.Code.UNSUPPORTED,
          "Key rotation is not supported for asymmetric key " + meta.keyId());
    }
  }

  private KeyMetadata transition(String keyId, KeyState to, Instant deletionDate, KeyState... from) {
    KeyMetadata updated;
    synchronized (this) {
      Entry e = customer(keyId);
      requireState(e.meta(), from);
      updated = e.meta().withState(to, deletionDate);
      save(e.with(updated));
    }
    notifyChange(keyId);
    return updated;
  }

  private void requireState(KeyMetadata meta, KeyState... allowed) {
    for (KeyState s : allowed) {
      if (meta.state() == s) {
        return;
      }
    }
    throw new KmsException(KmsException.Code.INVALID_STATE,
        "Key '" + meta.keyId() + "' is " + meta.state().awsName(), meta.state());
  }

  private Entry customer(String keyId) {
    Entry e = entry(keyId);
    if (e.meta().owner() != KeyOwner.CUSTOMER) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Key '" + keyId + "' does not exist");
    }
    return e;
  }

  private Entry usable(String keyId) {
    Entry e = entry(keyId);
    return switch (e.meta().state()) {
      case ENABLED -> e;
      case DISABLED -> throw new KmsException(KmsException.Code.DISABLED,
          "Key '" + keyId + "' is disabled.", KeyState.DISABLED);
      case PENDING_DELETION -> throw new KmsException(KmsException.Code.INVALID_STATE,
          "Key '" + keyId + "' is pending deletion.", KeyState.PENDING_DELETION);
    };
  }

  private Entry entry(String keyId) {
    purgeDue();
    Entry e = keys.get(Objects.requireNonNull(keyId, "keyId"));
    if (e == null) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Key '" + keyId + "' does not exist");
    }
    if (e.tampered()) {
      throw new KmsException(KmsException.Code.INVALID_STATE, tamperedMessage(keyId));
    }
    return e;
  }

  // Keys whose deletion date has passed are destroyed when next looked at: the material goes, and
  // with it every data key it wrapped.
  private void purgeDue() {
    Instant now = clock.instant();
    List<String> due = keys.values().stream()
        .filter(e -> !e.tampered() && e.meta().state() == KeyState.PENDING_DELETION && e.meta().deletionDate() != null
            && !e.meta().deletionDate().isAfter(now))
        .map(e -> e.meta().keyId())
        .toList();
    for (String keyId : due) {
      store.erase(keyId);
      keys.remove(keyId);
      for (KmsAlias a : List.copyOf(aliases.values())) {
        if (a.targetKeyId().equals(keyId)) {
          aliases.remove(a.mapKey());
          store.deleteAlias(a.account(), a.aliasName());
        }
      }
      notifyChange(keyId);
    }
  }

  /**
   * Writes a key's row with every version of its material sealed again under the root key, bound
   * to the row's other fields ({@link KeyStore#boundFields}): a row edited on disk no longer opens.
   */
  private void save(Entry e) {
    KeyMetadata m = e.meta();
    if (e.tampered()) {
      throw new KmsException(KmsException.Code.INVALID_STATE, tamperedMessage(m.keyId()));
    }
    KeyStore.StoredKey fields = new KeyStore.StoredKey(m.keyId(), m.description(), m.keySpec(), m.keyUsage(),
        m.owner().name(), m.state().name(), m.creationDate().toEpochMilli(),
        m.deletionDate() == null ? null : m.deletionDate().toEpochMilli(), m.rotationEnabled(),
        m.primaryMaterial(), List.of(), e.policy(), e.tags(), m.account());
    byte[] bound = KeyStore.boundFields(fields);
    Map<Integer, Long> created = new HashMap<>();
    for (KeyStore.StoredMaterial old : e.sealed()) created.put(old.version(), old.createdMillis());
    List<KeyStore.StoredMaterial> sealed = new ArrayList<>();
    if (e.rsa() != null) {
      sealed.add(seal(m.keyId(), 1, e.rsa().getEncoded(), bound, created.getOrDefault(1, clock.millis())));
    } else {
      for (Map.Entry<Integer, SecretKey> mat : new TreeMap<>(e.materials()).entrySet()) {
        sealed.add(seal(m.keyId(), mat.getKey(), mat.getValue().getEncoded(), bound,
            created.getOrDefault(mat.getKey(), clock.millis())));
      }
    }
    store.save(new KeyStore.StoredKey(m.keyId(), m.description(), m.keySpec(), m.keyUsage(), m.owner().name(),
        m.state().name(), m.creationDate().toEpochMilli(),
        m.deletionDate() == null ? null : m.deletionDate().toEpochMilli(), m.rotationEnabled(),
        m.primaryMaterial(), List.copyOf(sealed), e.policy(), e.tags(), m.account()));
    keys.put(m.keyId(), new Entry(m, e.materials(), List.copyOf(sealed), e.rsa(), e.policy(), e.tags()));
  }

  private static String tamperedMessage(String keyId) {
    return "The record of key '" + keyId + "' does not match its sealed material (it was changed outside"
        + " Stepwise); the key is unusable";
  }

  private void notifyChange(String keyId) {
    for (Consumer<String> l : listeners) {
      l.accept(keyId);
    }
  }

  /** Material sealed for a new key or version; {@link #save} seals it again, bound to the row. */
  private KeyStore.StoredMaterial seal(String keyId, int version, byte[] raw) {
    return seal(keyId, version, raw, new byte[0], clock.millis());
  }

  private KeyStore.StoredMaterial seal(String keyId, int version, byte[] raw, byte[] bound, long createdMillis) {
    byte[] sealed = rootCipher.encrypt(raw, aad(keyId, version, bound));
    return new KeyStore.StoredMaterial(version, createdMillis, Base64.getEncoder().encodeToString(sealed));
  }

  /**
   * Opens a key row. Material bound to the row's fields opens only if no field was changed; a row
   * from before fields were bound opens with the key id and version alone and is added to
   * {@code upgrade}; a row that opens neither way is tampered with (or the root key is wrong).
   */
  private Entry unseal(KeyStore.StoredKey k, List<Entry> upgrade) {
    Map<Integer, SecretKey> materials = new HashMap<>();
    PrivateKey rsa = null;
    byte[] bound = KeyStore.boundFields(k);
    boolean legacy = false;
    boolean tampered = false;
    for (KeyStore.StoredMaterial m : k.materials()) {
      byte[] blob = Base64.getDecoder().decode(m.sealed());
      byte[] raw;
      try {
        raw = rootCipher.decrypt(blob, aad(k.keyId(), m.version(), bound));
      } catch (GeneralSecurityException | IllegalArgumentException bad) {
        try {
          raw = rootCipher.decrypt(blob, aad(k.keyId(), m.version(), new byte[0]));
          legacy = true;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
          tampered = true;
          continue;
        }
      }
      try {
        if (Rsa.RSA_2048.equals(k.keySpec())) {
          rsa = Rsa.privateKey(raw);
        } else {
          materials.put(m.version(), EventCipher.aesKey(raw));
        }
      } catch (GeneralSecurityException | IllegalArgumentException e) {
        tampered = true;
      }
    }
    KeyMetadata meta = new KeyMetadata(k.keyId(), k.description(), k.keySpec(), k.keyUsage(),
        KeyOwner.valueOf(k.owner()), KeyState.valueOf(k.state()), Instant.ofEpochMilli(k.createdMillis()),
        k.deletionMillis() == null ? null : Instant.ofEpochMilli(k.deletionMillis()), k.rotationEnabled(),
        k.primaryMaterial(), k.account());
    if (tampered) {
      return new Entry(meta, Map.of(), List.copyOf(k.materials()), null, k.policy(),
          k.tags() == null ? Map.of() : Map.copyOf(k.tags()), true);
    }
    Entry e = new Entry(meta, Map.copyOf(materials), List.copyOf(k.materials()), rsa, k.policy(),
        k.tags() == null ? Map.of() : Map.copyOf(k.tags()));
    if (legacy) upgrade.add(e);
    return e;
  }

  /** A key whose row does not authenticate: listed nowhere (it has no account) and unusable. */
  private static Entry unreadable(String keyId) {
    KeyMetadata meta = new KeyMetadata(keyId, "", KeyMetadata.SYMMETRIC_DEFAULT, "ENCRYPT_DECRYPT", KeyOwner.CUSTOMER,
        KeyState.DISABLED, Instant.EPOCH, null, false, 0, null);
    return new Entry(meta, Map.of(), List.of(), null, null, Map.of(), true);
  }

  private static byte[] aad(String keyId, int version, byte[] bound) {
    byte[] base = materialAad(keyId, version);
    return ByteBuffer.allocate(base.length + bound.length).put(base).put(bound).array();
  }

  private static byte[] materialAad(String keyId, int version) {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(id.length + 4).put(id).putInt(version).array();
  }
}
