package io.lockwatch.cli;

/**
 * The command line asks for something that cannot be done as asked (exit 2, with the message as the
 * hint). Any other exception is a failure (exit 1), a bug included.
 */
public final class UsageException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UsageException(String message) {
    super(message);
  }

  public UsageException(String message, Throwable cause) {
    super(message, cause);
  }
}
