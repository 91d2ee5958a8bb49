package io.lockwatch.client;

import io.lockwatch.events.ReclaimCommand;

/**
 * What a service plugs into a {@link ReclaimTrigger} to act on Lockwatch's reclaim commands: a
 * compare-and-reclaim on the lock it manages.
 *
 * <p>Release the lock only if it is still held under the command's fencing token <em>and</em> its
 * holder has not heartbeat since the sequence Lockwatch saw ({@link
 * ReclaimCommand#getLastHeartbeatSequence()}); otherwise refuse with the reason. The check and the
 * release must be one atomic step. Must be idempotent per command id: asked again for a command it
 * already carried out (after a crash, say), answer {@link ReclaimResult#reclaimed()} again.
 * Throwing means "could not decide now" (the lock manager unreachable...): the trigger retries.
 */
@FunctionalInterface
public interface Reclaimer {
  ReclaimResult reclaim(ReclaimCommand command) throws Exception;
}
