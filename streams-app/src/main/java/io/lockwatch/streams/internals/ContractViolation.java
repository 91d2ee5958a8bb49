package io.lockwatch.streams.internals;

/**
 * A record that decoded but breaks the contract (a key that is not its lock id, attributes over the
 * bounds, a non-positive token, ...). Thrown from the processor so that Kafka Streams' processing
 * exception handler sends the original record to the dead-letter topic with this message, and
 * processing continues.
 */
public final class ContractViolation extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ContractViolation(String message) {
    super(message);
  }
}
