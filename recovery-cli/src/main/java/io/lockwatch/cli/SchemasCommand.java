package io.lockwatch.cli;

import io.lockwatch.cli.output.Table;
import io.lockwatch.schemas.contract.ContractRegistration;
import io.lockwatch.schemas.registry.CompatibilityLevel;
import io.lockwatch.schemas.registry.CompatibilityResult;
import io.lockwatch.schemas.registry.RegisteredSchema;
import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistry;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch schemas}: the contract against the registry. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = "Lockwatch's Avro contract and the schema registry.",
    subcommands = {SchemasCommand.Check.class, SchemasCommand.Register.class})
public final class SchemasCommand {

  /** {@code lockwatch schemas check}. */
  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Compare this build's schemas with the registry's latest, subject by subject, and test",
        "the differing ones against the subject's compatibility rule. Exit 1 when one would be",
        "refused."
      })
  public static final class Check implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      TopicCatalog catalog = TopicCatalog.fromConfig(connection.config().clientConfig());
      SchemaRegistry registry = catalog.registry();
      Table table = new Table("SUBJECT", "REGISTRY", "LOCAL", "VERDICT");
      int refused = 0;
      for (ContractRegistration.Subject contract :
          ContractRegistration.subjects(catalog, connection.config().clientConfig())) {
        String subject = contract.subject();
        Schema local = contract.schema();
        String fingerprint = Long.toHexString(SchemaNormalization.parsingFingerprint64(local));
        RegisteredSchema latest;
        try {
          latest = registry.latest(subject);
        } catch (RegistryException e) {
          if (e.isNotFound()) {
            table.row(subject, "not registered", fingerprint, "ok: registered on first publish");
            continue;
          }
          throw e;
        }
        String remote = "version " + latest.version() + " (id " + latest.id() + ")";
        if (SchemaNormalization.parsingFingerprint64(latest.schema())
            == SchemaNormalization.parsingFingerprint64(local)) {
          table.row(subject, remote, fingerprint, "same");
          continue;
        }
        CompatibilityResult result = registry.testCompatibility(subject, local);
        if (result.compatible()) {
          table.row(
              subject,
              remote,
              fingerprint,
              "newer here, compatible (" + registry.compatibility(subject) + ")");
        } else {
          refused++;
          table.row(
              subject,
              remote,
              fingerprint,
              "INCOMPATIBLE ("
                  + registry.compatibility(subject)
                  + "): "
                  + String.join("; ", result.messages()));
        }
      }
      table.print(out);
      if (refused > 0) {
        spec.commandLine()
            .getErr()
            .println(
                "lockwatch: "
                    + refused
                    + " subject(s) would refuse this build's schema; see VERDICT above");
        return ExitCodes.FAILED;
      }
      return 0;
    }
  }

  /** {@code lockwatch schemas register}. */
  @Command(
      name = "register",
      mixinStandardHelpOptions = true,
      description = {
        "Register this build's schemas under their subjects, with the given compatibility, as the",
        "streams app does at start: for producers and consumers that do not auto-register.",
        "Exit 1 when a subject refuses a schema."
      })
  public static final class Register implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;

    @Option(
        names = "--compatibility",
        paramLabel = "LEVEL",
        defaultValue = "BACKWARD",
        description =
            "Compatibility set on each subject: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    CompatibilityLevel compatibility;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      TopicCatalog catalog = TopicCatalog.fromConfig(connection.config().clientConfig());
      Table table = new Table("SUBJECT", "ID", "COMPATIBILITY");
      for (ContractRegistration.Registered registered :
          ContractRegistration.register(
              catalog.registry(),
              ContractRegistration.subjects(catalog, connection.config().clientConfig()),
              compatibility)) {
        table.row(
            registered.subject().subject(),
            Integer.toString(registered.id()),
            registered.compatibility().name());
      }
      table.print(out);
      return 0;
    }
  }
}
