package io.lockwatch.core;

import java.util.regex.Pattern;

/** A glob over lock ids: {@code *} matches any run of characters, {@code ?} one character. */
public final class LockPattern {
  private final String glob;
  private final Pattern regex;

  private LockPattern(String glob) {
    this.glob = glob;
    StringBuilder regex = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> regex.append(".*");
        case '?' -> regex.append('.');
        default -> regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    this.regex = Pattern.compile(regex.toString());
  }

  public static LockPattern of(String glob) {
    if (glob == null || glob.isBlank()) {
      throw new IllegalArgumentException("a lock-id pattern must not be empty");
    }
    return new LockPattern(glob.trim());
  }

  public boolean matches(String lockId) {
    return regex.matcher(lockId).matches();
  }

  @Override
  public String toString() {
    return glob;
  }
}
