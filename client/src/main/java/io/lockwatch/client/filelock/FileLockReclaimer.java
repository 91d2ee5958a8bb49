package io.lockwatch.client.filelock;

import io.lockwatch.client.ReclaimResult;
import io.lockwatch.client.Reclaimer;
import io.lockwatch.events.ReclaimCommand;

/**
 * The reference {@link Reclaimer} for a {@link FileLockDirectory}: removes a lock file only if it
 * still carries the command's token and heartbeat sequence, atomically.
 */
public final class FileLockReclaimer implements Reclaimer {
  private final FileLockDirectory locks;

  public FileLockReclaimer(FileLockDirectory locks) {
    this.locks = locks;
  }

  @Override
  public ReclaimResult reclaim(ReclaimCommand command) {
    return locks.reclaim(command);
  }
}
