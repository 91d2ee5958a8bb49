package io.lockwatch.devstack;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a Java runtime of at least a given feature version on this machine, for child processes
 * that need a newer JDK than the one Lockwatch runs on (Apicurio Registry needs 21+).
 *
 * <p>Order: the explicit setting, this JVM, {@code JAVA_HOME}, then the usual install locations;
 * among those the newest qualifying one wins.
 */
public final class JavaRuntimes {

  /** System property naming the JDK to run the registry with. */
  public static final String JAVA_HOME_PROPERTY = "lockwatch.registry.java-home";

  /** Environment variable naming the JDK to run the registry with. */
  public static final String JAVA_HOME_ENV = "LOCKWATCH_REGISTRY_JAVA_HOME";

  private static final Pattern RELEASE_VERSION =
      Pattern.compile("^JAVA_VERSION=\"?(\\d+)(?:\\.(\\d+))?", Pattern.MULTILINE);

  private final Map<String, String> env;
  private final String explicitHome;
  private final List<Path> searchRoots;

  JavaRuntimes(Map<String, String> env, String explicitHome, List<Path> searchRoots) {
    this.env = env;
    this.explicitHome = explicitHome;
    this.searchRoots = searchRoots;
  }

  /** Looks at this process's settings and the usual JDK locations of Linux and macOS. */
  public static JavaRuntimes forThisMachine() {
    Map<String, String> env = System.getenv();
    String explicit = System.getProperty(JAVA_HOME_PROPERTY, env.get(JAVA_HOME_ENV));
    Path home = Path.of(System.getProperty("user.home"));
    List<Path> roots =
        List.of(
            Path.of("/usr/lib/jvm"),
            Path.of("/usr/java"),
            Path.of("/opt/java"),
            Path.of("/opt"),
            home.resolve(".sdkman/candidates/java"),
            home.resolve(".jdks"),
            Path.of("/Library/Java/JavaVirtualMachines"));
    return new JavaRuntimes(env, explicit, roots);
  }

  /**
   * The {@code java} executable of a runtime with at least {@code minimumFeature}.
   *
   * @throws DevStackException naming the settings to use when there is none
   */
  public Path javaExecutable(int minimumFeature) {
    if (explicitHome != null && !explicitHome.isBlank()) {
      Path home = Path.of(explicitHome);
      int feature =
          featureVersion(home)
              .orElseThrow(
                  () ->
                      new DevStackException(
                          "No JDK found at "
                              + home
                              + " (set by "
                              + JAVA_HOME_PROPERTY
                              + " or "
                              + JAVA_HOME_ENV
                              + ")"));
      if (feature < minimumFeature) {
        throw new DevStackException(
            "The JDK at "
                + home
                + " is Java "
                + feature
                + "; the registry needs Java "
                + minimumFeature
                + " or newer. Point "
                + JAVA_HOME_ENV
                + " (or -D"
                + JAVA_HOME_PROPERTY
                + ") at a newer JDK.");
      }
      return executable(home);
    }
    if (Runtime.version().feature() >= minimumFeature) {
      return executable(Path.of(System.getProperty("java.home")));
    }
    List<Path> candidates = new ArrayList<>();
    Optional.ofNullable(env.get("JAVA_HOME")).map(Path::of).ifPresent(candidates::add);
    for (Path root : searchRoots) {
      candidates.addAll(children(root));
    }
    return candidates.stream()
        .map(JavaRuntimes::macHome)
        .filter(home -> Files.isExecutable(executable(home)))
        .filter(home -> featureVersion(home).orElse(0) >= minimumFeature)
        .max(Comparator.comparingInt((Path home) -> featureVersion(home).orElse(0)))
        .map(JavaRuntimes::executable)
        .orElseThrow(
            () ->
                new DevStackException(
                    "The embedded schema registry needs a JDK "
                        + minimumFeature
                        + " or newer and none was found (this JVM is Java "
                        + Runtime.version().feature()
                        + "; looked in JAVA_HOME and "
                        + searchRoots
                        + "). Install one, or set "
                        + JAVA_HOME_ENV
                        + " (or -D"
                        + JAVA_HOME_PROPERTY
                        + ") to its home."));
  }

  /** The feature version from a JDK home's {@code release} file. */
  static Optional<Integer> featureVersion(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return Optional.empty();
    }
    try {
      Matcher matcher = RELEASE_VERSION.matcher(Files.readString(release));
      if (!matcher.find()) {
        return Optional.empty();
      }
      int first = Integer.parseInt(matcher.group(1));
      // Java 8 and older say "1.8.0_x".
      return Optional.of(
          first == 1 && matcher.group(2) != null ? Integer.parseInt(matcher.group(2)) : first);
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Path macHome(Path candidate) {
    Path contentsHome = candidate.resolve("Contents/Home");
    return Files.isDirectory(contentsHome) ? contentsHome : candidate;
  }

  private static Path executable(Path home) {
    return home.resolve("bin").resolve(isWindows() ? "java.exe" : "java");
  }

  private static boolean isWindows() {
    return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("win");
  }

  private static List<Path> children(Path root) {
    if (!Files.isDirectory(root)) {
      return List.of();
    }
    try (Stream<Path> children = Files.list(root)) {
      return children.filter(Files::isDirectory).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }
}
