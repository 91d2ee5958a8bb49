package io.lockwatch.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.lockwatch.devstack.DevStack;
import io.lockwatch.devstack.IntegrationTest;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A watchdog must not be killed by its own probes: started with the variables a kubelet injects for
 * the shipped Services, the app reaches ready, and its health answers in well under a second while
 * twenty slow cross-instance /locks requests wait for a peer that does not answer.
 */
@IntegrationTest
class ProbeIntegrationTest {

  @Test
  void shouldAnswerProbesAtOnceWhenLocksRequestsWaitForAPeerThatDoesNotAnswer(DevStack stack)
      throws Exception {
    Path work = Files.createTempDirectory("lockwatch-probe-it-");
    Map<String, Object> settings = TestFleet.app(stack, "probe", 2).settings();
    // What a kubelet injects for Services named lockwatch and lockwatch-headless.
    Map<String, String> kubelet =
        Map.of(
            "LOCKWATCH_PORT", "tcp://10.96.0.12:8080",
            "LOCKWATCH_PORT_8080_TCP", "tcp://10.96.0.12:8080",
            "LOCKWATCH_PORT_8080_TCP_ADDR", "10.96.0.12",
            "LOCKWATCH_PORT_8080_TCP_PORT", "8080",
            "LOCKWATCH_PORT_8080_TCP_PROTO", "tcp",
            "LOCKWATCH_SERVICE_HOST", "10.96.0.12",
            "LOCKWATCH_SERVICE_PORT", "8080",
            "LOCKWATCH_SERVICE_PORT_HTTP", "8080");
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    // A peer that takes connections and never answers: the second instance advertises it.
    try (ServerSocket silent = new ServerSocket(0, 200, InetAddress.getLoopbackAddress())) {
      Map<String, Object> settingsB = new HashMap<>(settings);
      settingsB.put("lockwatch.http.advertised", "127.0.0.1:" + silent.getLocalPort());
      try (LockwatchProcess a = LockwatchProcess.launch(work, "a", settings, kubelet);
          LockwatchProcess b = LockwatchProcess.launch(work, "b", settingsB)) {
        a.awaitReady(Duration.ofSeconds(120));
        b.awaitReady(Duration.ofSeconds(120));
        assertThat(Files.readString(a.log()))
            .contains("Ignoring environment variables that name no Lockwatch setting")
            .contains("LOCKWATCH_SERVICE_HOST");
        awaitPeerSeen(a, silent.getLocalPort());

        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
          slow.add(
              client.sendAsync(
                  request(a, "/locks?limit=10").timeout(Duration.ofSeconds(90)).build(),
                  HttpResponse.BodyHandlers.ofString()));
        }
        long worstNanos = 0;
        for (int i = 0; i < 10; i++) {
          for (String probe : List.of("/health/ready", "/health/live")) {
            long start = System.nanoTime();
            HttpResponse<String> answer =
                client.send(
                    request(a, probe).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            worstNanos = Math.max(worstNanos, System.nanoTime() - start);
            assertThat(answer.statusCode()).as(probe + ": " + answer.body()).isEqualTo(200);
          }
        }
        long inFlight = slow.stream().filter(request -> !request.isDone()).count();
        System.out.printf(
            "Probes: slowest of 20 answered in %d ms with %d /locks requests still waiting%n",
            TimeUnit.NANOSECONDS.toMillis(worstNanos), inFlight);
        assertThat(inFlight).as("the probes were timed while /locks waited").isPositive();
        assertThat(Duration.ofNanos(worstNanos)).isLessThan(Duration.ofSeconds(1));

        for (CompletableFuture<HttpResponse<String>> request : slow) {
          HttpResponse<String> answer = request.get(90, TimeUnit.SECONDS);
          assertThat(answer.statusCode()).isEqualTo(200);
          assertThat(answer.body()).contains("unreachableInstances");
        }
      }
    }
  }

  private static void awaitPeerSeen(LockwatchProcess app, int silentPort) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      HttpResponse<String> answer = app.get("/locks?limit=1");
      if (answer.statusCode() == 200 && answer.body().contains(":" + silentPort)) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("the silent peer never showed in /locks; see " + app.log());
  }

  private static HttpRequest.Builder request(LockwatchProcess app, String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.port() + path));
  }
}
