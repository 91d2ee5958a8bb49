package io.lockwatch.cli.postmortem;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.lockwatch.core.LockJson;
import java.time.Instant;

/** The postmortem as JSON: the same facts as the text, with the holdings they were drawn from. */
public final class PostmortemJson {
  private PostmortemJson() {}

  /** The whole postmortem, one object. */
  public static ObjectNode of(Postmortem postmortem) {
    ObjectNode json = LockJson.MAPPER.createObjectNode();
    json.put("selection", postmortem.selection().describe());
    json.put("from", text(postmortem.from()));
    json.put("to", text(postmortem.to()));
    ArrayNode atStart = json.putArray("atStart");
    postmortem.atStart().values().forEach(state -> atStart.add(LockJson.of(state)));
    ArrayNode holdings = json.putArray("holdings");
    for (Postmortem.Holding holding : postmortem.holdings()) {
      ObjectNode node = holdings.addObject();
      node.put("lockId", holding.lockId);
      node.put("nodeId", holding.holder.getNodeId());
      node.put("host", holding.holder.getHost());
      node.put("pid", holding.holder.getPid());
      node.put("token", holding.token);
      node.put("acquiredAt", text(holding.acquiredAt));
      node.put("end", text(holding.end));
      node.put("ending", holding.ending == null ? null : holding.ending.name());
      node.put("endedBy", holding.endedBy);
      if (holding.thresholdMs != null) {
        node.put("thresholdMs", holding.thresholdMs);
      }
      if (holding.staleAfterMs != null) {
        node.put("staleAfterMs", holding.staleAfterMs);
      }
      node.put("heartbeats", holding.heartbeats.size());
      node.put("lastHeartbeatObservedAt", text(holding.lastHeartbeat));
      node.put("frozenUntil", text(postmortem.frozenUntil(holding)));
      ArrayNode holds = node.putArray("awaitingApproval");
      for (Postmortem.Span hold : postmortem.holds(holding)) {
        holds
            .addObject()
            .put("from", text(hold.from()))
            .put("to", text(hold.to()))
            .put("endedBy", hold.endedBy());
      }
    }
    ArrayNode facts = json.putArray("facts");
    postmortem.facts().forEach(fact -> facts.add(fact(fact)));
    return json;
  }

  /** One fact: time, lock, kind, text and its data. */
  public static ObjectNode fact(Postmortem.Fact fact) {
    ObjectNode json = LockJson.MAPPER.createObjectNode();
    json.put("time", fact.time().toString());
    json.put("lockId", fact.lockId());
    json.put("kind", fact.kind().name());
    json.put("text", fact.text());
    ObjectNode data = json.putObject("data");
    new java.util.TreeMap<>(fact.data()).forEach(data::put);
    return json;
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
