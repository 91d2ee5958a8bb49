package io.lockwatch.schemas.client.filelock;

import io.lockwatch.events.ReclaimCommand;
import io.lockwatch.schemas.client.ReclaimResult;
import io.lockwatch.schemas.client.Reclaimer;

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
