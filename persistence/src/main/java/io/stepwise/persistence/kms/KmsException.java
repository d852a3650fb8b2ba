package io.stepwise.persistence.kms;

import java.util.Optional;

/** A KMS refusal, carrying AWS's error code so the API layer can map it without guessing. */
public final class KmsException extends RuntimeException {

  /** AWS KMS error codes ({@code __type}) this KMS raises. */
  public enum Code {
    NOT_FOUND("NotFoundException"),
    DISABLED("DisabledException"),
    INVALID_STATE("KMSInvalidStateException"),
    INVALID_CIPHERTEXT("InvalidCiphertextException"),
    INCORRECT_KEY("IncorrectKeyException"),
    VALIDATION("ValidationException"),
    UNSUPPORTED("UnsupportedOperationException"),
    ALREADY_EXISTS("AlreadyExistsException"),
    INVALID_KEY_USAGE("InvalidKeyUsageException"),
    INVALID_ALIAS_NAME("InvalidAliasNameException"),
    INVALID_ARN("InvalidArnException"),
    MALFORMED_POLICY("MalformedPolicyDocumentException"),
    TAG("TagException"),
    ACCESS_DENIED("AccessDeniedException");

    private final String awsType;

    Code(String awsType) {
      this.awsType = awsType;
    }

    public String awsType() {
      return awsType;
    }
  }

  private final Code code;
  private final KeyState keyState;

  public KmsException(Code code, String message) {
    this(code, message, null);
  }

  public KmsException(Code code, String message, KeyState keyState) {
    super(message);
    this.code = code;
    this.keyState = keyState;
  }

  public Code code() {
    return code;
  }

  /** The key's state when the refusal is about state (DISABLED, PENDING_DELETION). */
  public Optional<KeyState> keyState() {
    return Optional.ofNullable(keyState);
  }
}
