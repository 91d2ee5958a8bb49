package io.lockwatch.schemas.registry;

/**
 * The registry refused a request or could not be reached. Carries the HTTP status and the
 * registry's own error code (e.g. 40401 subject not found, 40403 schema not found, 409 incompatible
 * schema) when the registry answered; both are -1 when it did not.
 */
public final class RegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Subject not found. */
  public static final int SUBJECT_NOT_FOUND = 40401;

  /** Version not found. */
  public static final int VERSION_NOT_FOUND = 40402;

  /** Schema not found (by id, or under a subject). */
  public static final int SCHEMA_NOT_FOUND = 40403;

  /** The schema is not compatible with the subject's earlier versions. */
  public static final int INCOMPATIBLE_SCHEMA = 409;

  /** The schema is not valid Avro. */
  public static final int INVALID_SCHEMA = 42201;

  private final int httpStatus;
  private final int errorCode;

  public RegistryException(String message, int httpStatus, int errorCode) {
    super(message);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.httpStatus = -1;
    this.errorCode = -1;
  }

  public int httpStatus() {
    return httpStatus;
  }

  public int errorCode() {
    return errorCode;
  }

  /** Whether the registry answered that the schema, subject or version does not exist. */
  public boolean isNotFound() {
    return errorCode == SUBJECT_NOT_FOUND
        || errorCode == VERSION_NOT_FOUND
        || errorCode == SCHEMA_NOT_FOUND
        || httpStatus == 404;
  }
}
