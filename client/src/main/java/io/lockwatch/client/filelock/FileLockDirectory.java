package io.lockwatch.client.filelock;

import io.lockwatch.client.ReclaimResult;
import io.lockwatch.events.HolderIdentity;
import io.lockwatch.events.ReclaimCommand;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * A Locksmith-like lock manager on a directory: a lock is a file {@code <lock>.lock} holding its
 * holder, fencing token and last heartbeat sequence. Tokens strictly increase per lock ({@code
 * <lock>.token} keeps the last one issued). Every change is one atomic step under a directory-wide
 * mutex (a file lock, so several processes on the host can share the directory, and a JVM lock,
 * since file locks are per process), and lock files are replaced by atomic renames.
 *
 * <p>It also guards resources the way Kleppmann's fencing argument asks: {@link #fencedWrite}
 * refuses a write carrying a token older than one the resource has already seen.
 */
public final class FileLockDirectory {
  private static final Pattern LEGAL_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");

  private final Path dir;
  private final ReentrantLock jvmLock = new ReentrantLock();

  /** A lock file's content. */
  public record LockFile(
      String lockId, String node, String host, long pid, long token, long sequence) {}

  public FileLockDirectory(Path dir) {
    this.dir = dir;
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create the lock directory " + dir, e);
    }
  }

  public Path dir() {
    return dir;
  }

  /** Takes the lock if it is free; returns the new, higher token. */
  public Optional<Long> tryAcquire(String lockId, HolderIdentity holder) {
    return atomically(
        () -> {
          if (Files.exists(lockFile(lockId))) {
            return Optional.empty();
          }
          long token = lastToken(lockId) + 1;
          writeProperties(tokenFile(lockId), tokenProperties(token));
          write(
              new LockFile(
                  lockId, holder.getNodeId(), holder.getHost(), holder.getPid(), token, 0));
          return Optional.of(token);
        });
  }

  /** Records a heartbeat if the lock is still held under {@code token}; false when fenced. */
  public boolean heartbeat(String lockId, long token, long sequence) {
    return atomically(
        () -> {
          Optional<LockFile> current = read(lockId);
          if (current.isEmpty() || current.get().token() != token) {
            return false;
          }
          LockFile file = current.get();
          write(new LockFile(lockId, file.node(), file.host(), file.pid(), token, sequence));
          return true;
        });
  }

  /** Releases the lock if it is still held under {@code token}. */
  public boolean release(String lockId, long token) {
    return atomically(
        () -> {
          Optional<LockFile> current = read(lockId);
          if (current.isEmpty() || current.get().token() != token) {
            return false;
          }
          Files.delete(lockFile(lockId));
          return true;
        });
  }

  /**
   * Compare-and-reclaim: removes the lock file only if it still carries the command's token and
   * heartbeat sequence; idempotent per command id (the file is renamed to a marker naming it).
   */
  public ReclaimResult reclaim(ReclaimCommand command) {
    String lockId = command.getLockId();
    return atomically(
        () -> {
          Path marker = dir.resolve(lockId + ".reclaimed-" + safe(command.getCommandId()));
          if (Files.exists(marker)) {
            return ReclaimResult.released();
          }
          Optional<LockFile> current = read(lockId);
          if (current.isEmpty()) {
            return ReclaimResult.refused("no lock file: released or taken away already");
          }
          LockFile file = current.get();
          if (file.token() != command.getFencingToken()) {
            return ReclaimResult.refused(
                "token moved on: the lock is held under token "
                    + file.token()
                    + ", the command is for token "
                    + command.getFencingToken());
          }
          if (file.sequence() != command.getLastHeartbeatSequence()) {
            return ReclaimResult.refused(
                "renewed since the command: heartbeat sequence "
                    + file.sequence()
                    + ", the command saw "
                    + command.getLastHeartbeatSequence());
          }
          Files.move(lockFile(lockId), marker, StandardCopyOption.ATOMIC_MOVE);
          return ReclaimResult.released();
        });
  }

  /**
   * Writes {@code content} to the resource {@code name} on behalf of the holder of {@code token},
   * unless the resource has already accepted a write with a higher token: then the write is refused
   * and false returned.
   */
  public boolean fencedWrite(String name, long token, String content) {
    return atomically(
        () -> {
          Path fence = dir.resolve(safe(name) + ".fence");
          long highest = Files.exists(fence) ? Long.parseLong(Files.readString(fence).trim()) : -1;
          if (token < highest) {
            return false;
          }
          Files.writeString(fence, Long.toString(token));
          Path resource = dir.resolve(safe(name));
          Path temp = dir.resolve(safe(name) + ".tmp");
          Files.writeString(temp, content);
          Files.move(
              temp, resource, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
          return true;
        });
  }

  /** Makes the next token issued for {@code lockId} greater than {@code token}. */
  public void issueAfter(String lockId, long token) {
    atomically(
        () -> {
          if (lastToken(lockId) < token) {
            writeProperties(tokenFile(lockId), tokenProperties(token));
          }
          return null;
        });
  }

  public Optional<LockFile> read(String lockId) {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(lockFile(lockId))) {
      properties.load(in);
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Optional.of(
        new LockFile(
            lockId,
            properties.getProperty("holder.node"),
            properties.getProperty("holder.host"),
            Long.parseLong(properties.getProperty("holder.pid")),
            Long.parseLong(properties.getProperty("token")),
            Long.parseLong(properties.getProperty("sequence"))));
  }

  public Path lockFile(String lockId) {
    return dir.resolve(safe(lockId) + ".lock");
  }

  private Path tokenFile(String lockId) {
    return dir.resolve(safe(lockId) + ".token");
  }

  private long lastToken(String lockId) throws IOException {
    Path file = tokenFile(lockId);
    if (!Files.exists(file)) {
      return 0;
    }
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    }
    return Long.parseLong(properties.getProperty("token", "0"));
  }

  private static Properties tokenProperties(long token) {
    Properties properties = new Properties();
    properties.setProperty("token", Long.toString(token));
    return properties;
  }

  private void write(LockFile file) throws IOException {
    Properties properties = new Properties();
    properties.setProperty("lock", file.lockId());
    properties.setProperty("holder.node", file.node());
    properties.setProperty("holder.host", file.host());
    properties.setProperty("holder.pid", Long.toString(file.pid()));
    properties.setProperty("token", Long.toString(file.token()));
    properties.setProperty("sequence", Long.toString(file.sequence()));
    writeProperties(lockFile(file.lockId()), properties);
  }

  private void writeProperties(Path target, Properties properties) throws IOException {
    Path temp = target.resolveSibling(target.getFileName() + ".tmp");
    try (OutputStream out = Files.newOutputStream(temp)) {
      properties.store(out, null);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static String safe(String id) {
    if (!LEGAL_ID.matcher(id).matches()) {
      throw new IllegalArgumentException("Not a usable lock or resource name: " + id);
    }
    return id;
  }

  private interface IoSupplier<T> {
    T get() throws IOException;
  }

  private <T> T atomically(IoSupplier<T> action) {
    jvmLock.lock();
    try (FileChannel channel =
            FileChannel.open(
                dir.resolve(".mutex"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock ignored = channel.lock()) {
      return action.get();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      jvmLock.unlock();
    }
  }
}
