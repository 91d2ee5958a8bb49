package io.lockwatch.devstack;

/** The embedded stack could not be started or used; the message says what to do about it. */
public final class DevStackException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DevStackException(String message) {
    super(message);
  }

  public DevStackException(String message, Throwable cause) {
    super(message, cause);
  }
}
