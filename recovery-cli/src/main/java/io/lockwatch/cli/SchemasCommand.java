package io.lockwatch.cli;

import io.lockwatch.cli.output.Table;
import io.lockwatch.events.Alert;
import io.lockwatch.events.LockEvent;
import io.lockwatch.events.LockState;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.registry.CompatibilityResult;
import io.lockwatch.schemas.registry.RegisteredSchema;
import io.lockwatch.schemas.registry.RegistryException;
import io.lockwatch.schemas.registry.SchemaRegistry;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lockwatch schemas}: the contract against the registry. */
@Command(
    name = "schemas",
    mixinStandardHelpOptions = true,
    description = "Lockwatch's Avro contract and the schema registry.",
    subcommands = {SchemasCommand.Check.class})
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
      Map<String, Schema> contract = new LinkedHashMap<>();
      contract.put(catalog.lockEvents().name(), LockEvent.getClassSchema());
      contract.put(catalog.lockState().name(), LockState.getClassSchema());
      contract.put(catalog.alerts().name(), Alert.getClassSchema());
      contract.put(catalog.reclaimCommands().name(), ReclaimCommand.getClassSchema());
      contract.put(catalog.operatorActions().name(), OperatorAction.getClassSchema());
      for (Map.Entry<String, Schema> topic : contract.entrySet()) {
        String subject = topic.getKey() + "-value";
        Schema local = topic.getValue();
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
        return LockwatchCli.FAILED;
      }
      return 0;
    }
  }
}
