package io.lockwatch.cli.notify;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.incident.IncidentJson;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Incident;
import java.io.IOException;
import java.net.URI;

/**
 * A PagerDuty Events API v2 intake ({@code POST /v2/enqueue}, or anything shaped like it): a
 * trigger while the incident is open (again when its state or severity changes: PagerDuty merges
 * triggers with the same dedup key), a resolve when it ends, the incident id as the dedup key.
 */
public final class PagerDutySink implements IncidentSink {
  public static final URI DEFAULT_URL = URI.create("https://events.pagerduty.com/v2/enqueue");

  private final URI url;
  private final String routingKey;
  private final HttpJson http = new HttpJson();
  // What each open incident was last sent as: a revision that changes neither is not sent again.
  private final java.util.Map<String, String> sentAs = new java.util.HashMap<>();

  public PagerDutySink(URI url, String routingKey) {
    this.url = url;
    this.routingKey = routingKey;
  }

  @Override
  public String name() {
    return "pagerduty " + url;
  }

  @Override
  public void send(Incident incident) throws IOException, InterruptedException {
    String as = incident.getState() + "/" + incident.getSeverity();
    if (IncidentRules.isOpen(incident) && as.equals(sentAs.get(incident.getIncidentId()))) {
      return;
    }
    http.post(url, event(incident, routingKey));
    if (IncidentRules.isOpen(incident)) {
      sentAs.put(incident.getIncidentId(), as);
    } else {
      sentAs.remove(incident.getIncidentId());
    }
  }

  static ObjectNode event(Incident incident, String routingKey) {
    ObjectNode event = LockJson.MAPPER.createObjectNode();
    event.put("routing_key", routingKey);
    event.put("event_action", IncidentRules.isOpen(incident) ? "trigger" : "resolve");
    event.put("dedup_key", incident.getIncidentId());
    if (IncidentRules.isOpen(incident)) {
      ObjectNode payload = event.putObject("payload");
      payload.put("summary", summary(incident));
      payload.put("source", "lockwatch");
      payload.put(
          "severity",
          switch (incident.getSeverity()) {
            case CRITICAL -> "critical";
            case WARNING -> "warning";
            default -> "info";
          });
      payload.put("timestamp", incident.getDetectedAt().toString());
      payload.put("component", incident.getLockId());
      payload.put("class", incident.getCause().name());
      payload.set("custom_details", IncidentJson.of(incident));
    }
    return event;
  }

  /** One line saying what the incident is and where it stands, from its typed fields. */
  static String summary(Incident incident) {
    String holder =
        incident.getHolder() == null ? "unknown holder" : incident.getHolder().getNodeId();
    String head =
        incident.getLockId()
            + " (token "
            + incident.getFencingToken()
            + ", "
            + holder
            + "): "
            + incident.getState();
    return incident.getResolution() == null ? head : head + " " + incident.getResolution();
  }
}
