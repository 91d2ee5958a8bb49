package io.lockwatch.streams.internals;

import java.util.Map;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.CacheFlushListener;
import org.apache.kafka.streams.state.internals.CachedStateStore;

/**
 * A store that holds nothing and tells its processor when the task commits and when its uncommitted
 * work is thrown away. The watchdog publishes its counts on commit and drops them otherwise, so
 * that work a crash or a fencing threw away (and exactly-once does again) is not counted twice.
 *
 * <p>Kafka Streams has no public per-commit callback for processors: the one call every task commit
 * makes on its stores is {@link #flushCache} (on stores with a record cache, right before the
 * offsets and the transaction are committed); {@link #flush} comes only with a checkpoint. Hence
 * the internal {@link CachedStateStore} interface, pinned by the tests that read the counts on the
 * real broker.
 */
public final class CommitHook implements StateStore, CachedStateStore<Object, Object> {
  private final String name;
  private Runnable onCommit = () -> {};
  private Runnable onClose = () -> {};
  private boolean open;

  CommitHook(String name) {
    this.name = name;
  }

  /** What to do when the task commits, and when it closes. */
  void listen(Runnable onCommit, Runnable onClose) {
    this.onCommit = onCommit;
    this.onClose = onClose;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public void init(StateStoreContext context, StateStore root) {
    context.register(root, (key, value) -> {});
    open = true;
  }

  @Override
  public void flushCache() {
    onCommit.run();
  }

  @Override
  public void clearCache() {
    onClose.run();
  }

  @Override
  public boolean setFlushListener(CacheFlushListener<Object, Object> listener, boolean old) {
    return false;
  }

  @Override
  public void close() {
    onClose.run();
    open = false;
  }

  @Override
  public boolean persistent() {
    return false;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  /** Builds one hook per task; there is nothing to log or cache. */
  public static StoreBuilder<CommitHook> builder(String name) {
    return new StoreBuilder<>() {
      @Override
      public StoreBuilder<CommitHook> withCachingEnabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitHook> withCachingDisabled() {
        return this;
      }

      @Override
      public StoreBuilder<CommitHook> withLoggingEnabled(Map<String, String> config) {
        return this;
      }

      @Override
      public StoreBuilder<CommitHook> withLoggingDisabled() {
        return this;
      }

      @Override
      public CommitHook build() {
        return new CommitHook(name);
      }

      @Override
      public Map<String, String> logConfig() {
        return Map.of();
      }

      @Override
      public boolean loggingEnabled() {
        return false;
      }

      @Override
      public String name() {
        return name;
      }
    };
  }
}
