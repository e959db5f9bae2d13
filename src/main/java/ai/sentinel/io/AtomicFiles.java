package ai.sentinel.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes files and folders so that a reader sees either the old version or the new one, never a
 * half-written one: everything goes to a temporary sibling first, is flushed to disk, then is
 * renamed into place.
 *
 * <p>Files are created as any program creates them, with permissions from the user's umask (usually
 * 0644); {@code Files.createTempFile} would make them 0600.
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Something that writes a file's content. */
    @FunctionalInterface
    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Something that fills a folder. */
    @FunctionalInterface
    public interface FolderWriter {
        void write(Path folder) throws IOException;
    }

    public static void write(Path target, Writer writer) throws IOException {
        Path parent = target.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path tmp = createSibling(parent, "." + target.getFileName());
        try {
            try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.WRITE);
                    OutputStream out = Channels.newOutputStream(channel)) {
                writer.write(out);
                out.flush();
                channel.force(true); // the data is on disk before the rename makes it visible
            }
            move(tmp, target);
            syncFolder(parent);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * An empty new file {@code <prefix>.<random>.tmp}, created with default permissions (umask
     * applies).
     */
    private static Path createSibling(Path parent, String prefix) throws IOException {
        while (true) {
            Path tmp =
                    parent.resolve(
                            prefix
                                    + "."
                                    + Long.toUnsignedString(
                                            ThreadLocalRandom.current().nextLong(), 36)
                                    + ".tmp");
            try {
                Files.newByteChannel(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)
                        .close();
                return tmp;
            } catch (FileAlreadyExistsException taken) {
                // another writer drew the same name: draw again
            }
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * Fills a temporary sibling {@code <name>.tmp}, seals it with a manifest ({@link
     * FolderManifest}, written last), then swaps it in for {@code target}, keeping the previous
     * folder as {@code <name>.old} until the new one is in place. A complete folder exists at every
     * moment of the swap, and {@link #recoverFolder} finds it after a kill anywhere in it; this
     * method calls it first when the target is missing, so no run deletes the last complete folder
     * before the new one is complete.
     */
    public static void replaceFolder(Path target, FolderWriter writer) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        if (!Files.exists(absolute)) {
            recoverFolder(
                    absolute); // a kill mid-swap: the last complete folder is in .tmp or .old, keep
            // it
        }
        Path tmp = sibling(absolute, ".tmp");
        Path old = sibling(absolute, ".old");
        deleteRecursively(tmp);
        Files.createDirectories(tmp);
        try {
            writer.write(tmp);
            FolderManifest.seal(tmp);
            deleteRecursively(old);
            if (Files.exists(absolute)) {
                move(absolute, old);
            }
            move(tmp, absolute);
            syncFolder(absolute.getParent());
            deleteRecursively(old);
        } finally {
            deleteRecursively(tmp);
        }
    }

    /**
     * Whether {@code folder} was sealed by {@link #replaceFolder} and every file it lists is
     * intact.
     */
    public static boolean isComplete(Path folder) {
        return FolderManifest.verify(folder);
    }

    /**
     * Finishes an interrupted {@link #replaceFolder}: when {@code target} is not a complete folder,
     * moves the newest complete one of {@code <name>.tmp} (written, not yet swapped in) and {@code
     * <name>.old} (swapped out) into its place. Returns whether a complete folder is at {@code
     * target} afterwards.
     */
    public static boolean recoverFolder(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (isComplete(absolute)) {
            return true;
        }
        for (Path candidate : new Path[] {sibling(absolute, ".tmp"), sibling(absolute, ".old")}) {
            if (isComplete(candidate)) {
                deleteRecursively(absolute); // incomplete: never sealed
                move(candidate, absolute);
                syncFolder(absolute.getParent());
                return true;
            }
        }
        return false;
    }

    private static Path sibling(Path absolute, String suffix) {
        return absolute.resolveSibling(absolute.getFileName() + suffix);
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(
                    from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Makes a rename in {@code folder} durable (POSIX: fsync of the directory). */
    static void syncFolder(Path folder) throws IOException {
        try (FileChannel channel = FileChannel.open(folder, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // some file systems cannot open or sync a directory; the rename itself is still atomic
        }
    }

    public static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
