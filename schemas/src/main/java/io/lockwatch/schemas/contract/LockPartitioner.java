package io.lockwatch.schemas.contract;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The contract's partitioner: a lock's records sit on partition {@code toPositive(murmur2(UTF-8
 * bytes of the lock id)) % partitions}, the Java client's default for keyed records (and
 * librdkafka's {@code murmur2_random}). The streams app checks inputs against it; readers use it to
 * find a lock's partition.
 */
public final class LockPartitioner {
  private LockPartitioner() {}

  /** The partition of {@code lockId} on a topic with {@code partitions} partitions. */
  public static int partitionOf(String lockId, int partitions) {
    return Utils.toPositive(Utils.murmur2(lockId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
