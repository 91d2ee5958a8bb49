package io.lockwatch.streams;

/**
 * Which clock says when Lockwatch observed an input (a heartbeat's time is what staleness is judged
 * from).
 */
public enum InputClock {
  /**
   * The input's record timestamp, set by the broker ({@code message.timestamp.type=LogAppendTime},
   * how Lockwatch creates its input topics): in the log itself, so the recovery CLI folds history
   * on the very times the app judged with, and a holder's skewed clock changes nothing.
   */
  APPEND_TIME,
  /**
   * The app's wall clock when it processes the input: for input topics with producer timestamps
   * (CreateTime), which a skewed holder would distort. History then cannot know these times
   * exactly: the CLI folds on the producers' timestamps and warns.
   */
  PROCESSING_TIME
}
