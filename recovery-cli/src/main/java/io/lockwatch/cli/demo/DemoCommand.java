package io.lockwatch.cli.demo;

import io.lockwatch.cli.DateConverter;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.events.LockEvent;
import io.lockwatch.schemas.client.BoundedTopicReader;
import io.lockwatch.schemas.registry.RegisteredSchema;
import io.lockwatch.schemas.serde.AvroSerde;
import io.lockwatch.schemas.serde.WireFormat;
import io.lockwatch.schemas.topics.CleanupPolicy;
import io.lockwatch.schemas.topics.Topic;
import io.lockwatch.schemas.topics.TopicCatalog;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch demo}: the node-7 incident on the embedded stack. */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Replay the node-7 incident on the embedded stack.",
      "",
      "Starts a Kafka broker in this JVM and a schema registry beside it, publishes the",
      "incident's lock events through LockEventPublisher, and reads them back from Kafka,",
      "decoded with the schemas the registry holds."
    })
public final class DemoCommand implements Callable<Integer> {

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final int PARTITIONS = 3;

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = ".lockwatch/demo",
      description =
          "Where the broker's log and the registry's database are kept (wiped at the start of each demo; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--date",
      converter = DateConverter.class,
      description = "The incident's date, yyyy-MM-dd (default: today, UTC).")
  LocalDate date;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    LocalDate day = date != null ? date : LocalDate.now(ZoneOffset.UTC);
    out.println(
        "Lockwatch demo: node-7 and " + Node7Story.LOCK + " on " + day + ", on the embedded stack");
    wipe(dataDir);
    try (DevStack stack = DevStack.startPersistent(dataDir)) {
      DevStack.Timings timings = stack.startupTimings();
      out.printf(
          "Embedded stack up in %.1f s (broker %.1f s, registry %.1f s, started together)%n",
          seconds(timings.total()), seconds(timings.broker()), seconds(timings.registry()));
      out.println("  Kafka bootstrap servers: " + stack.bootstrapServers());
      out.println("  Schema registry:         " + stack.registryUrl());

      Map<String, Object> config = new HashMap<>(stack.clientConfig());
      TopicCatalog catalog = TopicCatalog.fromConfig(config);
      try (Admin admin = Admin.create(stack.kafka().adminConfig())) {
        admin
            .createTopics(catalog.newTopics(PARTITIONS, Optional.empty()))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      out.println(
          "Created topics: "
              + catalog.all().stream()
                  .map(DemoCommand::describe)
                  .collect(Collectors.joining(", ")));

      int published = new Node7Story(day).publish(config);
      out.println(
          "Published " + published + " lock events (acks=all, idempotent, keyed by lock id)");

      Topic<String, LockEvent> events = catalog.lockEvents();
      List<ConsumerRecord<byte[], byte[]>> records =
          BoundedTopicReader.readAll(config, events.name(), Duration.ofSeconds(30));
      AvroSerde<LockEvent> serde = (AvroSerde<LockEvent>) events.valueSerde();
      out.println(
          "Read back from "
              + events.name()
              + " (read_committed), decoded with the registry's schema:");
      LockEvent last = null;
      for (ConsumerRecord<byte[], byte[]> record : records) {
        LockEvent event =
            serde
                .avroDeserializer()
                .decode(record.topic(), record.partition(), record.offset(), record.value());
        out.println("  " + line(event));
        last = event;
      }
      if (last != null) {
        out.println(
            last.getHolder().getNodeId()
                + "'s heartbeat is frozen at "
                + TIME.format(last.getOccurredAt())
                + ": it publishes nothing after that, and "
                + last.getLockId()
                + " is still held under token "
                + last.getFencingToken()
                + ".");
        RegisteredSchema registered = catalog.registry().latest(events.name() + "-value");
        byte[] header = new byte[WireFormat.HEADER_SIZE];
        System.arraycopy(records.get(0).value(), 0, header, 0, header.length);
        out.println(
            "On the wire: subject "
                + registered.subject()
                + " version "
                + registered.version()
                + " has schema id "
                + registered.id()
                + "; each record starts "
                + HexFormat.ofDelimiter(" ").formatHex(header)
                + ".");
      }
    }
    out.println("Stopped the stack; its data is in " + dataDir);
    return 0;
  }

  static String line(LockEvent event) {
    StringBuilder line =
        new StringBuilder()
            .append(TIME.format(event.getOccurredAt()))
            .append("  ")
            .append(String.format("%-10s", event.getType()))
            .append(" token ")
            .append(event.getFencingToken())
            .append("  ")
            .append(event.getHolder().getNodeId())
            .append(" (pid ")
            .append(event.getHolder().getPid())
            .append(")  seq ")
            .append(event.getSequence());
    if (event.getHeartbeatIntervalMs() != null) {
      line.append("  heartbeat every ")
          .append(Duration.ofMillis(event.getHeartbeatIntervalMs()).toSeconds())
          .append(" s");
    }
    if (event.getReason() != null) {
      line.append("  \"").append(event.getReason()).append('"');
    }
    return line.toString();
  }

  private static String describe(Topic<?, ?> topic) {
    return topic.name() + (topic.cleanupPolicy() == CleanupPolicy.COMPACT ? " (compacted)" : "");
  }

  private static double seconds(Duration duration) {
    return duration.toMillis() / 1000.0;
  }

  private static void wipe(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
