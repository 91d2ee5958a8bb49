package io.lockwatch.streams.internals;

/**
 * A record that decoded but breaks the contract (a key that is not its lock id, a field over its
 * bound, a non-positive token, a record on the wrong partition, ...). Thrown from the processor so
 * that the processing exception handler sends the original record to the dead-letter topic with
 * this message and {@link #reason()}, and processing continues.
 */
public final class ContractViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The dead-letter reason of a record on a partition its key does not hash to. */
  public static final String MISPARTITIONED = "MISPARTITIONED";

  private final String reason;

  public ContractViolation(String message) {
    this("CONTRACT_VIOLATION", message);
  }

  public ContractViolation(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  /** The dead-letter reason class: CONTRACT_VIOLATION or MISPARTITIONED. */
  public String reason() {
    return reason;
  }
}
