package io.lockwatch.devtools;

import io.lockwatch.core.LockwatchConfig;
import io.lockwatch.devstack.DevStack;
import io.lockwatch.streams.LockwatchApp;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lockwatch up}: the embedded stack and the streams app, kept running. */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Start the embedded stack and the Lockwatch streams app, and keep them running.",
      "",
      "Prints the bootstrap servers, the registry URL and the HTTP API, for connecting your own",
      "lock manager (LockEventPublisher) and reclaim trigger. Ctrl-C stops everything."
    })
public final class UpCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--data-dir",
      defaultValue = ".lockwatch/up",
      description =
          "Where the broker, registry and app keep their data (kept between runs; default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--http-port",
      defaultValue = "8080",
      description =
          "Port of the HTTP API on 127.0.0.1 (0: any free port; default: ${DEFAULT-VALUE}).")
  int httpPort;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "Lockwatch settings to run the app with (policies, thresholds, grace, check interval;"
              + " the README's table); Kafka and the registry are the embedded ones.")
  Path configFile;

  @Option(
      names = "--for",
      paramLabel = "DURATION",
      description = "Stop by itself after this long (e.g. 10m); default: until Ctrl-C.")
  String runFor;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stop = new CountDownLatch(1);
    Thread hook = new Thread(stop::countDown, "lockwatch-up-stop");
    Runtime.getRuntime().addShutdownHook(hook);
    Map<String, String> given =
        LockwatchConfig.load(Optional.ofNullable(configFile), Map.of()).values();
    // A bad setting fails here, before anything starts.
    LockwatchConfig.of(given).watchPolicy();
    LockwatchConfig.of(given).checkInterval();
    try (DevStack stack = DevStack.startPersistent(dataDir)) {
      Map<String, String> settings = new TreeMap<>(given);
      stack.clientConfig().forEach((key, value) -> settings.put(key, String.valueOf(value)));
      if (spec.commandLine().getParseResult().hasMatchedOption("--http-port")
          || !given.containsKey("lockwatch.http.port")) {
        settings.put("lockwatch.http.port", Integer.toString(httpPort));
      }
      settings.putIfAbsent("lockwatch.topics.partitions", "3");
      settings.put("state.dir", dataDir.resolve("streams-state").toAbsolutePath().toString());
      LockwatchConfig config = LockwatchConfig.of(settings);
      try (LockwatchApp app = LockwatchApp.start(config)) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (app.streams().state() != KafkaStreams.State.RUNNING) {
          if (System.nanoTime() > deadline) {
            throw new IllegalStateException("The streams app did not start within 60 s");
          }
          Thread.sleep(50);
        }
        out.println("Lockwatch is up.");
        out.println("  Kafka bootstrap servers: " + stack.bootstrapServers());
        out.println("  Schema registry:         " + stack.registryUrl());
        out.println("  HTTP API:                http://127.0.0.1:" + app.httpPort() + "/locks");
        out.println(
            "  Settings for clients:    bootstrap.servers="
                + stack.bootstrapServers()
                + " schema.registry.url="
                + stack.registryUrl());
        Path properties = dataDir.resolve("lockwatch.properties");
        StringBuilder text =
            new StringBuilder("# Written by lockwatch up: the running app's settings\n");
        settings.forEach(
            (key, value) -> {
              if (key.equals("lockwatch.http.port")) {
                // The port it listens on (a requested 0 is a free port chosen at start).
                text.append(key).append('=').append(app.httpPort()).append('\n');
              } else if (!key.equals("state.dir")) {
                text.append(key).append('=').append(value).append('\n');
              }
            });
        Files.writeString(properties, text);
        out.println(
            "  Settings file:           "
                + properties
                + " (for lockwatch locks/at/replay/postmortem/approve --config)");
        if (!config.judgementSettings().isEmpty()) {
          out.println("  Judging with:            " + config.judgementSettings());
        }
        out.println("Data in " + dataDir + ". Ctrl-C stops everything.");
        out.flush();
        if (runFor != null) {
          stop.await(
              io.lockwatch.cli.TimeParser.duration(runFor).toMillis(), TimeUnit.MILLISECONDS);
        } else {
          stop.await();
        }
        out.println("Stopping.");
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // already stopping
      }
    }
    return 0;
  }
}
