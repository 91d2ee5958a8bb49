package io.lockwatch.cli;

/** The exit codes of every lockwatch command, as its help lists them. */
public final class ExitCodes {
  /** The command did its work. */
  public static final int DONE = 0;

  /** The command could not do its work; the message says why. */
  public static final int FAILED = 1;

  /** The command line does not parse, or a value is not one the command takes. */
  public static final int USAGE = 2;

  private ExitCodes() {}
}
