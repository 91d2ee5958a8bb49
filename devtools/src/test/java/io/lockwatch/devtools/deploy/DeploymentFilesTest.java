package io.lockwatch.devtools.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The production shape's files, checked by the tools that will read them where this machine has
 * them (Debian's docker-compose, promtool, kubectl's kustomize; a test is skipped, saying which
 * package to install, when one is missing), and by what must hold between them: the pods'
 * advertised names, probes, ports and volumes, the scrape targets, the dashboard's data source.
 */
class DeploymentFilesTest {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final ObjectMapper JSON = new ObjectMapper();
  private final Path root = ExternalTool.repositoryRoot();
  private final Path docker = root.resolve("docker");

  @Test
  void shouldPassPromtoolsUnitTestsWhenTheRulesAreTested() throws Exception {
    Path promtool = ExternalTool.require("promtool", "prometheus");
    ExternalTool.Result rules =
        ExternalTool.run(
            docker.resolve("prometheus"),
            60,
            promtool.toString(),
            "test",
            "rules",
            "lockwatch-rules.test.yml");
    assertThat(rules.exitCode()).as(rules.output()).isZero();
    assertThat(rules.output()).contains("SUCCESS");
    ExternalTool.Result config =
        ExternalTool.run(
            docker.resolve("prometheus"),
            60,
            promtool.toString(),
            "check",
            "config",
            "prometheus.yml");
    assertThat(config.exitCode()).as(config.output()).isZero();
    assertThat(config.output()).contains("SUCCESS: 16 rules found");
  }

  @Test
  void shouldTestEveryAlertRuleWhenPromtoolRunsTheTests() throws Exception {
    JsonNode rules = YAML.readTree(docker.resolve("prometheus/lockwatch-rules.yml").toFile());
    JsonNode tests = YAML.readTree(docker.resolve("prometheus/lockwatch-rules.test.yml").toFile());
    TreeSet<String> alerts = new TreeSet<>();
    rules
        .path("groups")
        .forEach(g -> g.path("rules").forEach(r -> alerts.add(r.path("alert").asText())));
    TreeSet<String> tested = new TreeSet<>();
    tests
        .path("tests")
        .forEach(
            t ->
                t.path("alert_rule_test")
                    .forEach(
                        a -> {
                          if (!a.path("exp_alerts").isEmpty()) {
                            tested.add(a.path("alertname").asText());
                          }
                        }));
    assertThat(alerts)
        .containsExactly(
            "LockwatchClockJump",
            "LockwatchClockSkew",
            "LockwatchDeadLettersGrowing",
            "LockwatchDetectionDelayHigh",
            "LockwatchDown",
            "LockwatchIncidentEscalated",
            "LockwatchIncidentNeedsOperator",
            "LockwatchJudgementsHeld",
            "LockwatchMassStale",
            "LockwatchNotReady",
            "LockwatchReclaimUnconfirmed",
            "LockwatchReclaimsRejected",
            "LockwatchSlowRecovery",
            "LockwatchStaleLockDetected",
            "LockwatchStaleLocksPresent",
            "LockwatchZombieHeartbeats");
    assertThat(tested).as("rules seen firing in a promtool test").isEqualTo(alerts);
  }

  @Test
  void shouldResolveTheComposeFileWhenDockerComposeReadsIt() throws Exception {
    Path compose = ExternalTool.require("docker-compose", "docker-compose");
    ExternalTool.Result config =
        ExternalTool.run(docker, 60, compose.toString(), "-f", "compose.yaml", "config");
    assertThat(config.exitCode()).as(config.output()).isZero();
    JsonNode services = YAML.readTree(config.output()).path("services");
    List<String> names = new ArrayList<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "kafka-1",
            "kafka-2",
            "kafka-3",
            "schema-registry",
            "lockwatch-a",
            "lockwatch-b",
            "reclaim-trigger",
            "prometheus",
            "grafana");
    services.forEach(
        service ->
            assertThat(service.path("image").asText())
                .as("a pinned image")
                .matches("[a-z0-9./-]+:[0-9][A-Za-z0-9.+-]*|[a-z0-9./-]+:v[0-9][A-Za-z0-9.+-]*"));
    for (String instance : List.of("lockwatch-a", "lockwatch-b")) {
      JsonNode service = services.path(instance);
      assertThat(service.path("build").path("dockerfile").asText()).isEqualTo("docker/Dockerfile");
      assertThat(service.path("volumes").toString()).contains("/var/lib/lockwatch/state");
      JsonNode env = service.path("environment");
      assertThat(env.path("LOCKWATCH_HTTP_ADVERTISED").asText()).isEqualTo(instance + ":8080");
      assertThat(env.path("LOCKWATCH_KAFKA_BOOTSTRAP_SERVERS").asText())
          .isEqualTo("kafka-1:9092,kafka-2:9092,kafka-3:9092");
    }
    assertThat(services.path("reclaim-trigger").path("command").toString())
        .contains("trigger", "--lock-dir");
    JsonNode scrape = YAML.readTree(docker.resolve("prometheus/prometheus.yml").toFile());
    assertThat(scrape.at("/scrape_configs/0/static_configs/0/targets").toString())
        .isEqualTo("[\"lockwatch-a:8080\",\"lockwatch-b:8080\"]");
  }

  @Test
  void shouldProbeServeAndKeepStateWhereTheAppExpectsWhenDeployedOnKubernetes() throws Exception {
    Map<String, JsonNode> manifests = new HashMap<>();
    for (JsonNode doc : yamlDocuments(docker.resolve("kubernetes"))) {
      manifests.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
    }
    assertThat(manifests.keySet())
        .containsExactlyInAnyOrder(
            "ConfigMap/lockwatch-config",
            "Secret/lockwatch-secrets",
            "Service/lockwatch-headless",
            "Service/lockwatch",
            "StatefulSet/lockwatch",
            "PodDisruptionBudget/lockwatch");
    JsonNode statefulSet = manifests.get("StatefulSet/lockwatch");
    JsonNode pod = statefulSet.at("/spec/template");
    JsonNode container = pod.at("/spec/containers/0");
    JsonNode podLabels = pod.at("/metadata/labels");
    Properties settings = new Properties();
    settings.load(
        new java.io.StringReader(
            manifests.get("ConfigMap/lockwatch-config").at("/data/lockwatch.properties").asText()));

    assertThat(container.at("/readinessProbe/httpGet/path").asText()).isEqualTo("/health/ready");
    assertThat(container.at("/livenessProbe/httpGet/path").asText()).isEqualTo("/health/live");
    assertThat(container.at("/readinessProbe/httpGet/port").asText()).isEqualTo("http");
    assertThat(container.at("/ports/0/name").asText()).isEqualTo("http");
    assertThat(container.at("/ports/0/containerPort").asText())
        .isEqualTo(settings.getProperty("lockwatch.http.port"));
    assertThat(settings.getProperty("lockwatch.http.host")).isEqualTo("0.0.0.0");

    // The state volume is mounted where state.dir points; the settings file where the app reads it.
    String claim = statefulSet.at("/spec/volumeClaimTemplates/0/metadata/name").asText();
    Map<String, String> mounts = new HashMap<>();
    container
        .path("volumeMounts")
        .forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
    assertThat(mounts.get(claim)).isEqualTo(settings.getProperty("state.dir"));
    Map<String, String> env = new HashMap<>();
    container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
    assertThat(env.get("LOCKWATCH_CONFIG_FILE"))
        .isEqualTo(mounts.get("config") + "/lockwatch.properties");

    // Each pod advertises the DNS name the headless service gives it.
    JsonNode headless = manifests.get("Service/" + statefulSet.at("/spec/serviceName").asText());
    assertThat(headless).as("the StatefulSet's serviceName is a Service").isNotNull();
    assertThat(headless.at("/spec/clusterIP").asText()).isEqualTo("None");
    assertThat(env.get("LOCKWATCH_HTTP_ADVERTISED"))
        .isEqualTo(
            "$(POD_NAME)."
                + headless.at("/metadata/name").asText()
                + ".$(POD_NAMESPACE).svc.cluster.local:"
                + settings.getProperty("lockwatch.http.port"));
    assertThat(env.get("LOCKWATCH_INSTANCE_ID")).isEqualTo("$(POD_NAME)");

    // Selectors select the pods; the secret provides what the pods read from it.
    for (String selecting : List.of("Service/lockwatch-headless", "Service/lockwatch")) {
      assertSelects(manifests.get(selecting).at("/spec/selector"), podLabels);
    }
    assertSelects(statefulSet.at("/spec/selector/matchLabels"), podLabels);
    assertSelects(
        manifests.get("PodDisruptionBudget/lockwatch").at("/spec/selector/matchLabels"), podLabels);
    assertThat(manifests.get("PodDisruptionBudget/lockwatch").at("/spec/maxUnavailable").asInt())
        .isEqualTo(1);
    assertThat(container.at("/envFrom/0/secretRef/name").asText()).isEqualTo("lockwatch-secrets");
    manifests
        .get("Secret/lockwatch-secrets")
        .path("stringData")
        .fieldNames()
        .forEachRemaining(key -> assertThat(key).startsWith("LOCKWATCH_KAFKA_"));

    ExternalTool.find("kubectl")
        .ifPresent(
            kubectl -> {
              try {
                ExternalTool.Result built =
                    ExternalTool.run(docker, 60, kubectl.toString(), "kustomize", "kubernetes");
                assertThat(built.exitCode()).as(built.output()).isZero();
                assertThat(built.output()).contains("namespace: lockwatch");
              } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
              }
            });
  }

  @Test
  void shouldLoadTheSettingsWhenAKubeletInjectsTheShippedServicesIntoThePod() throws Exception {
    Map<String, JsonNode> manifests = new HashMap<>();
    for (JsonNode doc : yamlDocuments(docker.resolve("kubernetes"))) {
      manifests.put(doc.path("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
    }
    JsonNode pod = manifests.get("StatefulSet/lockwatch").at("/spec/template/spec");
    JsonNode container = pod.at("/containers/0");
    assertThat(pod.path("enableServiceLinks").asBoolean(true)).isFalse();
    for (String probe : List.of("readinessProbe", "livenessProbe")) {
      assertThat(container.at("/" + probe + "/timeoutSeconds").asInt(1))
          .as(probe + " timeout (Kubernetes' default is 1 s)")
          .isGreaterThanOrEqualTo(2);
    }

    // What a kubelet injects when service links are on (a user may turn them back on): for each
    // Service with a cluster IP, docker-link style variables named after it.
    Map<String, String> env = new HashMap<>();
    List<String> links = new ArrayList<>();
    for (JsonNode service : manifests.values()) {
      if (!service.path("kind").asText().equals("Service")
          || service.at("/spec/clusterIP").asText().equals("None")) {
        continue;
      }
      String name = service.at("/metadata/name").asText().toUpperCase().replace('-', '_');
      JsonNode port = service.at("/spec/ports/0");
      String number = port.path("port").asText();
      String tcp = "tcp://10.96.0.12:" + number;
      Map<String, String> injected =
          Map.of(
              name + "_SERVICE_HOST", "10.96.0.12",
              name + "_SERVICE_PORT", number,
              name + "_SERVICE_PORT_" + port.path("name").asText().toUpperCase(), number,
              name + "_PORT", tcp,
              name + "_PORT_" + number + "_TCP", tcp,
              name + "_PORT_" + number + "_TCP_PROTO", "tcp",
              name + "_PORT_" + number + "_TCP_PORT", number,
              name + "_PORT_" + number + "_TCP_ADDR", "10.96.0.12");
      env.putAll(injected);
      links.addAll(injected.keySet());
    }
    assertThat(links).as("the API Service is named lockwatch").contains("LOCKWATCH_PORT");
    container
        .path("env")
        .forEach(
            e ->
                env.put(
                    e.path("name").asText(),
                    e.path("value").asText().replace("$(POD_NAME)", "lockwatch-0")));
    manifests
        .get("Secret/lockwatch-secrets")
        .path("stringData")
        .fields()
        .forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    Path file = Files.createTempFile("lockwatch", ".properties");
    try {
      Files.writeString(
          file,
          manifests.get("ConfigMap/lockwatch-config").at("/data/lockwatch.properties").asText());
      env.put("LOCKWATCH_CONFIG_FILE", file.toString());

      io.lockwatch.core.LockwatchConfig config =
          io.lockwatch.core.LockwatchConfig.load(java.util.Optional.of(file), env);

      assertThat(config.ignoredVariables()).containsExactlyInAnyOrderElementsOf(links);
      assertThat(config.instanceId()).contains("lockwatch-0");
      assertThat(config.httpPort()).isEqualTo(8080);
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Test
  void shouldQueryTheProvisionedPrometheusFromEveryPanelWhenGrafanaLoadsTheDashboard()
      throws Exception {
    JsonNode dashboard =
        JSON.readTree(docker.resolve("grafana/dashboards/lockwatch.json").toFile());
    JsonNode datasource =
        YAML.readTree(docker.resolve("grafana/provisioning/datasources/prometheus.yml").toFile())
            .at("/datasources/0");
    assertThat(dashboard.path("uid").asText()).isEqualTo("lockwatch");
    assertThat(dashboard.path("panels")).hasSizeGreaterThanOrEqualTo(10);
    for (JsonNode panel : dashboard.path("panels")) {
      assertThat(panel.at("/datasource/uid").asText()).isEqualTo(datasource.path("uid").asText());
      assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
    }
    JsonNode provider =
        YAML.readTree(docker.resolve("grafana/provisioning/dashboards/lockwatch.yml").toFile());
    assertThat(provider.at("/providers/0/options/path").asText())
        .isEqualTo("/var/lib/grafana/dashboards");
  }

  private static void assertSelects(JsonNode selector, JsonNode labels) {
    assertThat(selector.isObject()).isTrue();
    selector
        .fields()
        .forEachRemaining(
            entry ->
                assertThat(labels.path(entry.getKey()).asText())
                    .as("label " + entry.getKey())
                    .isEqualTo(entry.getValue().asText()));
  }

  /** Every YAML document of every manifest file in a directory but the kustomization. */
  private static List<JsonNode> yamlDocuments(Path dir) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (var files = Files.list(dir)) {
      for (Path file : files.sorted().toList()) {
        if (file.getFileName().toString().equals("kustomization.yaml")) {
          continue;
        }
        try (var parser = new YAMLFactory().createParser(file.toFile())) {
          for (var it = YAML.readValues(parser, ObjectNode.class); it.hasNext(); ) {
            docs.add(it.next());
          }
        }
      }
    }
    return docs;
  }
}
