package io.stepwise.api.kms;

import static io.stepwise.api.kms.KmsFields.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stepwise.api.http.AwsServiceException;
import io.stepwise.api.http.Caller;
import io.stepwise.api.http.Operation;
import io.stepwise.engine.kms.Principals;
import io.stepwise.persistence.crypto.EventCipher;
import io.stepwise.persistence.kms.KeyMetadata;
import io.stepwise.persistence.kms.KeyPolicy;
import io.stepwise.persistence.kms.Kms;
import io.stepwise.persistence.kms.KmsAlias;
import io.stepwise.persistence.kms.KmsException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * The KMS actions ({@code X-Amz-Target: TrentService.<Action>}) over the local KMS, with AWS's
 * member names, ARNs and errors. Every call on a key is first checked against the key's policy
 * for {@code kms:<Action>} with the caller's principal ({@link Principals}). The service-owned key
 * is not visible here, as AWS-owned keys are not in an account.
 */
public final class KmsApi {
  public static final String TARGET_PREFIX = "TrentService";
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Kms kms;
  private final String region;

  private KmsApi(Kms kms, String region) {
    this.kms = kms;
    this.region = region;
  }

  /** The actions; they run on {@code executor}, since key-store writes and RSA key generation block. */
  public static Map<String, Operation> operations(Kms kms, String region, Executor executor) {
    KmsApi api = new KmsApi(kms, region);
    Map<String, BiFunction<Caller, ObjectNode, JsonNode>> ops = new LinkedHashMap<>();
    ops.put("CreateKey", api::createKey);
    ops.put("DescribeKey", (c, r) -> metadata(api.keyMetadata(c, api.key(c, r, "DescribeKey"))));
    ops.put("ListKeys", api::listKeys);
    ops.put("CreateAlias", api::createAlias);
    ops.put("UpdateAlias", api::updateAlias);
    ops.put("DeleteAlias", api::deleteAlias);
    ops.put("ListAliases", api::listAliases);
    ops.put("EnableKey", (c, r) -> empty(kms.enableKey(api.key(c, r, "EnableKey"))));
    ops.put("DisableKey", (c, r) -> empty(kms.disableKey(api.key(c, r, "DisableKey"))));
    ops.put("ScheduleKeyDeletion", api::scheduleKeyDeletion);
    ops.put("CancelKeyDeletion", api::cancelKeyDeletion);
    ops.put("GetKeyPolicy", api::getKeyPolicy);
    ops.put("PutKeyPolicy", api::putKeyPolicy);
    ops.put("EnableKeyRotation", (c, r) -> empty(kms.setRotation(api.key(c, r, "EnableKeyRotation"), true)));
    ops.put("DisableKeyRotation", (c, r) -> empty(kms.setRotation(api.key(c, r, "DisableKeyRotation"), false)));
    ops.put("GetKeyRotationStatus", api::getKeyRotationStatus);
    ops.put("RotateKeyOnDemand", api::rotateKeyOnDemand);
    ops.put("GenerateDataKey", api::generateDataKey);
    ops.put("Encrypt", api::encrypt);
    ops.put("Decrypt", api::decrypt);
    ops.put("TagResource", api::tagResource);
    ops.put("UntagResource", api::untagResource);
    ops.put("ListResourceTags", api::listResourceTags);
    Map<String, Operation> guarded = new LinkedHashMap<>();
    ops.forEach((name, op) -> guarded.put(name, guard(op, executor)));
    return Collections.unmodifiableMap(guarded);
  }

  /** Off the HTTP dispatcher: a KMS call may write the key store or generate an RSA key. */
  private static Operation guard(BiFunction<Caller, ObjectNode, JsonNode> op, Executor executor) {
    return (caller, request) -> CompletableFuture.supplyAsync(() -> {
      try {
        return op.apply(caller, request);
      } catch (KmsException e) {
        throw translate(e);
      }
    }, executor);
  }

  static AwsServiceException translate(KmsException e) {
    return new AwsServiceException(e.code().awsType(), 400, e.getMessage(), Map.of());
  }

  // --- keys ---

  private JsonNode createKey(Caller caller, ObjectNode req) {
    String description = maxLength(optionalString(req, "Description"), "description", 8192);
    String spec = optionalString(req, "KeySpec");
    if (spec == null) spec = optionalString(req, "CustomerMasterKeySpec");
    String usage = optionalString(req, "KeyUsage");
    String policy = maxLength(optionalString(req, "Policy"), "policy", 32768);
    String origin = optionalString(req, "Origin");
    if (origin != null && !origin.equals("AWS_KMS")) {
      throw new KmsException(KmsException.Code.UNSUPPORTED, "Origin " + origin + " is not supported by the local KMS");
    }
    KeyMetadata m = kms.createKey(caller.accountId(), description, spec, usage, policy, tags(req));
    return metadata(keyMetadata(caller, m));
  }

  private JsonNode listKeys(Caller caller, ObjectNode req) {
    List<KeyMetadata> all = kms.listKeys(caller.accountId());
    ArrayNode keys = F.arrayNode();
    Page page = Page.of(all.size(), req);
    for (KeyMetadata m : all.subList(page.from(), page.to())) {
      keys.addObject().put("KeyId", m.keyId()).put("KeyArn", keyArn(caller, m.keyId()));
    }
    ObjectNode n = F.objectNode();
    n.set("Keys", keys);
    return page.finish(n);
  }

  private JsonNode scheduleKeyDeletion(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "ScheduleKeyDeletion");
    int days = optionalInt(req, "PendingWindowInDays", 30);
    if (days < 7 || days > 30) {
      throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value '" + days
          + "' at 'pendingWindowInDays' failed to satisfy constraint: Member must have value "
          + (days < 7 ? "greater than or equal to 7" : "less than or equal to 30"));
    }
    Instant at = kms.scheduleKeyDeletion(keyId, days);
    ObjectNode n = F.objectNode();
    n.put("KeyId", keyArn(caller, keyId));
    n.put("DeletionDate", time(at));
    n.put("KeyState", "PendingDeletion");
    n.put("PendingWindowInDays", days);
    return n;
  }

  private JsonNode cancelKeyDeletion(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "CancelKeyDeletion");
    kms.cancelKeyDeletion(keyId);
    return F.objectNode().put("KeyId", keyArn(caller, keyId));
  }

  private JsonNode getKeyPolicy(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "GetKeyPolicy");
    String name = policyName(req);
    String policy = kms.keyPolicy(keyId);
    return F.objectNode().put("Policy", policy == null ? KeyPolicy.defaultPolicy(owner(caller, keyId)) : policy)
        .put("PolicyName", name);
  }

  private JsonNode putKeyPolicy(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "PutKeyPolicy");
    policyName(req);
    kms.putKeyPolicy(keyId, maxLength(requiredString(req, "Policy"), "policy", 32768));
    return F.objectNode();
  }

  private static String policyName(ObjectNode req) {
    String name = optionalString(req, "PolicyName");
    if (name != null && !name.equals("default")) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "No such policy exists: " + name);
    }
    return "default";
  }

  private JsonNode getKeyRotationStatus(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "GetKeyRotationStatus");
    KeyMetadata m = kms.describeKey(keyId);
    ObjectNode n = F.objectNode();
    n.put("KeyRotationEnabled", m.rotationEnabled());
    n.put("KeyId", keyArn(caller, keyId));
    if (m.rotationEnabled()) n.put("RotationPeriodInDays", 365);
    return n;
  }

  private JsonNode rotateKeyOnDemand(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "RotateKeyOnDemand");
    kms.rotateKeyOnDemand(keyId);
    return F.objectNode().put("KeyId", keyId);
  }

  // --- aliases ---

  private JsonNode createAlias(Caller caller, ObjectNode req) {
    String alias = requiredString(req, "AliasName");
    kms.createAlias(caller.accountId(), alias, key(caller, req, "TargetKeyId", "CreateAlias"));
    return F.objectNode();
  }

  private JsonNode updateAlias(Caller caller, ObjectNode req) {
    String alias = requiredString(req, "AliasName");
    kms.updateAlias(caller.accountId(), alias, key(caller, req, "TargetKeyId", "UpdateAlias"));
    return F.objectNode();
  }

  private JsonNode deleteAlias(Caller caller, ObjectNode req) {
    kms.deleteAlias(caller.accountId(), requiredString(req, "AliasName"));
    return F.objectNode();
  }

  private JsonNode listAliases(Caller caller, ObjectNode req) {
    String keyId = optionalString(req, "KeyId") == null ? null : key(caller, req, "ListAliases");
    List<KmsAlias> all = kms.listAliases(caller.accountId()).stream()
        .filter(a -> keyId == null || a.targetKeyId().equals(keyId)).toList();
    Page page = Page.of(all.size(), req);
    ArrayNode items = F.arrayNode();
    for (KmsAlias a : all.subList(page.from(), page.to())) {
      ObjectNode n = items.addObject();
      n.put("AliasName", a.aliasName());
      n.put("AliasArn", "arn:aws:kms:" + region + ":" + caller.accountId() + ":" + a.aliasName());
      n.put("TargetKeyId", a.targetKeyId());
      n.put("CreationDate", time(a.creationDate()));
      n.put("LastUpdatedDate", time(a.lastUpdatedDate()));
    }
    ObjectNode n = F.objectNode();
    n.set("Aliases", items);
    return page.finish(n);
  }

  // --- cryptography ---

  private JsonNode generateDataKey(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "GenerateDataKey");
    String spec = optionalString(req, "KeySpec");
    JsonNode bytes = req.get("NumberOfBytes");
    if (spec != null && bytes != null && !bytes.isNull()) {
      throw new KmsException(KmsException.Code.VALIDATION, "Please specify either number of bytes or key spec.");
    }
    int n;
    if (spec != null) {
      n = switch (spec) {
        case "AES_256" -> 32;
        case "AES_128" -> 16;
        default -> throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value '" + spec
            + "' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]");
      };
    } else if (bytes != null && !bytes.isNull()) {
      n = optionalInt(req, "NumberOfBytes", 32);
      if (n < 1 || n > 1024) {
        throw new KmsException(KmsException.Code.VALIDATION, "1 validation error detected: Value '" + n
            + "' at 'numberOfBytes' failed to satisfy constraint: Member must have value between 1 and 1024");
      }
    } else {
      throw new KmsException(KmsException.Code.VALIDATION, "Please specify either number of bytes or key spec.");
    }
    requireSymmetric(keyId, "GenerateDataKey");
    byte[] plaintext = EventCipher.randomBytes(n);
    byte[] blob = kms.encrypt(keyId, plaintext, context(req));
    ObjectNode out = F.objectNode();
    out.put("CiphertextBlob", blob);
    out.put("Plaintext", plaintext);
    out.put("KeyId", keyArn(caller, keyId));
    return out;
  }

  private JsonNode encrypt(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "Encrypt");
    byte[] plaintext = requiredBlob(req, "Plaintext", 4096);
    String algorithm = algorithm(keyId, optionalString(req, "EncryptionAlgorithm"));
    ObjectNode out = F.objectNode();
    out.put("CiphertextBlob", kms.encrypt(keyId, plaintext, context(req)));
    out.put("KeyId", keyArn(caller, keyId));
    out.put("EncryptionAlgorithm", algorithm);
    return out;
  }

  private JsonNode decrypt(Caller caller, ObjectNode req) {
    byte[] blob = requiredBlob(req, "CiphertextBlob", 6144);
    String keyId;
    if (optionalString(req, "KeyId") != null) {
      keyId = key(caller, req, "Decrypt");
    } else {
      keyId = kms.ciphertextKeyId(blob);
      authorize(caller, crossAccount(caller, visible(keyId), "Decrypt"), "Decrypt");
    }
    String algorithm = algorithm(keyId, optionalString(req, "EncryptionAlgorithm"));
    ObjectNode out = F.objectNode();
    out.put("Plaintext", kms.decrypt(keyId, blob, context(req)));
    out.put("KeyId", keyArn(caller, keyId));
    out.put("EncryptionAlgorithm", algorithm);
    return out;
  }

  private String algorithm(String keyId, String requested) {
    boolean symmetric = kms.describeKey(keyId).symmetric();
    String algorithm = requested != null ? requested : symmetric ? "SYMMETRIC_DEFAULT" : null;
    if (algorithm == null || symmetric != algorithm.equals("SYMMETRIC_DEFAULT")
        || !(symmetric || algorithm.equals("RSAES_OAEP_SHA_256"))) {
      throw new KmsException(KmsException.Code.INVALID_KEY_USAGE, "The encryption algorithm " + algorithm
          + " is not valid for key " + keyId + (symmetric ? "" : " (the local KMS supports RSAES_OAEP_SHA_256)"));
    }
    return algorithm;
  }

  private void requireSymmetric(String keyId, String action) {
    KeyMetadata m = kms.describeKey(keyId);
    if (!m.symmetric()) {
      throw new KmsException(KmsException.Code.INVALID_KEY_USAGE,
          "You cannot generate a data key with an asymmetric KMS key (" + m.keySpec() + ") in " + action);
    }
  }

  // --- tags ---

  private JsonNode tagResource(Caller caller, ObjectNode req) {
    kms.tag(key(caller, req, "TagResource"), tags(req));
    return F.objectNode();
  }

  private JsonNode untagResource(Caller caller, ObjectNode req) {
    String keyId = key(caller, req, "UntagResource");
    List<String> keys = new ArrayList<>();
    JsonNode given = req.get("TagKeys");
    if (given == null || !given.isArray()) {
      throw new KmsException(KmsException.Code.VALIDATION,
          "1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    }
    given.forEach(k -> keys.add(k.asText()));
    kms.untag(keyId, keys);
    return F.objectNode();
  }

  private JsonNode listResourceTags(Caller caller, ObjectNode req) {
    ArrayNode items = F.arrayNode();
    kms.tags(key(caller, req, "ListResourceTags")).entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(t -> items.addObject().put("TagKey", t.getKey()).put("TagValue", t.getValue()));
    ObjectNode n = F.objectNode();
    n.set("Tags", items);
    n.put("Truncated", false);
    return n;
  }

  // --- helpers ---

  private String key(Caller caller, ObjectNode req, String action) {
    return key(caller, req, "KeyId", action);
  }

  /**
   * Resolves the request's key reference in the caller's account (a key ARN may name another
   * account's key), hides the service key, and checks the key policy.
   */
  private String key(Caller caller, ObjectNode req, String member, String action) {
    String keyId = visible(kms.resolveKeyId(caller.accountId(), maxLength(requiredString(req, member), lowerFirst(member), 2048)));
    authorize(caller, crossAccount(caller, keyId, action), action);
    return keyId;
  }

  /** What another account may do with a key, by its key ARN, when the key policy allows it: use it, not manage it. */
  static final Set<String> CROSS_ACCOUNT = Set.of("DescribeKey", "Encrypt", "Decrypt", "GenerateDataKey",
      "GenerateDataKeyWithoutPlaintext", "ReEncrypt", "GetKeyRotationStatus");

  private String crossAccount(Caller caller, String keyId, String action) {
    if (!owner(caller, keyId).equals(caller.accountId()) && !CROSS_ACCOUNT.contains(action)) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Key '" + keyArn(caller, keyId) + "' does not exist");
    }
    return keyId;
  }

  /** The account that owns a key (keys from before keys had owners belong to the caller's). */
  private String owner(Caller caller, String keyId) {
    String account = kms.describeKey(keyId).account();
    return account == null ? caller.accountId() : account;
  }

  private String visible(String keyId) {
    if (keyId.equals(kms.serviceOwnedKeyId())) {
      throw new KmsException(KmsException.Code.NOT_FOUND, "Key '" + keyId + "' does not exist");
    }
    kms.describeKey(keyId);
    return keyId;
  }

  private void authorize(Caller caller, String keyId, String action) {
    String principal = Principals.arn(caller.accountId(), caller.accessKeyId());
    if (!KeyPolicy.allows(kms.keyPolicy(keyId), owner(caller, keyId), caller.accountId(), principal, "kms:" + action)) {
      throw new KmsException(KmsException.Code.ACCESS_DENIED, "User: " + principal
          + " is not authorized to perform: kms:" + action + " on resource: " + keyArn(caller, keyId)
          + " because no resource-based policy allows the kms:" + action + " action");
    }
  }

  private String keyArn(Caller caller, String keyId) {
    return "arn:aws:kms:" + region + ":" + owner(caller, keyId) + ":key/" + keyId;
  }

  private ObjectNode keyMetadata(Caller caller, String keyId) {
    return keyMetadata(caller, kms.describeKey(keyId));
  }

  private ObjectNode keyMetadata(Caller caller, KeyMetadata m) {
    ObjectNode n = F.objectNode();
    n.put("AWSAccountId", m.account() == null ? caller.accountId() : m.account());
    n.put("KeyId", m.keyId());
    n.put("Arn", keyArn(caller, m.keyId()));
    n.put("CreationDate", time(m.creationDate()));
    n.put("Enabled", m.state() == io.stepwise.persistence.kms.KeyState.ENABLED);
    n.put("Description", m.description());
    n.put("KeyUsage", m.keyUsage());
    n.put("KeyState", m.state().awsName());
    if (m.deletionDate() != null) n.put("DeletionDate", time(m.deletionDate()));
    n.put("Origin", "AWS_KMS");
    n.put("KeyManager", "CUSTOMER");
    n.put("CustomerMasterKeySpec", m.keySpec());
    n.put("KeySpec", m.keySpec());
    ArrayNode algorithms = n.putArray("EncryptionAlgorithms");
    if (m.symmetric()) {
      algorithms.add("SYMMETRIC_DEFAULT");
    } else {
      algorithms.add("RSAES_OAEP_SHA_256");
    }
    n.put("MultiRegion", false);
    return n;
  }

  private static JsonNode metadata(ObjectNode keyMetadata) {
    ObjectNode n = F.objectNode();
    n.set("KeyMetadata", keyMetadata);
    return n;
  }

  private static JsonNode empty(Object ignored) {
    return F.objectNode();
  }

  static BigDecimal time(Instant t) {
    return BigDecimal.valueOf(t.toEpochMilli(), 3);
  }

  private static String lowerFirst(String s) {
    return Character.toLowerCase(s.charAt(0)) + s.substring(1);
  }
}
