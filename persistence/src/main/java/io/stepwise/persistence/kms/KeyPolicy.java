package io.stepwise.persistence.kms;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The subset of IAM policy evaluation a key policy needs locally: {@code Allow}/{@code Deny}
 * statements with {@code Principal} ({@code "*"}, {@code {"AWS": arn or [arns]}}, an account id or
 * the account's {@code :root}, which stands for every principal of the account) and
 * {@code Action} ({@code kms:*}, exact names, {@code *} wildcards). An explicit Deny wins; with
 * no matching Allow the answer is no. Conditions and {@code NotAction}/{@code NotPrincipal} are
 * not evaluated: a statement carrying them is ignored, which only ever removes access.
 */
public final class KeyPolicy {
  private static final ObjectMapper JSON = new ObjectMapper();

  private KeyPolicy() {}

  /** AWS's default key policy: the account's principals may do everything IAM lets them. */
  public static String defaultPolicy(String account) {
    return """
        {
          "Version" : "2012-10-17",
          "Id" : "key-default-1",
          "Statement" : [ {
            "Sid" : "Enable IAM User Permissions",
            "Effect" : "Allow",
            "Principal" : {
              "AWS" : "arn:aws:iam::%s:root"
            },
            "Action" : "kms:*",
            "Resource" : "*"
          } ]
        }""".formatted(account);
  }

  /** Refuses a document that is not a JSON object with a non-empty {@code Statement}. */
  public static void validate(String policy) {
    JsonNode statements = parse(policy).get("Statement");
    if (statements == null || statements.isEmpty()) {
      throw malformed("the policy has no Statement");
    }
    for (JsonNode s : statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
      String effect = s.path("Effect").asText("");
      if (!effect.equals("Allow") && !effect.equals("Deny")) {
        throw malformed("each statement needs an Effect of Allow or Deny");
      }
    }
  }

  /**
   * Whether {@code principalArn} (of {@code account}) may perform {@code action}
   * (e.g. {@code kms:Decrypt}) under {@code policy}; a null policy is the default one.
   */
  public static boolean allows(String policy, String account, String principalArn, String action) {
    return allows(policy, account, account, principalArn, action);
  }

  /**
   * Whether {@code principalArn}, of {@code callerAccount}, may perform {@code action} on a key of
   * {@code keyAccount}: a null policy is the key account's default policy (its own principals
   * only); a statement naming an account ({@code 111122223333} or its {@code :root}) admits that
   * account's principals.
   */
  public static boolean allows(String policy, String keyAccount, String callerAccount, String principalArn, String action) {
    String account = callerAccount;
    JsonNode doc = parse(policy == null ? defaultPolicy(keyAccount) : policy);
    JsonNode statements = doc.path("Statement");
    boolean allowed = false;
    for (JsonNode s : statements.isArray() ? statements : JSON.createArrayNode().add(statements)) {
      if (s.has("Condition") || s.has("NotAction") || s.has("NotPrincipal")) {
        continue;
      }
      if (!matchesPrincipal(s.get("Principal"), account, principalArn) || !matchesAction(s.get("Action"), action)) {
        continue;
      }
      if (s.path("Effect").asText().equals("Deny")) {
        return false;
      }
      allowed |= s.path("Effect").asText().equals("Allow");
    }
    return allowed;
  }

  private static boolean matchesPrincipal(JsonNode principal, String account, String principalArn) {
    if (principal == null) {
      return false;
    }
    if (principal.isTextual()) {
      return principal.asText().equals("*");
    }
    for (String p : values(principal.get("AWS"))) {
      if (p.equals("*") || p.equals(principalArn) || p.equals(account)
          || p.equals("arn:aws:iam::" + account + ":root")) {
        return true;
      }
    }
    return false;
  }

  private static boolean matchesAction(JsonNode actions, String action) {
    for (String a : values(actions)) {
      String regex = ("\\Q" + a.toLowerCase() + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
      if (Pattern.matches(regex, action.toLowerCase())) {
        return true;
      }
    }
    return false;
  }

  private static List<String> values(JsonNode node) {
    List<String> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(n.asText()));
    } else {
      out.add(node.asText());
    }
    return out;
  }

  private static JsonNode parse(String policy) {
    try {
      JsonNode doc = JSON.readTree(policy);
      if (doc == null || !doc.isObject()) {
        throw malformed("the policy is not a JSON object");
      }
      return doc;
    } catch (IOException e) {
      throw malformed("the policy is not valid JSON");
    }
  }

  private static KmsException malformed(String why) {
    return new KmsException(KmsException.Code.MALFORMED_POLICY, "Policy contains a statement with errors: " + why);
  }
}
