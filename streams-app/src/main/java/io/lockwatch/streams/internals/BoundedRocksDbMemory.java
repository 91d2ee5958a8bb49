package io.lockwatch.streams.internals;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * Bounds the native memory of every RocksDB store of the instance: one block cache (index and
 * filter blocks included) and one write-buffer manager charged against it, shared by all stores of
 * all tasks, sized by {@code lockwatch.rocksdb.memory.bytes}. Without it each store instance keeps
 * its own 50 MB block cache and memtables, so native memory grows with the task count and the data
 * (about 0.5 GB at a million locks). The pattern is Kafka Streams' documented one.
 */
public final class BoundedRocksDbMemory implements RocksDBConfigSetter {
  /** The setting: total bytes for RocksDB's block cache and memtables, per instance. */
  public static final String MEMORY_CONFIG = "lockwatch.rocksdb.memory.bytes";

  /** What the memtables may take of it; the rest caches blocks. */
  private static final double MEMTABLE_SHARE = 0.25;

  private static final Object LOCK = new Object();
  private static Cache cache;
  private static WriteBufferManager writeBuffers;
  private static long sizedFor;

  @Override
  public void setConfig(String storeName, Options options, Map<String, Object> configs) {
    long total = bytes(configs.get(MEMORY_CONFIG));
    BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
    synchronized (LOCK) {
      if (cache == null || sizedFor != total) {
        // Shared by every store of the JVM. A second size (tests running two apps in one JVM)
        // makes a second pair; the first stays with the stores that use it.
        cache = new LRUCache(total, -1, false, 0.1);
        writeBuffers = new WriteBufferManager((long) (total * MEMTABLE_SHARE), cache);
        sizedFor = total;
      }
      table.setBlockCache(cache);
      options.setWriteBufferManager(writeBuffers);
    }
    table.setCacheIndexAndFilterBlocks(true);
    table.setCacheIndexAndFilterBlocksWithHighPriority(true);
    table.setPinTopLevelIndexAndFilter(true);
    options.setMaxWriteBufferNumber(2);
    options.setWriteBufferSize(Math.max(1 << 20, (long) (total * MEMTABLE_SHARE) / 4));
    options.setTableFormatConfig(table);
  }

  @Override
  public void close(String storeName, Options options) {
    // The cache and the write-buffer manager are shared by every store: never closed per store.
  }

  static long bytes(Object configured) {
    if (configured == null) {
      return DEFAULT_BYTES;
    }
    long bytes = Long.parseLong(configured.toString().trim());
    if (bytes < (16L << 20)) {
      throw new IllegalArgumentException(MEMORY_CONFIG + " must be at least 16 MiB, not " + bytes);
    }
    return bytes;
  }

  /** 256 MiB: a million locks' working set with room to spare. */
  public static final long DEFAULT_BYTES = 256L << 20;
}
