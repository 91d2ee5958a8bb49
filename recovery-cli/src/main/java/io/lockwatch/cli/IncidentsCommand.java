package io.lockwatch.cli;

import io.lockwatch.cli.output.Format;
import io.lockwatch.cli.output.Table;
import io.lockwatch.cli.output.Times;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.incident.IncidentJson;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Incident;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code lockwatch incidents}: every incident the streams app opened, from the incidents topic
 * (each record one revision): the latest revision of each, open ones first.
 */
@Command(
    name = "incidents",
    mixinStandardHelpOptions = true,
    subcommands = IncidentsCommand.Show.class,
    description = {
      "List the incidents: one per stale holding, from detection to its end (ALL CLEAR, a false"
          + " alarm, ...), with their figures. Read from the incidents topic.",
      "",
      "`lockwatch incidents show ID` prints one incident's timeline."
    })
public final class IncidentsCommand implements Callable<Integer> {

  @Spec CommandSpec spec;
  @Mixin HistoryOptions source;
  @Mixin OutputOptions output;

  @Option(
      names = "--from-history",
      description =
          "Derive the incidents by folding the lock events and operator actions with the app's"
              + " rules and settings (--config, or an export's --file), instead of reading the"
              + " incidents topic: history and the live service agree.")
  boolean fromHistory;

  @Option(names = "--open", description = "Only incidents not yet ended.")
  boolean open;

  @Option(
      names = "--since",
      paramLabel = "TIME",
      description =
          "Only incidents detected at or after this time (ISO-8601, a time of today, or a duration"
              + " ago such as 2h).")
  String since;

  @Override
  public Integer call() throws Exception {
    Instant from =
        since == null
            ? null
            : TimeParser.instant(since, output.zone(), LocalDate.now(output.zone()), Instant.now());
    List<Incident> latest = new ArrayList<>();
    Map<String, List<Incident>> incidents =
        fromHistory
            ? folded(source, output.progress(spec.commandLine().getErr()))
            : read(source.connection);
    for (List<Incident> revisions : incidents.values()) {
      Incident incident = revisions.get(revisions.size() - 1);
      if ((!open || IncidentRules.isOpen(incident))
          && (from == null || !incident.getDetectedAt().isBefore(from))) {
        latest.add(incident);
      }
    }
    latest.sort(
        Comparator.comparing((Incident incident) -> !IncidentRules.isOpen(incident))
            .thenComparing(Incident::getDetectedAt, Comparator.reverseOrder())
            .thenComparing(Incident::getIncidentId));
    PrintWriter out = spec.commandLine().getOut();
    if (output.format() == Format.JSON) {
      out.println(
          LockJson.MAPPER.writeValueAsString(
              LockJson.MAPPER
                  .createArrayNode()
                  .addAll(latest.stream().map(IncidentJson::of).toList())));
    } else if (output.format() == Format.JSONL) {
      latest.forEach(incident -> out.println(IncidentJson.of(incident)));
    } else {
      Times times = output.times();
      Table table =
          new Table(
              "INCIDENT",
              "STATE",
              "SEVERITY",
              "HOLDER",
              "DETECTED",
              "TO DETECT",
              "TO RECOVER",
              "NEXT HOLDER");
      for (Incident incident : latest) {
        table.row(
            incident.getIncidentId(),
            incident.getResolution() == null
                ? incident.getState().name()
                : incident.getResolution().name(),
            incident.getSeverity().name(),
            incident.getHolder() == null ? "-" : incident.getHolder().getNodeId(),
            times.full(incident.getDetectedAt()),
            seconds(incident.getTimeToDetectMs()),
            seconds(incident.getTimeToRecoverMs()),
            incident.getNextHolder() == null
                ? "-"
                : incident.getNextHolder().getNodeId()
                    + " ("
                    + incident.getNextFencingToken()
                    + ")");
      }
      if (table.isEmpty()) {
        out.println(open ? "No open incidents." : "No incidents.");
      } else {
        table.print(out);
      }
    }
    return ExitCodes.DONE;
  }

  /** Every revision of every incident in the topic, by id, in the order written. */
  static Map<String, List<Incident>> read(ConnectionOptions connection) throws Exception {
    Map<String, Object> client = connection.config().clientConfig();
    TopicCatalog topics = TopicCatalog.fromConfig(client);
    String topic = topics.incidents().name();
    Map<String, List<Incident>> byId = new LinkedHashMap<>();
    for (ConsumerRecord<byte[], byte[]> record :
        BoundedTopicReader.readAll(client, topic, connection.timeout())) {
      if (record.value() == null) {
        continue;
      }
      Incident incident =
          topics.incidents().valueSerde().deserializer().deserialize(topic, record.value());
      byId.computeIfAbsent(incident.getIncidentId(), id -> new ArrayList<>()).add(incident);
    }
    // Revisions of one incident sit in one partition, in order; a replayed one is dropped.
    byId.values()
        .forEach(
            revisions -> {
              revisions.sort(Comparator.comparingLong(Incident::getRevision));
              for (int i = revisions.size() - 1; i > 0; i--) {
                if (revisions.get(i).getRevision() == revisions.get(i - 1).getRevision()) {
                  revisions.remove(i);
                }
              }
            });
    return byId;
  }

  /** Every revision of every incident, as the app's rules make them from the history. */
  static Map<String, List<Incident>> folded(
      HistoryOptions source, io.lockwatch.cli.output.Progress progress) throws Exception {
    io.lockwatch.core.LockwatchConfig settings = source.settings();
    Map<String, List<Incident>> byId = new LinkedHashMap<>();
    io.lockwatch.cli.history.HistoryFold fold =
        new io.lockwatch.cli.history.HistoryFold(
                new io.lockwatch.core.LockStateMachine(settings.watchPolicy()))
            .listen(
                (lockId, before, transition, now) ->
                    transition
                        .incidents()
                        .forEach(
                            incident ->
                                byId.computeIfAbsent(
                                        incident.getIncidentId(), id -> new ArrayList<>())
                                    .add(incident)));
    io.lockwatch.cli.history.Timeline.walk(
        source.history(settings, progress),
        null,
        Instant.now(),
        io.lockwatch.cli.history.Selection.ALL,
        fold,
        (entry, judgement, state) -> {});
    return byId;
  }

  static String seconds(Long millis) {
    return millis == null ? "-" : Times.duration(Duration.ofMillis(millis));
  }

  /** {@code lockwatch incidents show ID}: one incident's timeline and figures. */
  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Print one incident's timeline (each revision) and its figures.")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ConnectionOptions connection;
    @Mixin OutputOptions output;

    @Parameters(paramLabel = "ID", description = "The incident id, e.g. aim_lock_config.conf@42.")
    String id;

    @Option(
        names = "--html",
        paramLabel = "FILE",
        description =
            "Where to write the postmortem HTML of the incident's lock around it (default:"
                + " incident-<ID>.html in the current directory).")
    java.nio.file.Path html;

    @Option(names = "--no-html", description = "Write no HTML report.")
    boolean noHtml;

    @Override
    public Integer call() throws Exception {
      List<Incident> revisions = read(connection).get(id);
      if (revisions == null) {
        throw new UsageException("no incident " + id + " in the incidents topic");
      }
      PrintWriter out = spec.commandLine().getOut();
      if (output.format() != Format.TABLE) {
        for (Incident revision : revisions) {
          out.println(
              output.format() == Format.JSON
                  ? LockJson.MAPPER
                      .writerWithDefaultPrettyPrinter()
                      .writeValueAsString(IncidentJson.of(revision))
                  : IncidentJson.of(revision).toString());
        }
        return ExitCodes.DONE;
      }
      Times times = output.times();
      Incident last = revisions.get(revisions.size() - 1);
      out.printf(
          "Incident %s: %s of %s (token %d), held by %s%n",
          last.getIncidentId(),
          last.getCause(),
          last.getLockId(),
          last.getFencingToken(),
          last.getHolder() == null ? "-" : last.getHolder().getNodeId());
      Table table = new Table("REV", "AT (" + times.zoneName() + ")", "STATE", "WHAT");
      Incident before = null;
      for (Incident revision : revisions) {
        table.row(
            Long.toString(revision.getRevision()),
            times.full(revision.getUpdatedAt()),
            revision.getState().name(),
            IncidentStory.change(before, revision));
        before = revision;
      }
      table.print(out);
      out.println();
      IncidentStory.figures(last, times).forEach(out::println);
      if (!noHtml) {
        java.nio.file.Path report =
            html != null
                ? html
                : java.nio.file.Path.of(
                    "incident-" + id.replaceAll("[^A-Za-z0-9._@#-]", "_") + ".html");
        java.nio.file.Files.writeString(
            report,
            io.lockwatch.cli.postmortem.PostmortemHtml.render(postmortem(last, times)),
            java.nio.charset.StandardCharsets.UTF_8);
        out.println("HTML report: " + report);
      }
      return ExitCodes.DONE;
    }

    /** The postmortem of the incident's lock, from a threshold before its last heartbeat on. */
    private io.lockwatch.cli.postmortem.Postmortem postmortem(Incident incident, Times times)
        throws Exception {
      io.lockwatch.core.LockwatchConfig config = connection.config();
      Map<String, Object> client = config.clientConfig();
      Instant anchor =
          incident.getLastHeartbeatObservedAt() != null
              ? incident.getLastHeartbeatObservedAt()
              : incident.getDetectedAt();
      Instant from = anchor.minusMillis(Math.max(incident.getThresholdMs(), 1_000) * 2);
      Instant to =
          (incident.getResolvedAt() != null ? incident.getResolvedAt() : Instant.now())
              .plusSeconds(1);
      io.lockwatch.cli.history.Selection lock =
          io.lockwatch.cli.history.Selection.lock(incident.getLockId());
      io.lockwatch.cli.postmortem.Postmortem postmortem =
          new io.lockwatch.cli.postmortem.Postmortem(times, lock, from, to);
      io.lockwatch.cli.history.Timeline.walk(
          new io.lockwatch.cli.history.KafkaHistory(
              client,
              TopicCatalog.fromConfig(client),
              connection.timeout(),
              io.lockwatch.cli.output.Progress.NONE),
          from,
          to,
          lock,
          new io.lockwatch.cli.history.HistoryFold(
              new io.lockwatch.core.LockStateMachine(config.watchPolicy())),
          postmortem);
      return postmortem;
    }
  }
}
