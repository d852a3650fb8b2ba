package io.stepwise.engine;

import java.util.regex.Pattern;

/** Builds and checks Step Functions ARNs and resource names the way AWS does. */
public final class Arns {
  private Arns() {}

  private static final Pattern ARN =
      Pattern.compile("arn:(aws[a-zA-Z-]*):states:([a-z0-9-]+):(\\d{12}):(stateMachine|execution|express|activity|mapRun):(.+)");
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
    if (p == null || !p.resourceType().equals("activity") || !isValidName(p.rest())) {
      throw ServiceError.invalidArn(arn);
    }
    return p;
  }

  public static Parsed parse(String arn) {
    var m = arn == null ? null : ARN.matcher(arn);
    if (m == null || !m.matches()) return null;
    return new Parsed(m.group(2), m.group(3), m.group(4), m.group(5));
  }

  /** A state machine ARN (unqualified: no version or alias suffix) or InvalidArn. */
  public static Parsed requireStateMachine(String arn) {
    Parsed p = parse(arn);
    if (p == null || !p.resourceType().equals("stateMachine") || !isValidName(p.rest())) {
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
    for (String part : parts) ok &= isValidName(part);
    if (!ok) throw ServiceError.invalidArn(arn);
    return p;
  }

  public static boolean isValidRoleArn(String arn) {
    return arn != null && arn.length() <= 256 && ROLE_ARN.matcher(arn).matches();
  }

  /**
   * AWS's naming rule for state machines, executions and activities: 1–80 characters, none of
   * white space, brackets {@code < > { } [ ]}, wildcards {@code ? *}, the special characters
   * {@code " # % \ ^ | ~ ` $ & , ; : /}, or control characters (U+0000–001F, U+007F–009F).
   */
  public static boolean isValidName(String name) {
    if (name == null || name.isEmpty() || name.length() > 80) return false;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (Character.isWhitespace(c) || c <= 0x1F || (c >= 0x7F && c <= 0x9F)) return false;
      if ("<>{}[]?*\"#%\\^|~`$&,;:/".indexOf(c) >= 0) return false;
    }
    return true;
  }
}
