package io.stepwise.engine.kms;

/**
 * How a caller is named in key policies. Stepwise has no IAM: each SigV4 access key is taken to
 * be the IAM user {@code arn:aws:iam::<account>:user/<accessKeyId>}, so a key policy can allow or
 * deny one access key, and the account's {@code :root} principal covers them all.
 */
public final class Principals {
  private Principals() {}

  public static String arn(String account, String accessKeyId) {
    return "arn:aws:iam::" + account + ":user/" + accessKeyId;
  }
}
