package io.lockwatch.schemas.registry;

import java.util.regex.Pattern;

/**
 * Masks the password of credentials written inside URLs ({@code http://user:secret@host}), so that
 * no setting, log line or error message prints one.
 */
public final class UrlCredentials {
  private static final Pattern USER_INFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)([^:/@\\s]*):([^@/\\s]*)@");

  private UrlCredentials() {}

  /** {@code text} with every {@code scheme://user:password@} as {@code scheme://user:***@}. */
  public static String mask(String text) {
    return text == null ? null : USER_INFO.matcher(text).replaceAll("$1$2:***@");
  }
}
