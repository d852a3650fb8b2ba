package io.stepwise.engine.kms;

import io.stepwise.engine.ServiceError;
import io.stepwise.persistence.StepwiseStorage;
import io.stepwise.persistence.keys.EncryptionTarget;
import io.stepwise.persistence.keys.StoredDataKey;
import io.stepwise.persistence.kms.KeyMetadata;
import io.stepwise.persistence.kms.KeyPolicy;
import io.stepwise.persistence.kms.KeyState;
import io.stepwise.persistence.kms.Kms;
import io.stepwise.persistence.kms.KmsException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Customer-managed keys for Step Functions resources: validates an {@code encryptionConfiguration}
 * as AWS does, routes each resource's journal events to its key (a {@code KeySelector} from
 * persistence id to target, encryption context {@code aws:states:stateMachineArn} or
 * {@code aws:states:activityArn}), and answers whether a caller may read a resource's data.
 *
 * <p>Executions follow their state machine's current configuration, so an update to another key
 * applies to the events written after it; older events keep naming the data key they were sealed
 * with and stay readable while that key is usable.
 */
public final class Encryption implements ExecutionKeys {
  public static final String MACHINE_CONTEXT = "aws:states:stateMachineArn";
  public static final String ACTIVITY_CONTEXT = "aws:states:activityArn";
  /** Persistence ids of activity task inputs (see {@code engine.activity.TaskInput}). */
  static final String TASK_PREFIX = "ActivityTask|";
  private static final Pattern DATA_KEY_REF = Pattern.compile("data key (\\d+) unavailable");

  private final StepwiseStorage storage;
  private final Kms kms;
  private final EncryptionTarget serviceOwned;
  private final Map<String, EncryptionTarget> targets = new ConcurrentHashMap<>();
  /** Executions whose last event is written while their machine's key is unusable. */
  private final Set<String> withoutCustomerKey = ConcurrentHashMap.newKeySet();
  private final KmsQuota quota;

  public Encryption(StepwiseStorage storage) {
    this(storage, 0);
  }

  /**
   * @param kmsRequestsPerSecond how many KMS requests per second the service may make on callers'
   *     behalf (validating a key, checking a read) before it answers KmsThrottlingException, as
   *     AWS does when KMS throttles it; 0 means no limit
   */
  public Encryption(StepwiseStorage storage, int kmsRequestsPerSecond) {
    this.storage = storage;
    this.quota = new KmsQuota(kmsRequestsPerSecond);
    this.kms = storage.kms();
    this.serviceOwned = storage.serviceOwnedTarget();
    storage.useKeySelector(this::select);
  }

  /**
   * Checks a requested configuration ({@code type} is required) and resolves its key; the caller
   * must be allowed {@code kms:GenerateDataKey} and {@code kms:Decrypt} on it, as AWS requires.
   */
  public EncryptionConfig validate(String type, String kmsKeyId, Integer reuse, String account, String principal) {
    if (type == null) {
      throw invalid("type must be given in an encryption configuration");
    }
    if (reuse != null && (reuse < 60 || reuse > 900)) {
      throw invalid("kmsDataKeyReusePeriodSeconds must be between 60 and 900 seconds");
    }
    if (type.equals(EncryptionConfig.AWS_OWNED_KEY)) {
      if (kmsKeyId != null) {
        throw invalid("kmsKeyId must not be specified when the type is AWS_OWNED_KEY");
      }
      return new EncryptionConfig(type, null, null, reuse);
    }
    if (kmsKeyId == null || kmsKeyId.isEmpty()) {
      throw invalid("kmsKeyId is required when the type is CUSTOMER_MANAGED_KMS_KEY");
    }
    throttle();
    String keyId;
    KeyMetadata key;
    String policy;
    try {
      keyId = kms.resolveKeyId(account, kmsKeyId);
      if (keyId.equals(kms.serviceOwnedKeyId())) {
        throw new KmsException(KmsException.Code.NOT_FOUND, "no such key");
      }
      key = kms.describeKey(keyId);
      policy = kms.keyPolicy(keyId);
    } catch (KmsException e) {
      throw accessDenied(kmsKeyId);
    }
    if (!key.symmetric() || !KeyMetadata.ENCRYPT_DECRYPT.equals(key.keyUsage())) {
      throw invalid("The KMS key " + kmsKeyId + " is not a symmetric encryption key (ENCRYPT_DECRYPT, SYMMETRIC_DEFAULT)");
    }
    if (key.state() != KeyState.ENABLED) {
      throw invalidState(kmsKeyId, key.state());
    }
    String owner = key.account() == null ? account : key.account();
    if (!KeyPolicy.allows(policy, owner, account, principal, "kms:GenerateDataKey")
        || !KeyPolicy.allows(policy, owner, account, principal, "kms:Decrypt")) {
      throw accessDenied(kmsKeyId);
    }
    return new EncryptionConfig(type, kmsKeyId, keyId, reuse);
  }

  /** Journal events of {@code resourceArn} (and of its executions) go under {@code config} from now on. */
  public void register(String resourceArn, String contextKey, EncryptionConfig config) {
    EncryptionConfig c = EncryptionConfig.orDefault(config);
    Duration reuse = c.reusePeriodSeconds() == null ? serviceOwned.reusePeriod() : Duration.ofSeconds(c.reusePeriodSeconds());
    if (!c.customerManaged() && c.reusePeriodSeconds() == null) {
      targets.put(resourceArn, serviceOwned);
      return;
    }
    String keyId = c.customerManaged() ? c.keyId() : serviceOwned.kmsKeyId();
    targets.put(resourceArn, new EncryptionTarget(keyId, Map.of(contextKey, resourceArn), reuse));
  }

  /**
   * Whether the caller may read data under {@code config}: a key whose policy does not allow
   * {@code kms:Decrypt} is KmsAccessDeniedException; a disabled, pending-deletion or deleted key
   * is KmsInvalidStateException.
   */
  public void checkDecrypt(EncryptionConfig config, String account, String principal) {
    EncryptionConfig c = EncryptionConfig.orDefault(config);
    if (!c.customerManaged()) {
      return;
    }
    throttle();
    KeyMetadata key;
    String policy;
    try {
      key = kms.describeKey(c.keyId());
      policy = kms.keyPolicy(c.keyId());
    } catch (KmsException e) {
      throw deleted(c.kmsKeyId());
    }
    if (!KeyPolicy.allows(policy, key.account() == null ? account : key.account(), account, principal, "kms:Decrypt")) {
      throw accessDenied(c.kmsKeyId());
    }
    if (key.state() != KeyState.ENABLED) {
      throw invalidState(c.kmsKeyId(), key.state());
    }
  }

  /** The key must be enabled to write under it (start an execution, update the machine). */
  public void checkUsable(EncryptionConfig config) {
    EncryptionConfig c = EncryptionConfig.orDefault(config);
    if (!c.customerManaged()) {
      return;
    }
    KeyMetadata key;
    try {
      key = kms.describeKey(c.keyId());
    } catch (KmsException e) {
      throw deleted(c.kmsKeyId());
    }
    if (key.state() != KeyState.ENABLED) {
      throw invalidState(c.kmsKeyId(), key.state());
    }
  }

  /**
   * The error for an entity whose journal could not be read: when the cause is a KMS key that is
   * disabled, pending deletion or deleted, AWS's KmsInvalidStateException; otherwise the
   * unreadable-data 500. The journal names the data key in its reason; the key table says which
   * KMS key wrapped it.
   */
  public ServiceError unreadable(String reason) {
    Optional<String> keyId = kmsKeyOf(reason);
    if (keyId.isPresent()) {
      try {
        KeyMetadata key = kms.describeKey(keyId.get());
        if (key.state() != KeyState.ENABLED) {
          return invalidState(keyId.get(), key.state());
        }
      } catch (KmsException e) {
        return deleted(keyId.get());
      }
    }
    return ServiceError.unreadable(reason);
  }

  /** The KMS key that wrapped the data key a journal's unreadable {@code reason} names, if it names one. */
  private Optional<String> kmsKeyOf(String reason) {
    Matcher m = reason == null ? null : DATA_KEY_REF.matcher(reason);
    if (m == null || !m.find()) {
      return Optional.empty();
    }
    return storage.handles().store().find(Long.parseLong(m.group(1))).map(StoredDataKey::kmsKeyId);
  }

  /**
   * Why an execution of {@code stateMachineArn} cannot go on now, if its machine's customer-managed
   * key is disabled, pending deletion or deleted: the error KMS gave Step Functions for it,
   * named as Step Functions names a service's errors ({@code KMS.DisabledException},
   * {@code KMS.KMSInvalidStateException}, {@code KMS.NotFoundException}), and KMS's message.
   */
  @Override
  public Optional<KeyFailure> unusable(String stateMachineArn) {
    // a Map Run's child runs machine/label: its machine's key
    int slash = stateMachineArn.indexOf('/', stateMachineArn.indexOf(":stateMachine:") + 1);
    EncryptionTarget t = targets.get(slash < 0 || !stateMachineArn.contains(":stateMachine:") ? stateMachineArn
        : stateMachineArn.substring(0, slash));
    if (t == null || t.kmsKeyId().equals(serviceOwned.kmsKeyId())) {
      return Optional.empty();
    }
    return failureOf(t.kmsKeyId());
  }

  /**
   * As {@link #unusable}, for data that could not be read: the KMS key is the one that wrapped
   * the data key the journal names in {@code reason} (a machine whose own journal is unreadable
   * after a restart has no known configuration).
   */
  @Override
  public Optional<KeyFailure> unusableFor(String reason) {
    return kmsKeyOf(reason).filter(keyId -> !keyId.equals(serviceOwned.kmsKeyId())).flatMap(this::failureOf);
  }

  private Optional<KeyFailure> failureOf(String keyId) {
    KeyMetadata key;
    try {
      key = kms.describeKey(keyId);
    } catch (KmsException e) {
      return Optional.of(new KeyFailure("KMS." + KmsException.Code.NOT_FOUND.awsType(),
          "Key '" + keyId + "' does not exist"));
    }
    return switch (key.state()) {
      case ENABLED -> Optional.empty();
      case DISABLED -> Optional.of(new KeyFailure("KMS." + KmsException.Code.DISABLED.awsType(),
          "Key '" + keyId + "' is disabled."));
      case PENDING_DELETION -> Optional.of(new KeyFailure("KMS." + KmsException.Code.INVALID_STATE.awsType(),
          "Key '" + keyId + "' is pending deletion."));
    };
  }

  /**
   * The next events of {@code executionArn} — the failure that ends it because its machine's key
   * is unusable — are sealed under the service-owned key, the only one that can seal them. They
   * hold Stepwise's error and cause, no customer data. The same for the Deleted event of a
   * machine or activity whose own data is unreadable (its key shredded).
   */
  @Override
  public void sealWithoutCustomerKey(String executionArn) {
    withoutCustomerKey.add(executionArn);
  }

  /** Ends {@link #sealWithoutCustomerKey} once that write is done. */
  @Override
  public void sealWithCustomerKey(String executionArn) {
    withoutCustomerKey.remove(executionArn);
  }

  private void throttle() {
    if (!quota.tryAcquire()) {
      throw new ServiceError("KmsThrottlingException", 400,
          "Rate exceeded: KMS throttled the request Step Functions made on your behalf; retry with backoff", Map.of());
    }
  }

  private EncryptionTarget select(String persistenceId) {
    int bar = persistenceId.indexOf('|');
    String arn = persistenceId.substring(bar + 1);
    if (persistenceId.startsWith(TASK_PREFIX)) {
      // an activity task's input: under its activity's configuration (ActivityTask|activity|execution|effect)
      int end = arn.indexOf('|');
      arn = end < 0 ? arn : arn.substring(0, end);
    }
    boolean ofResource = persistenceId.startsWith("Execution|") || persistenceId.startsWith(TASK_PREFIX)
        || persistenceId.startsWith("StateMachine|") || persistenceId.startsWith("Activity|");
    if (!withoutCustomerKey.isEmpty() && withoutCustomerKey.contains(arn)) {
      return serviceOwned;
    }
    if (persistenceId.startsWith("Execution|")) {
      arn = machineOf(arn);
    }
    EncryptionTarget t = targets.get(arn);
    // a resource's data goes only under the key its own configuration names; when that is not
    // known (its machine shredded, say), the write is refused, never sealed under a default
    return t != null ? t : ofResource ? null : serviceOwned;
  }

  /**
   * {@code arn:...:execution:machine:name} to {@code arn:...:stateMachine:machine}; a Map Run's
   * child ({@code execution:machine/label:name}) is sealed as its machine's executions are.
   */
  public static String machineOf(String executionArn) {
    int at = executionArn.indexOf(":execution:");
    int last = executionArn.lastIndexOf(':');
    if (at < 0 || last <= at + 11) {
      return executionArn;
    }
    String machine = executionArn.substring(at + 11, last);
    int slash = machine.indexOf('/');
    return executionArn.substring(0, at) + ":stateMachine:" + (slash < 0 ? machine : machine.substring(0, slash));
  }

  private static ServiceError invalid(String message) {
    return new ServiceError("InvalidEncryptionConfiguration", message);
  }

  private static ServiceError accessDenied(String kmsKeyId) {
    return new ServiceError("KmsAccessDeniedException", 400,
        "Either your KMS key policy or API caller does not have the required permissions for KMS key " + kmsKeyId,
        Map.of());
  }

  private static ServiceError invalidState(String kmsKeyId, KeyState state) {
    String awsState = state == KeyState.DISABLED ? "DISABLED" : "PENDING_DELETION";
    return new ServiceError("KmsInvalidStateException", 400,
        "The KMS key " + kmsKeyId + " is not in a valid state: " + state.awsName(), Map.of("kmsKeyState", awsState));
  }

  private static ServiceError deleted(String kmsKeyId) {
    return new ServiceError("KmsInvalidStateException", 400,
        "The KMS key " + kmsKeyId + " has been deleted; data encrypted under it cannot be recovered",
        Map.of("kmsKeyState", "UNAVAILABLE"));
  }
}
