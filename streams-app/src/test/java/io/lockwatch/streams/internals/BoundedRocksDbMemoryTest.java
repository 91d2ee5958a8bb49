package io.lockwatch.streams.internals;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbMemoryTest {
  static {
    RocksDB.loadLibrary();
  }

  @Test
  void shouldChargeMemtablesToTheSharedBudgetWhenAStoreIsConfigured() {
    try (Options options = new Options()) {
      options.setTableFormatConfig(new BlockBasedTableConfig());

      new BoundedRocksDbMemory()
          .setConfig(
              "lock-state-store", options, Map.of(BoundedRocksDbMemory.MEMORY_CONFIG, 64L << 20));

      assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
      assertThat(options.writeBufferSize()).as("a quarter of the budget, in 4").isEqualTo(4L << 20);
      BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
      assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
      assertThat(table.pinTopLevelIndexAndFilter()).isTrue();
    }
  }

  @Test
  void shouldRefuseABudgetTooSmallToRunWhenConfigured() {
    assertThatThrownBy(() -> BoundedRocksDbMemory.bytes(1024))
        .hasMessage("lockwatch.rocksdb.memory.bytes must be at least 16 MiB, not 1024");
  }
}
