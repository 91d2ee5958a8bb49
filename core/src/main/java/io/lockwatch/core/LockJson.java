package io.lockwatch.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.LockState;
import java.time.Instant;

/** A lock's state as the HTTP API shows it: the contract's field names, ISO-8601 times. */
public final class LockJson {
  public static final ObjectMapper MAPPER = new ObjectMapper();

  private LockJson() {}

  public static ObjectNode of(LockState state) {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("lockId", state.getLockId());
    json.put("status", state.getStatus().name());
    json.put("fencingToken", state.getFencingToken());
    HolderIdentity holder = state.getHolder();
    if (holder == null) {
      json.putNull("holder");
    } else {
      ObjectNode h = json.putObject("holder");
      h.put("nodeId", holder.getNodeId());
      h.put("host", holder.getHost());
      h.put("pid", holder.getPid());
      h.put("incarnation", holder.getIncarnation());
    }
    time(json, "acquiredAt", state.getAcquiredAt());
    time(json, "lastHeartbeatAt", state.getLastHeartbeatAt());
    time(json, "lastHeartbeatObservedAt", state.getLastHeartbeatObservedAt());
    json.put("lastSequence", state.getLastSequence());
    if (state.getHeartbeatIntervalMs() == null) {
      json.putNull("heartbeatIntervalMs");
    } else {
      json.put("heartbeatIntervalMs", state.getHeartbeatIntervalMs());
    }
    json.put("thresholdMs", state.getThresholdMs());
    json.put("policy", state.getPolicy().name());
    time(json, "staleSince", state.getStaleSince());
    json.put("lastReclaimCommandId", state.getLastReclaimCommandId());
    time(json, "lastReclaimIssuedAt", state.getLastReclaimIssuedAt());
    time(json, "releasedAt", state.getReleasedAt());
    time(json, "nextCheckAt", state.getNextCheckAt());
    time(json, "updatedAt", state.getUpdatedAt());
    return json;
  }

  private static void time(ObjectNode json, String field, Instant value) {
    if (value == null) {
      json.putNull(field);
    } else {
      json.put(field, value.toString());
    }
  }
}
