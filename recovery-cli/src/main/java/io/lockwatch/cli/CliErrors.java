package io.lockwatch.cli;

import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.serde.AvroSerdeException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/**
 * The one place that turns failures into what a person sees: a single line on stderr and an exit
 * code (2 for a command line that does not parse, 1 for a command that failed), with the stack
 * trace only under {@code -v}.
 */
final class CliErrors
    implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {

  @Override
  public int handleParseException(ParameterException e, String[] args) {
    CommandLine commandLine = e.getCommandLine();
    PrintWriter err = commandLine.getErr();
    err.println("lockwatch: " + e.getMessage());
    err.println(
        "Try '" + commandLine.getCommandSpec().qualifiedName() + " --help' for more information.");
    return ExitCodes.USAGE;
  }

  @Override
  public int handleExecutionException(
      Exception e, CommandLine commandLine, ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    Throwable cause = unwrap(e);
    err.println("lockwatch: " + describe(cause));
    if (verbose(parseResult)) {
      cause.printStackTrace(err);
    }
    return cause instanceof ConfigException || cause instanceof IllegalArgumentException
        ? ExitCodes.USAGE
        : ExitCodes.FAILED;
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    if (message == null || message.isBlank()) {
      message = cause.getClass().getSimpleName();
    }
    String prefix = "";
    if (cause instanceof RegistryException) {
      prefix = "schema registry: ";
    } else if (cause instanceof AvroSerdeException) {
      prefix = "cannot decode: ";
    } else if (cause instanceof ConfigException) {
      prefix = "bad setting: ";
    } else if (cause instanceof KafkaException) {
      prefix = "Kafka: ";
    }
    // One line: a multi-line message (a child process's log, say) keeps its first line here.
    int newline = message.indexOf('\n');
    String firstLine = newline < 0 ? message : message.substring(0, newline) + " (more with -v)";
    return prefix + firstLine;
  }

  private static Throwable unwrap(Throwable e) {
    Throwable current = e;
    while ((current instanceof CompletionException
            || current instanceof ExecutionException
            || current instanceof UncheckedIOException && current.getCause() != null
            || current instanceof CommandLine.ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private static boolean verbose(ParseResult parseResult) {
    for (ParseResult level = parseResult; level != null; level = level.subcommand()) {
      if (level.hasMatchedOption("--verbose")) {
        return true;
      }
    }
    return false;
  }
}
