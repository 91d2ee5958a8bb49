package io.lockwatch.cli.output;

/** How a command prints what it found. */
public enum Format {
  /** Aligned columns for a person at a terminal. */
  TABLE,
  /** One JSON document (an array, or an object). */
  JSON,
  /** One JSON object per line, streamed. */
  JSONL
}
