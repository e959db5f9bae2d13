package ai.sentinel.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run at a time in a folder: an exclusive OS lock on {@value #FILE} in it, held for the
 * command's lifetime. The file names its owner (process id, host, start time, command) so a refused
 * run can say who holds the folder. The operating system drops the lock when its process dies, so a
 * file left by a killed run holds no lock and is simply taken over; a normal end deletes it.
 */
public final class RunFolderLock implements AutoCloseable {
    public static final String FILE = ".sentinel.lock";

    /**
     * The lock files this process holds. POSIX locks belong to the process, not to the channel: a
     * second channel on the same file would be granted the lock again, and closing that channel
     * would drop the first one's lock. So this process checks here before it opens the file.
     */
    private static final Map<Path, String> HELD = new ConcurrentHashMap<>();

    private static final Pattern PID = Pattern.compile("(?m)^pid=(\\d{1,19})$");
    private static final Pattern COMMAND = Pattern.compile("(?m)^command=(.*)$");
    private static final Pattern STARTED = Pattern.compile("(?m)^started=(.*)$");

    private final Path file;
    private final Path held;
    private final FileChannel channel;
    private final FileLock lock;

    private RunFolderLock(Path file, Path held, FileChannel channel, FileLock lock) {
        this.file = file;
        this.held = held;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks {@code folder} (which must exist) for this process, or refuses.
     *
     * @param what how the user named the folder, e.g. {@code "--out"}, for the message
     * @param command what this run is ({@code "sentinel upgrade"}), written for a refused run to
     *     read
     * @throws IOException one line naming the folder and the run that holds it
     */
    public static RunFolderLock acquire(Path folder, String what, String command)
            throws IOException {
        Path file = folder.resolve(FILE);
        Path key = folder.toRealPath().resolve(FILE);
        String owner = owner(command);
        String holder = HELD.putIfAbsent(key, owner);
        if (holder != null) {
            throw inUse(folder, what, holder);
        }
        try {
            return lock(folder, file, key, what, owner);
        } catch (IOException | RuntimeException e) {
            HELD.remove(key);
            throw e;
        }
    }

    private static RunFolderLock lock(Path folder, Path file, Path key, String what, String owner)
            throws IOException {
        // a holder deletes the file as it ends: a lock won on a file just deleted guards nothing,
        // so the lock counts only when the file in the folder is still the one locked
        for (int attempt = 0; attempt < 10; attempt++) {
            Object before = fileKey(file);
            FileChannel channel =
                    FileChannel.open(
                            file,
                            StandardOpenOption.CREATE,
                            StandardOpenOption.READ,
                            StandardOpenOption.WRITE);
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (IOException e) {
                channel.close();
                throw new IOException(
                        what
                                + " "
                                + folder
                                + " cannot be locked against a second run ("
                                + e.getMessage()
                                + ")");
            }
            if (lock == null) {
                String holder = readOwner(channel);
                channel.close();
                throw inUse(folder, what, holder);
            }
            Object after = fileKey(file);
            if (after != null && (before == null || before.equals(after))) {
                channel.truncate(0);
                channel.write(ByteBuffer.wrap(owner.getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
                return new RunFolderLock(file, key, channel, lock);
            }
            channel.close(); // the file was replaced while we locked: try the new one
        }
        throw new IOException(
                what + " " + folder + " cannot be locked: its lock file keeps being replaced");
    }

    /** The folder's lock file, for tests and messages. */
    public Path file() {
        return file;
    }

    /** Deletes the lock file, then releases the lock: the next run finds a free folder. */
    @Override
    public void close() throws IOException {
        try {
            Files.deleteIfExists(file);
        } finally {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
                channel.close();
            } finally {
                HELD.remove(held);
            }
        }
    }

    private static Object fileKey(Path file) throws IOException {
        try {
            return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** What the lock file says of this run: one {@code key=value} per line. */
    private static String owner(String command) {
        return "pid="
                + ProcessHandle.current().pid()
                + "\nhost="
                + host()
                + "\nstarted="
                + Instant.now()
                + "\ncommand="
                + command.replaceAll("\\R", " ")
                + "\n";
    }

    /**
     * This machine's name, without a network lookup ({@code InetAddress.getLocalHost} can wait
     * seconds for DNS): a lock on a shared folder then says which machine holds it.
     */
    private static String host() {
        try {
            Path kernel = Path.of("/proc/sys/kernel/hostname");
            if (Files.isReadable(kernel)) {
                return Files.readString(kernel, StandardCharsets.UTF_8).strip();
            }
        } catch (IOException e) {
            // fall back to the environment
        }
        return Objects.requireNonNullElse(
                System.getenv("HOSTNAME"),
                Objects.requireNonNullElse(System.getenv("COMPUTERNAME"), ""));
    }

    /** What the holder wrote, read through the refused channel (a few hundred bytes at most). */
    private static String readOwner(FileChannel channel) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(1024);
        channel.read(buffer, 0);
        return new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8);
    }

    private static IOException inUse(Path folder, String what, String holder) {
        Matcher pid = PID.matcher(holder);
        Matcher command = COMMAND.matcher(holder);
        Matcher started = STARTED.matcher(holder);
        String who =
                pid.find()
                        ? "pid "
                                + pid.group(1)
                                + (command.find() ? " " + Json.quote(command.group(1), 60) : "")
                                + (started.find()
                                        ? " started " + Json.quote(started.group(1), 40)
                                        : "")
                        : "a run that has not yet written its name in " + FILE;
        return new IOException(
                what
                        + " "
                        + folder
                        + " is in use by another Sentinel run, "
                        + who
                        + "; wait for it to end or choose another folder");
    }
}
