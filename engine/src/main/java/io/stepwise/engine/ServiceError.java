package io.stepwise.engine;

import java.util.Map;

/**
 * A failure the caller caused or must know about, with AWS's error code (the {@code __type} of the
 * response) and message. The API edge turns it into the AWS error shape; {@code status} is the
 * HTTP status AWS uses (400 for client errors).
 */
public final class ServiceError extends RuntimeException {
  private final String code;
  private final int status;
  private final Map<String, Object> extra;

  public ServiceError(String code, String message) {
    this(code, 400, message, Map.of());
  }

  public ServiceError(String code, int status, String message, Map<String, Object> extra) {
    super(message, null, false, false);
    this.code = code;
    this.status = status;
    this.extra = Map.copyOf(extra);
  }

  public String code() {
    return code;
  }

  public int status() {
    return status;
  }

  public Map<String, Object> extra() {
    return extra;
  }

  public static ServiceError validation(String message) {
    return new ServiceError("ValidationException", message);
  }

  public static ServiceError stateMachineDoesNotExist(String arn) {
    return new ServiceError("StateMachineDoesNotExist", "State Machine Does Not Exist: '" + arn + "'");
  }

  /** A machine deleted while Standard executions of it still run (AWS: status DELETING). */
  public static ServiceError stateMachineDeleting(String arn) {
    return new ServiceError("StateMachineDeleting", "State Machine is being deleted: '" + arn + "'");
  }

  public static ServiceError executionDoesNotExist(String arn) {
    return new ServiceError("ExecutionDoesNotExist", "Execution Does Not Exist: '" + arn + "'");
  }

  /**
   * InvalidArn in AWS's words, as users pasted them: text that is no ARN is {@code Invalid ARN
   * prefix: <text>}; an ARN of another kind names its resource type, {@code Resource type not valid
   * in this context: stateMachine} (cirrus-geo#316: a state machine ARN given to DescribeExecution).
   */
  public static ServiceError invalidArn(String arn) {
    String reason;
    if (arn == null || !arn.startsWith("arn:")) {
      reason = "Invalid ARN prefix: " + arn;
    } else {
      String[] parts = arn.split(":", 7); // arn:partition:service:region:account:type:rest
      reason = "Resource type not valid in this context: " + (parts.length == 7 && !parts[5].isEmpty() ? parts[5] : arn);
    }
    return new ServiceError("InvalidArn", "Invalid Arn: '" + reason + "'");
  }

  /** A roleArn that is no IAM role ARN (amazon-sagemaker-examples#2432: {@code Invalid Role Arn: '<execution-role-arn>'}). */
  public static ServiceError invalidRoleArn(String arn) {
    return new ServiceError("InvalidArn", "Invalid Role Arn: '" + arn + "'");
  }

  /** Stored data that failed to decrypt or authenticate: not the caller's fault, so a 500. */
  public static ServiceError unreadable(String reason) {
    return new ServiceError("InternalFailure", 500, "The stored data of this resource cannot be read: " + reason, Map.of());
  }
}
