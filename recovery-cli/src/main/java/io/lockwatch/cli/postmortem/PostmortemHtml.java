package io.lockwatch.cli.postmortem;

import io.lockwatch.cli.output.EntryText;
import io.lockwatch.cli.output.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The postmortem as one self-contained HTML file (inline CSS and SVG, no scripts, nothing fetched):
 * a timeline with a bar per holding, heartbeat ticks, the frozen gap, the threshold crossing, and
 * Lockwatch's alert, command and the reclaim's outcome; then the facts as a table. Every mark
 * carries {@code data-} attributes with its exact time, for tools and tests.
 */
public final class PostmortemHtml {
  private static final int LEFT = 300;
  private static final int CHART = 860;
  private static final int LANE = 36;
  private static final int TOP = 40;
  private static final String[] COLOURS = {
    "#4e79a7", "#59a14f", "#9c755f", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7", "#bab0ac"
  };

  private final Postmortem postmortem;
  private final Times times;
  private final Instant from;
  private final Instant to;

  private PostmortemHtml(Postmortem postmortem) {
    this.postmortem = postmortem;
    this.times = postmortem.times();
    this.from = postmortem.from();
    this.to = postmortem.to();
  }

  public static String render(Postmortem postmortem) {
    return new PostmortemHtml(postmortem).html();
  }

  private String html() {
    String title =
        "Postmortem: "
            + postmortem.selection().describe()
            + ", "
            + times.full(from)
            + " to "
            + times.full(to)
            + " "
            + times.zoneName();
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
        .append(escape(title))
        .append("</title>\n<style>\n")
        .append(
            "body{font-family:system-ui,sans-serif;margin:24px;color:#222}"
                + "h1{font-size:20px}table{border-collapse:collapse;font-size:13px}"
                + "td,th{border-bottom:1px solid #ddd;padding:4px 10px;text-align:left;vertical-align:top}"
                + "td.time{font-family:monospace;white-space:nowrap}"
                + "svg text{font-size:11px;font-family:system-ui,sans-serif}"
                + ".legend span{display:inline-block;margin-right:16px;font-size:12px}\n")
        .append("</style>\n</head>\n<body>\n<h1>")
        .append(escape(title))
        .append("</h1>\n");
    postmortem
        .atStart()
        .forEach(
            (lockId, state) ->
                html.append("<p class=\"at-start\">At the start: ")
                    .append(escape(lockId + " " + EntryText.state(state, times)))
                    .append("</p>\n"));
    html.append(svg());
    html.append(
        "<p class=\"legend\"><span>&#9646; holding</span><span>| heartbeat</span>"
            + "<span style=\"color:#c0392b\">&#9641; frozen</span>"
            + "<span style=\"color:#c0392b\">┆ threshold crossed</span>"
            + "<span style=\"color:#e67e22\">&#9650; alert</span>"
            + "<span style=\"color:#c0392b\">&#9670; reclaim command</span>"
            + "<span style=\"color:#27ae60\">&#9679; reclaimed</span>"
            + "<span style=\"color:#7f8c8d\">&#9679; rejected</span>"
            + "<span style=\"color:#8e44ad\">&#10005; zombie</span>"
            + "<span style=\"color:#b7950b\">&#9644; awaiting approval</span>"
            + "<span style=\"color:#34495e\">&#9632; operator action accepted</span>"
            + "<span style=\"color:#34495e\">&#9633; operator action refused</span>"
            + "<span style=\"color:#27ae60\">&#9675; heartbeat after Lockwatch's judgement</span>"
            + "<span style=\"color:#7f8c8d\">&#183; duplicate</span>"
            + "<span style=\"color:#e67e22\">&#8942; sequence gap</span></p>\n");
    html.append("<table class=\"facts\">\n<tr><th>Time (")
        .append(escape(times.zoneName()))
        .append(")</th><th>Lock</th><th>What happened</th></tr>\n");
    for (Postmortem.Fact fact : postmortem.facts()) {
      html.append("<tr data-kind=\"")
          .append(fact.kind())
          .append("\" data-time=\"")
          .append(fact.time())
          .append("\"><td class=\"time\">")
          .append(escape(times.full(fact.time())))
          .append("</td><td>")
          .append(escape(fact.lockId()))
          .append("</td><td>")
          .append(escape(fact.text()))
          .append("</td></tr>\n");
    }
    html.append("</table>\n</body>\n</html>\n");
    return html.toString();
  }

  private String svg() {
    List<Postmortem.Holding> holdings = postmortem.holdings();
    int lanes = holdings.size() + 1;
    int height = TOP + lanes * LANE + 40;
    int width = LEFT + CHART + 30;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(width)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(width)
        .append(' ')
        .append(height)
        .append("\" role=\"img\">\n")
        .append(
            "<defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"6\" height=\"6\" fill=\"#fdecea\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#c0392b\" stroke-width=\"2\"/></pattern></defs>\n");
    axis(svg, height);
    // Lane 0: Lockwatch and the trigger.
    int lockwatchY = TOP;
    svg.append(label(lockwatchY, "Lockwatch / trigger"));
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ccc\"/>%n",
            LEFT,
            lockwatchY + LANE / 2,
            LEFT + CHART,
            lockwatchY + LANE / 2));
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < holdings.size(); i++) {
      Postmortem.Holding holding = holdings.get(i);
      tokens.add(holding.lockId + "/" + holding.token);
      holding(svg, holding, TOP + (i + 1) * LANE, COLOURS[i % COLOURS.length]);
    }
    for (Postmortem.Fact fact : postmortem.facts()) {
      double x = x(fact.time());
      int cy = lockwatchY + LANE / 2;
      String title = "<title>" + escape(times.full(fact.time()) + "  " + fact.text()) + "</title>";
      String data =
          " data-time=\"" + fact.time() + "\" data-lock=\"" + escape(fact.lockId()) + "\"";
      switch (fact.kind()) {
        case THRESHOLD_CROSSED ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<g class=\"threshold\"%s><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#c0392b\" stroke-dasharray=\"4 3\"/>"
                        + "<text x=\"%.1f\" y=\"%d\" fill=\"#c0392b\" text-anchor=\"middle\">threshold</text>%s</g>%n",
                    data,
                    x,
                    TOP - 4,
                    x,
                    TOP + lanes * LANE,
                    x,
                    TOP - 8,
                    title));
        case ALERT ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<path class=\"alert\"%s data-reason=\"%s\" d=\"M %.1f %d L %.1f %d L %.1f %d Z\" fill=\"#e67e22\">%s</path>%n",
                    data,
                    fact.data().getOrDefault("reason", ""),
                    x,
                    cy - 12,
                    x - 6,
                    cy - 2,
                    x + 6,
                    cy - 2,
                    title));
        case COMMAND ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<path class=\"command\"%s data-command=\"%s\" d=\"M %.1f %d L %.1f %d L %.1f %d L %.1f %d Z\" fill=\"#c0392b\">%s</path>%n",
                    data,
                    escape(fact.data().getOrDefault("command", "")),
                    x,
                    cy,
                    x + 6,
                    cy + 7,
                    x,
                    cy + 14,
                    x - 6,
                    cy + 7,
                    title));
        case RECLAIMED, RECLAIM_REJECTED ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<circle class=\"outcome %s\"%s cx=\"%.1f\" cy=\"%d\" r=\"6\" fill=\"%s\">%s</circle>%n",
                    fact.kind() == Postmortem.Kind.RECLAIMED ? "reclaimed" : "rejected",
                    data,
                    x,
                    cy,
                    fact.kind() == Postmortem.Kind.RECLAIMED ? "#27ae60" : "#7f8c8d",
                    title));
        case OPERATOR, OPERATOR_REFUSED ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<rect class=\"operator %s\"%s x=\"%.1f\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\" stroke=\"#34495e\" stroke-width=\"1.5\">%s</rect>%n",
                    fact.kind() == Postmortem.Kind.OPERATOR ? "accepted" : "refused",
                    data,
                    x - 5,
                    cy - 5,
                    fact.kind() == Postmortem.Kind.OPERATOR ? "#34495e" : "#fff",
                    title));
        case RENEWED, SEQUENCE_GAP -> {
          int lane = tokens.indexOf(fact.lockId() + "/" + fact.data().get("token"));
          int ry = lane < 0 ? cy : TOP + (lane + 1) * LANE + LANE / 2;
          svg.append(
              fact.kind() == Postmortem.Kind.RENEWED
                  ? String.format(
                      Locale.ROOT,
                      "<circle class=\"renewed\"%s cx=\"%.1f\" cy=\"%d\" r=\"5\" fill=\"none\" stroke=\"#27ae60\" stroke-width=\"2\">%s</circle>%n",
                      data,
                      x,
                      ry,
                      title)
                  : String.format(
                      Locale.ROOT,
                      "<line class=\"gap\"%s x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#e67e22\" stroke-width=\"2\" stroke-dasharray=\"2 2\">%s</line>%n",
                      data,
                      x,
                      ry - 10,
                      x,
                      ry + 10,
                      title));
        }
        case DUPLICATE ->
            svg.append(
                String.format(
                    Locale.ROOT,
                    "<circle class=\"duplicate\"%s cx=\"%.1f\" cy=\"%d\" r=\"2.5\" fill=\"#7f8c8d\">%s</circle>%n",
                    data,
                    x,
                    cy + 10,
                    title));
        case ZOMBIE -> {
          int lane = tokens.indexOf(fact.lockId() + "/" + fact.data().get("token"));
          int zy = lane < 0 ? cy : TOP + (lane + 1) * LANE + LANE / 2;
          svg.append(
              String.format(
                  Locale.ROOT,
                  "<g class=\"zombie\"%s stroke=\"#8e44ad\" stroke-width=\"2.5\"><line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                      + "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>%s</g>%n",
                  data,
                  x - 5,
                  zy - 5,
                  x + 5,
                  zy + 5,
                  x - 5,
                  zy + 5,
                  x + 5,
                  zy - 5,
                  title));
        }
        default -> {}
      }
    }
    svg.append("</svg>\n");
    return svg.toString();
  }

  private void holding(StringBuilder svg, Postmortem.Holding holding, int y, String colour) {
    Instant start = holding.shownFrom.isBefore(from) ? from : holding.shownFrom;
    Instant end = holding.end != null ? holding.end : to;
    double x1 = x(start);
    double x2 = Math.max(x(end), x1 + 1);
    svg.append(label(y, holding.lockId + ": " + holding.label()));
    svg.append(
        String.format(
            Locale.ROOT,
            "<rect class=\"holding\" data-holder=\"%s\" data-token=\"%d\" data-start=\"%s\" data-end=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\" fill-opacity=\"0.35\" stroke=\"%s\"><title>%s</title></rect>%n",
            escape(holding.holder.getNodeId()),
            holding.token,
            start,
            end,
            x1,
            y + 8,
            x2 - x1,
            LANE - 16,
            colour,
            colour,
            escape(
                holding.label()
                    + ": "
                    + times.full(start)
                    + " to "
                    + (holding.end != null
                        ? times.full(end) + " (" + holding.endedBy + ")"
                        : "the window's end"))));
    Instant frozenUntil = postmortem.frozenUntil(holding);
    if (frozenUntil != null) {
      double fx = x(holding.lastHeartbeat);
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"frozen\" data-from=\"%s\" data-to=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"url(#hatch)\" stroke=\"#c0392b\"><title>frozen %s: %s to %s</title></rect>%n",
              holding.lastHeartbeat,
              frozenUntil,
              fx,
              y + 8,
              Math.max(1, x(frozenUntil) - fx),
              LANE - 16,
              Times.duration(Duration.between(holding.lastHeartbeat, frozenUntil)),
              times.full(holding.lastHeartbeat),
              times.full(frozenUntil)));
    }
    for (Postmortem.Span hold : postmortem.holds(holding)) {
      double hx = x(hold.from());
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"awaiting\" data-from=\"%s\" data-to=\"%s\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#f9e79f\" fill-opacity=\"0.8\" stroke=\"#b7950b\"><title>awaiting approval %s: %s to %s (%s)</title></rect>%n",
              hold.from(),
              hold.to(),
              hx,
              y + 4,
              Math.max(1, x(hold.to()) - hx),
              8,
              Times.duration(Duration.between(hold.from(), hold.to())),
              times.full(hold.from()),
              times.full(hold.to()),
              escape(hold.endedBy())));
    }
    for (Instant beat : holding.heartbeats) {
      double bx = x(beat);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"heartbeat\" data-time=\"%s\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"1.5\"/>%n",
              beat,
              bx,
              y + 10,
              bx,
              y + LANE - 10,
              "#222"));
    }
    if (!holding.shownFrom.isBefore(from)) {
      svg.append(
          String.format(
              Locale.ROOT,
              "<text class=\"acquire\" data-token=\"%d\" x=\"%.1f\" y=\"%d\">token %d</text>%n",
              holding.token,
              x1 + 3,
              y + 6,
              holding.token));
    }
  }

  private void axis(StringBuilder svg, int height) {
    int y = height - 30;
    svg.append(
        String.format(
            Locale.ROOT,
            "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#444\"/>%n",
            LEFT,
            y,
            LEFT + CHART,
            y));
    long span = Math.max(1, Duration.between(from, to).toMillis());
    long[] steps = {
      1_000,
      5_000,
      10_000,
      30_000,
      60_000,
      120_000,
      300_000,
      600_000,
      900_000,
      1_800_000,
      3_600_000,
      7_200_000,
      21_600_000,
      86_400_000
    };
    long step = steps[steps.length - 1];
    for (long candidate : steps) {
      if (span / candidate <= 12) {
        step = candidate;
        break;
      }
    }
    long first = (from.toEpochMilli() / step + 1) * step;
    for (long t = first; t <= to.toEpochMilli(); t += step) {
      double x = x(Instant.ofEpochMilli(t));
      String text = times.clock(Instant.ofEpochMilli(t));
      text = step % 60_000 == 0 ? text.substring(0, 5) : text.substring(0, 8);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#eee\"/>"
                  + "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
              x,
              TOP,
              x,
              y,
              x,
              y + 16,
              text));
    }
  }

  private String label(int y, String text) {
    return String.format(
        Locale.ROOT,
        "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
        LEFT - 8,
        y + LANE / 2 + 4,
        escape(text));
  }

  private double x(Instant time) {
    double span = Math.max(1, Duration.between(from, to).toMillis());
    double offset = Duration.between(from, time).toMillis();
    return LEFT + Math.max(0, Math.min(CHART, offset / span * CHART));
  }

  static String escape(String text) {
    StringBuilder escaped = new StringBuilder(text.length());
    for (char c : text.toCharArray()) {
      switch (c) {
        case '<' -> escaped.append("&lt;");
        case '>' -> escaped.append("&gt;");
        case '&' -> escaped.append("&amp;");
        case '"' -> escaped.append("&quot;");
        default -> escaped.append(c);
      }
    }
    return escaped.toString();
  }
}
