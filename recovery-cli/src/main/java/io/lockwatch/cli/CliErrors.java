package io.lockwatch.cli;

import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.serde.AvroSerdeException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
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
    return cause instanceof ConfigException || cause instanceof UsageException
        ? ExitCodes.USAGE
        : ExitCodes.FAILED;
  }

  static String describe(Throwable cause) {
    if (cause instanceof FileSystemException file) {
      return fileProblem(file);
    }
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

  /** The JDK's file exceptions carry the path alone as their message: say what went wrong. */
  private static String fileProblem(FileSystemException e) {
    String what =
        e instanceof NoSuchFileException
            ? "no such file or directory"
            : e instanceof AccessDeniedException
                ? "permission denied"
                : e instanceof FileAlreadyExistsException
                    ? "already exists"
                    : e instanceof NotDirectoryException
                        ? "not a directory"
                        : e.getReason() != null ? e.getReason() : e.getClass().getSimpleName();
    String where = e.getFile() != null ? e.getFile() : String.valueOf(e.getMessage());
    Path parent = e.getFile() == null ? null : Path.of(e.getFile()).toAbsolutePath().getParent();
    if (e instanceof NoSuchFileException && parent != null && !Files.isDirectory(parent)) {
      what = "its directory " + parent + " does not exist";
    }
    return "cannot use " + where + ": " + what;
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
