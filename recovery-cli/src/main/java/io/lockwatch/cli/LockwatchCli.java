package io.lockwatch.cli;

import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** The {@code lockwatch} command. */
@Command(
    name = "lockwatch",
    mixinStandardHelpOptions = true,
    versionProvider = LockwatchCli.Version.class,
    description = "Audit and recovery for distributed locks, on Kafka.",
    subcommands = {
      ReplayCommand.class,
      AtCommand.class,
      PostmortemCommand.class,
      LocksCommand.class,
      IncidentsCommand.class,
      ReclaimRequestCommand.class,
      ApproveCommand.class,
      DenyCommand.class,
      ExportCommand.class,
      SchemasCommand.class,
      TriggerCommand.class,
      NotifyCommand.class
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done",
      "1:failed (the message says why; -v shows the stack trace)",
      "2:bad usage"
    })
public final class LockwatchCli {

  @Option(
      names = {"-v", "--verbose"},
      scope = ScopeType.INHERIT,
      description = "Print the stack trace of a failure.")
  boolean verbose;

  public static void main(String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    System.exit(run(out, err, args));
  }

  /** Runs a command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return run(List.of(), out, err, args);
  }

  /**
   * Runs a command line with {@code extraCommands} (picocli commands, such as the dev tools' demo)
   * after the operational ones.
   */
  public static int run(
      List<Object> extraCommands, PrintWriter out, PrintWriter err, String... args) {
    CliErrors errors = new CliErrors();
    CommandLine commandLine = new CommandLine(new LockwatchCli());
    extraCommands.forEach(commandLine::addSubcommand);
    commandLine.addSubcommand(new CommandLine.HelpCommand());
    commandLine
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setOut(out)
        .setErr(err)
        .setExecutionExceptionHandler(errors)
        .setParameterExceptionHandler(errors);
    commandLine.setExitCodeExceptionMapper(exception -> ExitCodes.FAILED);
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** The version from the jar's manifest, or "development" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = LockwatchCli.class.getPackage().getImplementationVersion();
      return new String[] {"lockwatch " + (version == null ? "(development build)" : version)};
    }
  }
}
