package io.lockwatch.cli;

import io.lockwatch.cli.notify.AlertmanagerSink;
import io.lockwatch.cli.notify.IncidentNotifier;
import io.lockwatch.cli.notify.PagerDutySink;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code lockwatch notify}: sends every incident's changes to Alertmanager and/or a PagerDuty
 * Events v2 endpoint until stopped (SIGTERM, Ctrl-C); firing while open, resolved when it ends.
 */
@Command(
    name = "notify",
    mixinStandardHelpOptions = true,
    description = {
      "Send each incident's changes to Alertmanager and/or PagerDuty, until stopped.",
      "Firing (trigger) while an incident is open, resolved when it ends; the incident id is the",
      "dedup key, so a restart notifies nobody twice."
    })
public final class NotifyCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Mixin ConnectionOptions connection;

  @Option(
      names = "--alertmanager",
      paramLabel = "URL",
      description = "Alertmanager's address, e.g. http://alertmanager:9093 (its /api/v2/alerts).")
  URI alertmanager;

  @Option(
      names = "--pagerduty-routing-key",
      paramLabel = "KEY",
      description = "Send to PagerDuty Events v2 with this integration (routing) key.")
  String pagerDutyKey;

  @Option(
      names = "--pagerduty-url",
      paramLabel = "URL",
      description =
          "A PagerDuty Events v2-shaped endpoint (default: https://events.pagerduty.com/v2/enqueue).")
  URI pagerDutyUrl;

  @Option(
      names = "--group-id",
      defaultValue = "lockwatch-notify",
      paramLabel = "ID",
      description = "Consumer group of the notifier (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(
      names = "--refresh",
      defaultValue = "60s",
      paramLabel = "DURATION",
      description =
          "Re-send open incidents to Alertmanager this often; keep it under its resolve_timeout"
              + " (default: ${DEFAULT-VALUE}).")
  String refresh;

  @Override
  public Integer call() throws Exception {
    if (alertmanager == null && pagerDutyKey == null) {
      throw new UsageException(
          "nowhere to notify: give --alertmanager and/or --pagerduty-routing-key");
    }
    if (pagerDutyUrl != null && pagerDutyKey == null) {
      throw new UsageException("--pagerduty-url needs --pagerduty-routing-key");
    }
    Duration every = TimeParser.duration(refresh);
    if (every.isZero() || every.isNegative()) {
      throw new UsageException("--refresh must be positive, not " + refresh);
    }
    IncidentNotifier.Builder builder =
        IncidentNotifier.builder(connection.config().clientConfig())
            .groupId(groupId)
            .refreshEvery(every);
    if (alertmanager != null) {
      builder.sink(new AlertmanagerSink(alertmanager));
    }
    if (pagerDutyKey != null) {
      builder.sink(
          new PagerDutySink(
              pagerDutyUrl != null ? pagerDutyUrl : PagerDutySink.DEFAULT_URL, pagerDutyKey));
    }
    PrintWriter out = spec.commandLine().getOut();
    CountDownLatch stopped = new CountDownLatch(1);
    try (IncidentNotifier notifier = builder.build()) {
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    stopped.countDown();
                    notifier.close();
                  },
                  "notify-stop"));
      notifier.start();
      out.printf(
          "Sending incidents to %s (group %s)%n",
          (alertmanager != null ? "Alertmanager " + alertmanager : "")
              + (alertmanager != null && pagerDutyKey != null ? " and " : "")
              + (pagerDutyKey != null
                  ? "PagerDuty " + (pagerDutyUrl != null ? pagerDutyUrl : PagerDutySink.DEFAULT_URL)
                  : ""),
          groupId);
      out.flush();
      while (!stopped.await(1, TimeUnit.SECONDS)) {
        if (notifier.failure().isPresent()) {
          throw new IllegalStateException(
              "the notifier stopped: " + notifier.failure().get().getMessage(),
              notifier.failure().get());
        }
      }
    }
    return ExitCodes.DONE;
  }
}
