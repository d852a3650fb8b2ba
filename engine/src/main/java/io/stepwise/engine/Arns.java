package io.stepwise.engine;

import java.util.Optional;
import java.util.regex.Pattern;

/** Builds and checks Step Functions ARNs and resource names the way AWS does. */
public final class Arns {
  private Arns() {}

  /** The ARNs {@link #parse} reads (by hand); kept as the rule's statement and for the tests. */
  static final Pattern ARN =
      Pattern.compile("arn:(aws[a-zA-Z-]*):states:([a-z0-9-]+):(\\d{12}):(stateMachine|execution|express|activity|mapRun):(.+)");
  private static final Pattern ALIAS_NAME = Pattern.compile("^(?=.*[a-zA-Z_\\-.])[a-zA-Z0-9_\\-.]{1,80}$");
  private static final Pattern ROLE_ARN = Pattern.compile("arn:aws[a-zA-Z-]*:iam::\\d{12}:role/.+");

  /** A parsed ARN: {@code rest} is everything after the resource type, e.g. {@code name} or {@code machine:exec}. */
  public record Parsed(String region, String account, String resourceType, String rest) {}

  public static String stateMachine(String region, String account, String name) {
    return "arn:aws:states:" + region + ":" + account + ":stateMachine:" + name;
  }

  public static String execution(String region, String account, String machineName, String executionName) {
    return "arn:aws:states:" + region + ":" + account + ":execution:" + machineName + ":" + executionName;
  }

  public static String express(String region, String account, String machineName, String executionName, String uuid) {
    return "arn:aws:states:" + region + ":" + account + ":express:" + machineName + ":" + executionName + ":" + uuid;
  }

  public static String activity(String region, String account, String name) {
    return "arn:aws:states:" + region + ":" + account + ":activity:" + name;
  }

  /** An activity ARN or InvalidArn. */
  public static Parsed requireActivity(String arn) {
    Parsed p = parse(arn);
    if (p == null || !p.resourceType().equals("activity") || !isNameInArn(p.rest())) {
      throw ServiceError.invalidArn(arn);
    }
    return p;
  }

  /**
   * {@code arn:PARTITION:states:REGION:ACCOUNT:TYPE:REST} as {@link #ARN} reads it, or null. Read by
   * hand, field by field (this is on every request's path); {@code ArnsTest} holds it to the pattern.
   */
  public static Parsed parse(String arn) {
    if (arn == null || !arn.startsWith("arn:aws")) return null;
    int partitionEnd = arn.indexOf(':', 4);
    if (partitionEnd < 0 || !allOf(arn, 7, partitionEnd, Arns::isPartitionChar)) return null;
    if (!arn.startsWith("states:", partitionEnd + 1)) return null;
    int regionStart = partitionEnd + 8;
    int regionEnd = arn.indexOf(':', regionStart);
    if (regionEnd <= regionStart || !allOf(arn, regionStart, regionEnd, Arns::isRegionChar)) return null;
    int accountEnd = regionEnd + 13;
    if (accountEnd >= arn.length() || arn.charAt(accountEnd) != ':'
        || !allOf(arn, regionEnd + 1, accountEnd, c -> c >= '0' && c <= '9')) {
      return null;
    }
    int typeEnd = arn.indexOf(':', accountEnd + 1);
    if (typeEnd < 0) return null;
    String type = arn.substring(accountEnd + 1, typeEnd);
    if (!RESOURCE_TYPES.contains(type)) return null;
    String rest = arn.substring(typeEnd + 1);
    if (rest.isEmpty() || !allOf(rest, 0, rest.length(), c -> !isLineTerminator(c))) return null;
    return new Parsed(arn.substring(regionStart, regionEnd), arn.substring(regionEnd + 1, accountEnd), type, rest);
  }

  private static final java.util.Set<String> RESOURCE_TYPES =
      java.util.Set.of("stateMachine", "execution", "express", "activity", "mapRun");

  private static boolean allOf(String s, int from, int to, java.util.function.IntPredicate test) {
    for (int i = from; i < to; i++) {
      if (!test.test(s.charAt(i))) return false;
    }
    return true;
  }

  private static boolean isPartitionChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
  }

  private static boolean isRegionChar(int c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  }

  /** What a regex's {@code .} does not match (no DOTALL, no UNIX_LINES). */
  private static boolean isLineTerminator(int c) {
    return c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029';
  }

  /**
   * A Distributed Map state's ARN, {@code stateMachine:<machine>/<label>}: what its Map Runs' child
   * executions name as their state machine (the API Reference's "qualified state machine ARN that
   * refers to a Distributed Map state").
   */
  public static boolean isMapStateArn(String arn) {
    Parsed p = parse(arn);
    if (p == null || !p.resourceType().equals("stateMachine")) return false;
    String[] parts = p.rest().split("/", -1);
    return parts.length == 2 && isNameInArn(parts[0]) && isNameInArn(parts[1]);
  }

  /** A state machine ARN (unqualified: no version or alias suffix) or InvalidArn. */
  public static Parsed requireStateMachine(String arn) {
    Parsed p = parse(arn);
    if (p == null || !p.resourceType().equals("stateMachine") || !isNameInArn(p.rest())) {
      throw ServiceError.invalidArn(arn);
    }
    return p;
  }

  /** An execution ARN (standard or express) or InvalidArn. */
  public static Parsed requireExecution(String arn) {
    Parsed p = parse(arn);
    if (p == null || !(p.resourceType().equals("execution") || p.resourceType().equals("express"))) {
      throw ServiceError.invalidArn(arn);
    }
    String[] parts = p.rest().split(":", -1);
    boolean ok = p.resourceType().equals("execution") ? parts.length == 2 : parts.length == 3;
    // a Map Run's child runs machine/label
    String[] machine = parts[0].split("/", -1);
    ok &= machine.length <= 2;
    for (String part : machine) ok &= isNameInArn(part);
    for (int i = 1; i < parts.length; i++) ok &= isNameInArn(parts[i]);
    if (!ok) throw ServiceError.invalidArn(arn);
    return p;
  }

  /** A version ARN ({@code machine-arn:number}) split: the machine's ARN and the version number. */
  public record VersionRef(String machineArn, int number) {}

  /** An alias ARN ({@code machine-arn:alias-name}) split: the machine's ARN and the alias name. */
  public record AliasRef(String machineArn, String name) {}

  /** {@code arn} as a version ARN of a state machine, or empty if it is not one. */
  public static Optional<VersionRef> version(String arn) {
    int colon = arn == null ? -1 : arn.lastIndexOf(':');
    if (colon < 0) return Optional.empty();
    String tail = arn.substring(colon + 1);
    if (tail.isEmpty() || tail.length() > 9 || !tail.chars().allMatch(Character::isDigit) || tail.startsWith("0")) {
      return Optional.empty();
    }
    if (!isStateMachine(arn.substring(0, colon))) return Optional.empty();
    return Optional.of(new VersionRef(arn.substring(0, colon), Integer.parseInt(tail)));
  }

  /** {@code arn} as an alias ARN of a state machine, or empty if it is not one. */
  public static Optional<AliasRef> alias(String arn) {
    int colon = arn == null ? -1 : arn.lastIndexOf(':');
    if (colon < 0) return Optional.empty();
    String name = arn.substring(colon + 1);
    if (!isValidAliasName(name) || !isStateMachine(arn.substring(0, colon))) return Optional.empty();
    return Optional.of(new AliasRef(arn.substring(0, colon), name));
  }

  private static boolean isStateMachine(String arn) {
    Parsed p = parse(arn);
    return p != null && p.resourceType().equals("stateMachine") && isNameInArn(p.rest());
  }

  /** AWS's alias names: letters, digits, {@code _ - .}, at least one not a digit (a number reads as a version). */
  public static boolean isValidAliasName(String name) {
    return name != null && ALIAS_NAME.matcher(name).matches();
  }

  public static boolean isValidRoleArn(String arn) {
    return arn != null && arn.length() <= 256 && ROLE_ARN.matcher(arn).matches();
  }

  /**
   * AWS's naming rule for a new state machine, execution or activity: 1–80 characters, none of
   * white space, brackets {@code < > { } [ ]}, wildcards {@code ? *}, the special characters
   * {@code " # % \ ^ | ~ ` $ & , ; : /}, control characters (U+0000–001F, U+007F–009F), the
   * noncharacters U+FFFE–FFFF, a lone surrogate (U+D800–DFFF) or U+10FFFF (the API Reference's
   * {@code name}).
   */
  public static boolean isValidName(String name) {
    return name(name, true);
  }

  /**
   * Whether {@code name} can be the name in an ARN this server may have made: the rule above
   * without the characters it added later (U+FFFE–FFFF, lone surrogates, U+10FFFF), so that a
   * resource named with them before still answers by its ARN.
   */
  public static boolean isNameInArn(String name) {
    return name(name, false);
  }

  private static boolean name(String name, boolean strict) {
    if (name == null || name.isEmpty() || name.length() > 80) return false;
    for (int i = 0; i < name.length(); ) {
      int c = name.codePointAt(i);
      i += Character.charCount(c);
      if (io.stepwise.asl.NameCharacters.refused(c, strict)) return false;
    }
    return true;
  }
}
