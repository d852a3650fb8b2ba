package io.stepwise.api.http;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Who sent an authenticated AWS request: the access key from the SigV4 credential scope, the
 * account that key belongs to, and the region the client signed for; and {@code gone}, which
 * completes when the client's connection closes (a long poll must not hand a task to a client
 * that left); and {@code traceHeader}, the request's {@code X-Amzn-Trace-Id} header (null if none),
 * which a start of an execution prefers to its body's {@code traceHeader}. Two callers are equal by
 * who they are, not by connection or trace.
 */
public record Caller(String accessKeyId, String accountId, String region, CompletionStage<Void> gone,
    String traceHeader) {
  /** Never completes: a caller whose connection is not known (in process, tests). */
  public static final CompletionStage<Void> NEVER_GONE = new CompletableFuture<Void>().minimalCompletionStage();

  public Caller {
    Objects.requireNonNull(accessKeyId, "accessKeyId");
    Objects.requireNonNull(accountId, "accountId");
    Objects.requireNonNull(region, "region");
    if (gone == null) gone = NEVER_GONE;
  }

  public Caller(String accessKeyId, String accountId, String region) {
    this(accessKeyId, accountId, region, NEVER_GONE, null);
  }

  /** The same caller on a connection that completes {@code gone} when it closes. */
  public Caller on(CompletionStage<Void> gone) {
    return new Caller(accessKeyId, accountId, region, gone, traceHeader);
  }

  /** The same caller, whose request carried the X-Ray trace header {@code header} (null if none). */
  public Caller traced(String header) {
    return new Caller(accessKeyId, accountId, region, gone, header);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Caller c && c.accessKeyId.equals(accessKeyId) && c.accountId.equals(accountId)
        && c.region.equals(region);
  }

  @Override
  public int hashCode() {
    return Objects.hash(accessKeyId, accountId, region);
  }
}
