package io.lockwatch.cli.output;

import io.lockwatch.cli.history.ReadProgress;
import java.io.PrintWriter;

/**
 * A progress bar on stderr for long reads, redrawn at most five times a second. {@link #NONE} when
 * stderr is not a terminal or {@code --no-progress} is given.
 */
public class Progress implements ReadProgress {
  public static final Progress NONE = new Progress(null);
  private static final long REDRAW_NANOS = 200_000_000L;
  private static final int WIDTH = 30;

  private final PrintWriter err;
  private long total;
  private long lastDraw;
  private boolean drawn;

  private Progress(PrintWriter err) {
    this.err = err;
  }

  /** A bar on {@code err} when {@code enabled}, else nothing. */
  public static Progress on(PrintWriter err, boolean enabled) {
    return enabled ? new Progress(err) : NONE;
  }

  @Override
  public void start(long totalRecords) {
    this.total = totalRecords;
    this.lastDraw = System.nanoTime();
  }

  @Override
  public void update(long done) {
    if (err == null || total <= 0) {
      return;
    }
    long now = System.nanoTime();
    if (now - lastDraw < REDRAW_NANOS) {
      return;
    }
    lastDraw = now;
    int filled = (int) Math.min(WIDTH, WIDTH * done / total);
    err.printf(
        "\r[%s%s] %,d / %,d records", "#".repeat(filled), " ".repeat(WIDTH - filled), done, total);
    err.flush();
    drawn = true;
  }

  @Override
  public void finish() {
    if (err != null && drawn) {
      err.print("\r" + " ".repeat(WIDTH + 50) + "\r");
      err.flush();
    }
  }
}
