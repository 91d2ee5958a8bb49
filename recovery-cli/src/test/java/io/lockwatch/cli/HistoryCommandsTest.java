package io.lockwatch.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.lockwatch.core.LockJson;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import io.lockwatch.events.OperatorAction;
import io.lockwatch.schemas.topics.BoundedTopicReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The history and operator commands on the embedded stack, against the recorded node-7 incident
 * ({@link RecordedIncident}): exact output.
 */
@IntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HistoryCommandsTest {
  // Yesterday: always in the past, and within the topics' retention.
  private final LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(1);
  private RecordedIncident incident;
  private Path config;

  @TempDir Path dir;

  @BeforeAll
  void record(DevStack stack, @TempDir Path configDir) throws Exception {
    incident = RecordedIncident.record(stack, day);
    config = configDir.resolve("lockwatch.properties");
    StringBuilder properties = new StringBuilder();
    for (Map.Entry<String, Object> setting : incident.clientConfig.entrySet()) {
      properties.append(setting.getKey()).append('=').append(setting.getValue()).append('\n');
    }
    Files.writeString(config, properties);
  }

  @Test
  void shouldReplayTheNode7IncidentInTimeOrderWhenOneLockIsSelected() {
    Result result =
        run("replay", "--lock", RecordedIncident.LOCK, "--around", "03:12", "--window", "20m");

    assertThat(result.err)
        .as("the recording stands in for broker stamps; the CLI cannot know and says so")
        .isEqualTo(
            "lockwatch: warning: 16 input record(s) carry their producer's timestamp (CreateTime"
                + " topic), not the broker's: they are placed at the holder's clock, which the app"
                + " did not judge with; set message.timestamp.type=LogAppendTime on the input"
                + " topics\n");
    assertThat(result.code).isZero();
    assertThat(result.out).isEqualTo(expected(REPLAY));
  }

  @Test
  void shouldShowTheHolderAtTheWindowsStartWhenALockIsHeldAcrossIt() {
    Result result =
        run("replay", "--lock", RecordedIncident.ROUTES, "--from", "03:14", "--to", "03:17");

    assertThat(result.code).isZero();
    assertThat(result.out).isEqualTo(expected(ACROSS));
  }

  @Test
  void shouldFollowANodesLocksWhenANodeIsSelected() {
    Result result = run("replay", "--node", "node-7", "--around", "03:12", "--window", "20m");

    assertThat(result.code).isZero();
    // node-7 held only aim_lock_config.conf: the same story, with what came after it.
    assertThat(result.out)
        .isEqualTo(
            expected(REPLAY)
                .replace("Replay of aim_lock_config.conf", "Replay of node node-7")
                .replaceAll("At the start: .*\n", ""));
  }

  @Test
  void shouldFoldEveryLocksStateWhenAskedAtAnInstant() {
    assertThat(run("at", "03:13:00", "--all").out).isEqualTo(expected(AT_BEFORE_RECLAIM));
    // Reclaimed at 03:13:31: free, so only listed with --all.
    assertThat(run("at", "03:13:45").out).isEqualTo(expected(AT_AFTER_RECLAIM));
  }

  @Test
  void shouldAgreeWithTheStreamsAppsStoreForEveryLockWhenTheRunHasEnded() throws Exception {
    Result result = run("at", "03:30", "--all", "-o", "json");

    assertThat(result.code).isZero();
    ArrayNode expected = LockJson.MAPPER.createArrayNode();
    incident.finalStates.values().forEach(state -> expected.add(LockJson.of(state)));
    assertThat(expected).hasSize(2);
    assertThat(LockJson.MAPPER.readTree(result.out).toString()).isEqualTo(expected.toString());
  }

  @Test
  void shouldWriteTheSummaryAndAnHtmlTimelineWhenAskedForAPostmortem() throws Exception {
    Path html = dir.resolve("node-7.html");

    Result result =
        run(
            "postmortem",
            "--lock",
            RecordedIncident.LOCK,
            "--around",
            "03:12",
            "--window",
            "20m",
            "--html",
            html.toString());

    assertThat(result.code).isZero();
    assertThat(result.out).isEqualTo(expected(POSTMORTEM).replace("{HTML}", html.toString()));
    String page = Files.readString(html);
    // Kept in target/ for a person to open (and for the headless render noted in the README).
    Files.copy(
        html,
        Path.of("target", "postmortem-node-7.html"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    String d = day.toString();
    assertThat(page)
        .startsWith("<!DOCTYPE html>")
        .contains("<svg xmlns=\"http://www.w3.org/2000/svg\"")
        .doesNotContain("<script", "src=", "href=", "@import")
        .contains(
            "class=\"holding\" data-holder=\"node-7\" data-token=\"41\" data-start=\""
                + d
                + "T03:10:00Z\" data-end=\""
                + d
                + "T03:13:31Z\"",
            "class=\"holding\" data-holder=\"node-3\" data-token=\"42\" data-start=\""
                + d
                + "T03:14:00Z\" data-end=\""
                + d
                + "T03:16:00Z\"",
            "class=\"frozen\" data-from=\"" + d + "T03:12:00Z\" data-to=\"" + d + "T03:13:31Z\"",
            "class=\"threshold\" data-time=\"" + d + "T03:13:30Z\"",
            "class=\"alert\" data-time=\""
                + d
                + "T03:13:30Z\" data-lock=\"aim_lock_config.conf\" data-reason=\"STALE_LOCK_DETECTED\"",
            "class=\"command\" data-time=\"" + d + "T03:13:30Z\"",
            "class=\"outcome reclaimed\" data-time=\"" + d + "T03:13:31Z\"",
            "class=\"zombie\" data-time=\"" + d + "T03:15:10Z\"",
            "class=\"acquire\" data-token=\"42\"");
    for (String beat : List.of("03:10:30", "03:11:00", "03:11:30", "03:12:00")) {
      assertThat(page).contains("class=\"heartbeat\" data-time=\"" + d + "T" + beat + "Z\"");
    }
    // The facts table has the eleven facts of the text summary.
    assertThat(page.split("<tr data-kind=", -1)).hasSize(12);
  }

  @Test
  void shouldReplayFromAnExportFileWhenKafkaIsNotAsked() throws Exception {
    Path file = dir.resolve("incident.avro");
    Result export =
        run(
            "export",
            "--lock",
            RecordedIncident.LOCK,
            "--from",
            "02:30",
            "--to",
            "03:30",
            "--out",
            file.toString());
    assertThat(export.code).isZero();
    assertThat(export.out)
        .startsWith(
            "Exported 19 records of aim_lock_config.conf, "
                + day
                + " 02:30:00.000 to "
                + day
                + " 03:30:00.000 UTC, to "
                + file
                + " (");

    // No Kafka settings at all: the file is enough.
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LockwatchCli.run(
            new PrintWriter(out),
            new PrintWriter(err),
            "replay",
            "--file",
            file.toString(),
            "--lock",
            RecordedIncident.LOCK,
            "--around",
            "03:12",
            "--window",
            "20m",
            "--date",
            day.toString());

    assertThat(err.toString()).isEmpty();
    assertThat(code).isZero();
    assertThat(out.toString()).isEqualTo(expected(FILE_REPLAY).replace("{FILE}", file.toString()));
  }

  @Test
  void shouldStreamOneJsonObjectPerEntryWhenAskedForJsonLines() throws Exception {
    Result result =
        run(
            "replay",
            "--lock",
            RecordedIncident.LOCK,
            "--around",
            "03:12",
            "--window",
            "20m",
            "-o",
            "jsonl");

    List<String> lines = result.out.lines().toList();
    assertThat(lines).hasSize(15);
    JsonNode command = LockJson.MAPPER.readTree(lines.get(6));
    assertThat(command.path("kind").asText()).isEqualTo("COMMAND");
    assertThat(command.path("time").asText()).isEqualTo(day + "T03:13:30Z");
    assertThat(command.path("record").path("fencingToken").asLong()).isEqualTo(41);
    assertThat(command.path("record").path("holder").path("nodeId").asText()).isEqualTo("node-7");
    assertThat(command.path("record").path("commandId").asText())
        .isEqualTo(incident.commands.get(0).getCommandId());
  }

  @Test
  void shouldRefuseAReclaimWithoutATokenWhenAnOperatorAsks() {
    Result result = run("reclaim", RecordedIncident.LOCK, "--reason", "node-7 is gone");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.out).isEmpty();
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: Missing required option: '--token=TOKEN'\n"
                + "Try 'lockwatch reclaim --help' for more information.\n");
  }

  @Test
  void shouldPublishAFencedReclaimRequestWithoutWaitingWhenAskedNotTo() throws Exception {
    Result result =
        run(
            "reclaim",
            RecordedIncident.LOCK,
            "--token",
            "42",
            "--reason",
            "config push hung",
            "--operator",
            "maria",
            "--wait",
            "0s");

    assertThat(result.err).isEmpty();
    assertThat(result.code).isZero();
    List<ConsumerRecord<byte[], byte[]>> records =
        BoundedTopicReader.readAll(
            incident.clientConfig,
            incident.catalog.operatorActions().name(),
            Duration.ofSeconds(30));
    assertThat(records).hasSize(1);
    ConsumerRecord<byte[], byte[]> record = records.get(0);
    OperatorAction action =
        incident
            .catalog
            .operatorActions()
            .valueSerde()
            .deserializer()
            .deserialize(record.topic(), record.value());
    assertThat(action.getType().name()).isEqualTo("REQUEST_RECLAIM");
    assertThat(action.getFencingToken()).isEqualTo(42);
    assertThat(result.out)
        .isEqualTo(
            "Published REQUEST_RECLAIM of aim_lock_config.conf for token 42 by maria (\"config push hung\") to "
                + record.topic()
                + "-"
                + record.partition()
                + " at offset "
                + record.offset()
                + "; action id "
                + action.getActionId()
                + "\n"
                + "Lockwatch applies it only while aim_lock_config.conf is still held under token 42;"
                + " its answer is on the alerts and reclaim-commands topics (lockwatch replay --lock aim_lock_config.conf).\n");
  }

  @Test
  void shouldFailWhenNoVerdictComesWithinTheWait() {
    // No streams app runs on the recorded incident's topics: nobody answers.
    Result result =
        run("deny", RecordedIncident.ROUTES, "--token", "7", "--operator", "maria", "--wait", "1s");

    assertThat(result.code).isEqualTo(1);
    assertThat(result.out)
        .startsWith("Published DENY_RECLAIM of drone_fleet_routes.yaml for token 7");
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: no answer from Lockwatch within 1s (is the app running and caught up?);"
                + " lockwatch replay --lock drone_fleet_routes.yaml shows it when it comes\n");
  }

  @Test
  void shouldFoldAnExportWithTheSettingsItRecordedWhenNoConfigIsGiven() throws Exception {
    Path fiveBeats = dir.resolve("five-beats.properties");
    Files.writeString(fiveBeats, Files.readString(config) + "lockwatch.threshold.missed-beats=5\n");
    Path file = dir.resolve("five-beats.avro");
    String[] export = {
      "export",
      "--lock",
      RecordedIncident.LOCK,
      "--from",
      "02:30",
      "--to",
      "03:30",
      "--out",
      file.toString(),
      "--config",
      fiveBeats.toString(),
      "--date",
      day.toString()
    };
    assertThat(cli(export).code).isZero();

    Result folded =
        cli("at", "03:10:30", "--file", file.toString(), "-o", "json", "--date", day.toString());

    assertThat(folded.err).isEmpty();
    JsonNode lock = LockJson.MAPPER.readTree(folded.out).get(0);
    assertThat(lock.get("thresholdMs").asLong()).as("5 x 30 s, as recorded").isEqualTo(150_000);
  }

  @Test
  void shouldRefuseToGuessTheSettingsWhenAnExportRecordedNone() throws Exception {
    Path file = dir.resolve("old-export.avro");
    try (var writer = io.lockwatch.cli.history.ExportFile.create(file, Map.of())) {
      // an export of an older lockwatch: records, but no settings in its header
    }

    Result folded = cli("at", "03:10:30", "--file", file.toString(), "--date", day.toString());

    assertThat(folded.code).isEqualTo(2);
    assertThat(folded.err)
        .startsWith(
            "lockwatch: "
                + file
                + " does not record the settings Lockwatch judged with (exported by an older"
                + " lockwatch); give --config with the app's thresholds and policies\n");
  }

  @Test
  void shouldPrintThePostmortemAsJsonWhenAskedForJson() throws Exception {
    Result text =
        run("postmortem", "--lock", RecordedIncident.LOCK, "--around", "03:12", "--no-html");
    Result json =
        run("postmortem", "--lock", RecordedIncident.LOCK, "--around", "03:12", "-o", "json");
    Result lines =
        run("postmortem", "--lock", RecordedIncident.LOCK, "--around", "03:12", "-o", "jsonl");

    assertThat(json.code).isZero();
    JsonNode postmortem = LockJson.MAPPER.readTree(json.out);
    long factLines = text.out.lines().filter(line -> line.matches("\\d{4}-.*")).count();
    assertThat(postmortem.get("facts")).hasSize((int) factLines);
    assertThat(postmortem.get("holdings").get(0).get("token").asLong()).isEqualTo(41);
    assertThat(postmortem.has("html")).as("no HTML unless --html names it").isFalse();
    assertThat(lines.out.lines().count()).isEqualTo(factLines);
    assertThat(
            LockJson.MAPPER
                .readTree(lines.out.lines().findFirst().orElseThrow())
                .get("kind")
                .asText())
        .isEqualTo("ACQUIRED");
  }

  @Test
  void shouldRefuseAnOutputFormatTheExportDoesNotHaveWhenAsked() {
    Result result =
        run(
            "export",
            "--lock",
            RecordedIncident.LOCK,
            "--out",
            dir.resolve("x.avro").toString(),
            "-o",
            "json");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: export writes an Avro file and prints one line; -o json is for replay, at,"
                + " postmortem and locks\n");
  }

  @Test
  void shouldSayWhyWhenTheExportsDirectoryDoesNotExist() {
    Result result = run("export", "--lock", RecordedIncident.LOCK, "--out", "/no/such/dir/x.avro");

    assertThat(result.code).isEqualTo(1);
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: cannot use /no/such/dir/x.avro: its directory /no/such/dir does not exist\n");
  }

  @Test
  void shouldRefuseAWindowOfZeroAsBadUsage() {
    Result result =
        run("replay", "--lock", RecordedIncident.LOCK, "--around", "03:12", "--window", "0s");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: --window must be more than 0 and at most 36500d (100 years), not 0s\n");
  }

  @Test
  void shouldFailNamingTheRegistryWhenItCannotBeReached() {
    // Nothing listens on port 9: every schema fetch fails, and no history is told without them.
    Result result =
        run(
            "replay",
            "--lock",
            RecordedIncident.LOCK,
            "--around",
            "03:12",
            "--registry-url",
            "http://127.0.0.1:9/apis/ccompat/v7");

    assertThat(result.code).isEqualTo(1);
    assertThat(result.out).doesNotContain("nothing in this window");
    assertThat(result.err.lines().toList())
        .singleElement()
        .asString()
        .startsWith("lockwatch: cannot decode: Cannot fetch schema ")
        .contains("127.0.0.1:9");
  }

  @Test
  void shouldRefuseATokenOfZeroAsBadUsage() {
    Result result = run("reclaim", RecordedIncident.LOCK, "--token", "0", "--reason", "x");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: --token must be the lock's fencing token (1 or more; see lockwatch locks),"
                + " not 0\n");
  }

  @Test
  void shouldReportEverySubjectWhenSchemasAreChecked() {
    Result result = run("schemas", "check");

    assertThat(result.code).isZero();
    String prefix = incident.catalog.lockEvents().name().replace(".lock-events", "");
    List<String> lines = result.out.lines().toList();
    assertThat(lines).hasSize(6);
    assertThat(lines.get(0)).startsWith("SUBJECT").endsWith("VERDICT");
    for (String role : List.of("lock-events", "lock-state", "alerts", "reclaim-commands")) {
      assertThat(lines)
          .anyMatch(
              line -> line.startsWith(prefix + "." + role + "-value ") && line.endsWith("  same"));
    }
    // Registered by the reclaim test if it ran first.
    assertThat(lines)
        .anyMatch(
            line ->
                line.startsWith(prefix + ".operator-actions-value ")
                    && (line.endsWith("  same")
                        || line.endsWith("ok: registered on first publish")));
  }

  @Test
  void shouldRegisterEverySubjectWithItsCompatibilityWhenSchemasAreRegistered() {
    Result result = run("schemas", "register", "--compatibility", "FULL");

    assertThat(result.code).isZero();
    String prefix = incident.catalog.lockEvents().name().replace(".lock-events", "");
    List<String> lines = result.out.lines().toList();
    assertThat(lines.get(0)).matches("SUBJECT +ID +COMPATIBILITY");
    assertThat(lines.subList(1, lines.size()))
        .extracting(line -> line.split(" +")[0] + " " + line.split(" +")[2])
        .containsExactly(
            prefix + ".lock-events-value FULL",
            prefix + ".lock-state-value FULL",
            prefix + ".alerts-value FULL",
            prefix + ".reclaim-commands-value FULL",
            prefix + ".operator-actions-value FULL");
    assertThat(incident.catalog.registry().compatibility(prefix + ".alerts-value"))
        .isEqualTo(io.lockwatch.schemas.registry.CompatibilityLevel.FULL);
    run("schemas", "register"); // back to BACKWARD for the other tests
  }

  @Test
  void shouldExplainABadTimeInOneLineWhenReplayIsGivenOne() {
    Result result = run("replay", "--from", "soon");

    assertThat(result.code).isEqualTo(2);
    assertThat(result.err)
        .isEqualTo(
            "lockwatch: 'soon' is not a time; expected e.g. 2026-11-22T03:12:00Z, 2026-11-22 03:12, 03:12 or -30m\n");
  }

  private String expected(String template) {
    return template
        .replace("{D}", day.toString())
        .replace("{KAFKA}", incident.clientConfig.get("bootstrap.servers").toString());
  }

  private Result run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    if (List.of("replay", "at", "postmortem", "export").contains(args[0])) {
      all.addAll(List.of("--date", day.toString()));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LockwatchCli.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  /** Runs a command line as given, without the incident's settings. */
  private static Result cli(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = LockwatchCli.run(new PrintWriter(out), new PrintWriter(err), args);
    return new Result(code, out.toString(), err.toString());
  }

  private record Result(int code, String out, String err) {}

  private static final String REPLAY =
      """
        Replay of aim_lock_config.conf, {D} 03:02:00.000 to {D} 03:22:00.000 UTC, from Kafka at {KAFKA}
        At the start: aim_lock_config.conf FREE since {D} 02:39:10.000 (last token 40, node-3/3117)
        TIME                     LOCK                      WHAT                          TOKEN  HOLDER          DETAILS
        {D} 03:10:00.000  aim_lock_config.conf      acquired                         41  node-7/4242     seq 0, heartbeat every 30s
        {D} 03:10:30.000  aim_lock_config.conf      heartbeat                        41  node-7/4242     seq 1
        {D} 03:11:00.000  aim_lock_config.conf      heartbeat                        41  node-7/4242     seq 2
        {D} 03:11:30.000  aim_lock_config.conf      heartbeat                        41  node-7/4242     seq 3
        {D} 03:12:00.000  aim_lock_config.conf      heartbeat                        41  node-7/4242     seq 4
        {D} 03:13:30.000  aim_lock_config.conf      alert STALE_LOCK_DETECTED        41  node-7/4242     CRITICAL: node-7 (pid 4242)'s heartbeat on aim_lock_config.conf (token 41) has been frozen for 90000 ms, past its threshold of 90000 ms; policy AUTO
        {D} 03:13:30.000  aim_lock_config.conf      reclaim command                  41  node-7/4242     d81c3461-dd0c-38ee-a48a-8cf29a028d6b, HEARTBEAT_FROZEN, policy AUTO, last heartbeat seq 4, frozen 1m30s (threshold 1m30s)
        {D} 03:13:31.000  aim_lock_config.conf      reclaimed                        41  node-7/4242     seq 4, by reclaim-trigger@node-2, command d81c3461-dd0c-38ee-a48a-8cf29a028d6b
        {D} 03:14:00.000  aim_lock_config.conf      acquired                         42  node-3/3117     seq 0, heartbeat every 30s
        {D} 03:14:30.000  aim_lock_config.conf      heartbeat                        42  node-3/3117     seq 1
        {D} 03:15:00.000  aim_lock_config.conf      heartbeat                        42  node-3/3117     seq 2
        {D} 03:15:10.000  aim_lock_config.conf      heartbeat                        41  node-7/4242     seq 5
        {D} 03:15:10.000  aim_lock_config.conf      alert ZOMBIE_HEARTBEAT           41  node-7/4242     CRITICAL: node-7 (pid 4242) is still acting on aim_lock_config.conf with token 41 (HEARTBEAT, sequence 5), but holding 41 was superseded by token 42: a fenced holder is alive
        {D} 03:15:30.000  aim_lock_config.conf      heartbeat                        42  node-3/3117     seq 3
        {D} 03:16:00.000  aim_lock_config.conf      released                         42  node-3/3117     seq 4: config pushed
        15 entries (46 records read)
        """;

  // The same timeline read back from an export file: only the source and the records read differ.
  private static final String FILE_REPLAY =
      REPLAY
          .replace("from Kafka at {KAFKA}", "from {FILE}")
          .replace("(46 records read)", "(19 records read)");

  private static final String ACROSS =
      """
        Replay of drone_fleet_routes.yaml, {D} 03:14:00.000 to {D} 03:17:00.000 UTC, from Kafka at {KAFKA}
        At the start: drone_fleet_routes.yaml HELD by node-2/2201 (token 7) since {D} 02:50:00.000, last heartbeat {D} 03:13:00.000
        TIME                     LOCK                      WHAT                          TOKEN  HOLDER          DETAILS
        {D} 03:14:00.000  drone_fleet_routes.yaml   heartbeat                         7  node-2/2201     seq 24
        {D} 03:15:00.000  drone_fleet_routes.yaml   heartbeat                         7  node-2/2201     seq 25
        {D} 03:16:00.000  drone_fleet_routes.yaml   released                          7  node-2/2201     seq 26: routes published
        3 entries (46 records read)
        """;

  private static final String AT_BEFORE_RECLAIM =
      """
        Locks as of {D} 03:13:00.000 UTC (all locks, folded from Kafka at {KAFKA})
        LOCK                     STATUS  HOLDER       TOKEN  SINCE                    LAST HEARTBEAT           SEQ  FROZEN FOR  THRESHOLD  POLICY
        aim_lock_config.conf     HELD    node-7/4242  41     {D} 03:10:00.000  {D} 03:12:00.000  4    1m          1m30s      AUTO
        drone_fleet_routes.yaml  HELD    node-2/2201  7      {D} 02:50:00.000  {D} 03:13:00.000  23   0ms         3m         AUTO
        """;

  private static final String AT_AFTER_RECLAIM =
      """
        Locks as of {D} 03:13:45.000 UTC (all locks, folded from Kafka at {KAFKA})
        LOCK                     STATUS  HOLDER       TOKEN  SINCE                    LAST HEARTBEAT           SEQ  FROZEN FOR  THRESHOLD  POLICY
        drone_fleet_routes.yaml  HELD    node-2/2201  7      {D} 02:50:00.000  {D} 03:13:00.000  23   45s         3m         AUTO
        """;

  private static final String POSTMORTEM =
      """
        Postmortem of aim_lock_config.conf, {D} 03:02:00.000 to {D} 03:22:00.000 UTC
        At the start: aim_lock_config.conf FREE since {D} 02:39:10.000 (last token 40, node-3/3117)
        {D} 03:10:00.000  node-7/4242 acquired aim_lock_config.conf, token 41 (+1 over token 40), heartbeat every 30s
        {D} 03:12:00.000  last heartbeat of node-7/4242 that Lockwatch saw
        {D} 03:13:30.000  threshold crossed: 1m30s without a heartbeat from node-7/4242
        {D} 03:13:30.000  Lockwatch alerted STALE_LOCK_DETECTED (CRITICAL)
        {D} 03:13:30.000  Lockwatch issued reclaim command d81c3461-dd0c-38ee-a48a-8cf29a028d6b for token 41 and last heartbeat seq 4 (policy AUTO, 0ms after the threshold crossing)
        {D} 03:13:31.000  reclaimed by reclaim-trigger@node-2 (command d81c3461-dd0c-38ee-a48a-8cf29a028d6b, token 41): aim_lock_config.conf is free
        {D} 03:13:31.000  node-7/4242's heartbeat froze at {D} 03:12:00.000 and stayed frozen for 1m31s, until the reclaim
        {D} 03:14:00.000  node-3/3117 acquired aim_lock_config.conf, token 42 (+1 over token 41), heartbeat every 30s
        {D} 03:15:10.000  zombie: node-7/4242 heartbeat with token 41 (seq 5) after its holding ended
        {D} 03:15:10.000  Lockwatch alerted ZOMBIE_HEARTBEAT
        {D} 03:16:00.000  node-3/3117 released aim_lock_config.conf (token 42): config pushed
        HTML report: {HTML}
        """;
}
