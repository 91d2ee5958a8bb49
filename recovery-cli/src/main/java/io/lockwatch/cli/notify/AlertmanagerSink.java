package io.lockwatch.cli.notify;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.core.LockJson;
import io.lockwatch.core.incident.IncidentRules;
import io.lockwatch.events.Incident;
import java.io.IOException;
import java.net.URI;

/**
 * Alertmanager's intake ({@code POST /api/v2/alerts}), as Prometheus feeds it: one alert per
 * incident, labelled by what never changes (alert name, incident id, lock, token, cause), so that
 * every revision updates the same alert and Alertmanager sends one firing and one resolved
 * notification to its receivers. Open incidents are re-sent (Alertmanager ends an alert that is not
 * re-sent within its resolve_timeout); an ended one is sent with endsAt, which resolves it.
 */
public final class AlertmanagerSink implements IncidentSink {
  public static final String ALERT_NAME = "LockwatchIncident";

  private final URI alerts;
  private final HttpJson http = new HttpJson();

  /**
   * @param base Alertmanager's address, e.g. http://alertmanager:9093
   */
  public AlertmanagerSink(URI base) {
    String root = base.toString().replaceAll("/+$", "");
    this.alerts = URI.create(root + "/api/v2/alerts");
  }

  @Override
  public String name() {
    return "alertmanager " + alerts;
  }

  @Override
  public void send(Incident incident) throws IOException, InterruptedException {
    ArrayNode body = LockJson.MAPPER.createArrayNode();
    body.add(alert(incident));
    http.post(alerts, body);
  }

  @Override
  public void refresh(Iterable<Incident> open) throws IOException, InterruptedException {
    ArrayNode body = LockJson.MAPPER.createArrayNode();
    open.forEach(incident -> body.add(alert(incident)));
    if (!body.isEmpty()) {
      http.post(alerts, body);
    }
  }

  static ObjectNode alert(Incident incident) {
    ObjectNode alert = LockJson.MAPPER.createObjectNode();
    ObjectNode labels = alert.putObject("labels");
    labels.put("alertname", ALERT_NAME);
    labels.put("incident_id", incident.getIncidentId());
    labels.put("lock_id", incident.getLockId());
    labels.put("fencing_token", Long.toString(incident.getFencingToken()));
    labels.put("cause", incident.getCause().name());
    ObjectNode annotations = alert.putObject("annotations");
    annotations.put("summary", PagerDutySink.summary(incident));
    annotations.put("state", incident.getState().name());
    annotations.put("lockwatch_severity", incident.getSeverity().name());
    annotations.put("revision", Long.toString(incident.getRevision()));
    if (incident.getResolution() != null) {
      annotations.put("resolution", incident.getResolution().name());
    }
    alert.put("startsAt", incident.getDetectedAt().toString());
    if (!IncidentRules.isOpen(incident)) {
      alert.put("endsAt", incident.getResolvedAt().toString());
    }
    return alert;
  }
}
