package io.lockwatch.cli.history;

/**
 * What a long read of history tells about its progress: how many records it will read, how many it
 * has read, that it is done. The CLI draws it as a bar; other callers pass {@link #NONE}.
 */
public interface ReadProgress {
  /** Tells nothing. */
  ReadProgress NONE = new ReadProgress() {};

  default void start(long totalRecords) {}

  default void update(long done) {}

  default void finish() {}
}
