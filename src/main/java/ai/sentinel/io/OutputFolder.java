package ai.sentinel.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Checks an output location before any work is done, so a long run never fails at its end for a
 * folder it could not write: the folder is created if missing and a probe file is written and
 * removed in it.
 */
public final class OutputFolder {
    private OutputFolder() {}

    /**
     * Makes sure {@code folder} exists (creating it) and accepts new files.
     *
     * @param what how the user named it, e.g. {@code "--out"}, for the message
     * @throws IOException one line naming the folder and why it cannot be used
     */
    public static Path require(Path folder, String what) throws IOException {
        String prefix = what + " " + folder + " cannot be used: ";
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IOException(prefix + "it is an existing file, not a folder");
        }
        for (Path p = folder.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (Files.exists(p) && !Files.isDirectory(p)) {
                throw new IOException(
                        prefix + p + " is a file, so no folder can be made inside it");
            }
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new IOException(prefix + "the folder cannot be created (" + reason(e) + ")");
        }
        try {
            Files.delete(Files.createTempFile(folder, ".sentinel-write-check", ".tmp"));
        } catch (IOException e) {
            throw new IOException(prefix + "no file can be written in it (" + reason(e) + ")");
        }
        return folder;
    }

    /**
     * An output folder held by one run: locked against a second run for as long as it is open, and
     * removed at the end when this run created it and left it empty (a refusal after the check
     * leaves nothing behind).
     */
    public record Held(Path folder, RunFolderLock lock, boolean created) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            lock.close();
            if (created && !holdsFiles(folder)) {
                try {
                    Files.deleteIfExists(folder);
                } catch (DirectoryNotEmptyException another) {
                    // a file appeared since: it is someone's, keep the folder
                }
            }
        }
    }

    /**
     * As {@link #require}, then locks the folder for this run ({@link RunFolderLock}).
     *
     * @param command what this run is, e.g. {@code "sentinel upgrade"}, named to a refused run
     * @throws IOException one line: the folder cannot be used, or another run holds it
     */
    public static Held claim(Path folder, String what, String command) throws IOException {
        boolean created = !Files.exists(folder);
        require(folder, what);
        return new Held(folder, RunFolderLock.acquire(folder, what, command), created);
    }

    /** Whether {@code folder} holds anything but a run's lock file. */
    public static boolean holdsFiles(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return false;
        }
        try (Stream<Path> files = Files.list(folder)) {
            return files.anyMatch(f -> !f.getFileName().toString().equals(RunFolderLock.FILE));
        }
    }

    /**
     * Refuses an output folder that is, contains or lies inside the folder a command reads its
     * model from, even with {@code --force}: writing there would replace the files being read.
     * Paths are compared with links and {@code ..} resolved; for a Hugging Face cache snapshot, or
     * a folder whose files link into one, the whole cached repository is the source.
     *
     * @param sourceWhat how the user named the source, e.g. {@code "--model runs/pruned"}
     * @throws IllegalArgumentException one line naming both folders
     */
    public static void requireApart(Path folder, String what, Path source, String sourceWhat)
            throws IOException {
        Path out = realPathOf(folder);
        Path real = source.toRealPath();
        List<Path> guarded = new ArrayList<>(List.of(real));
        HubCacheLayout.repoOf(real).ifPresent(guarded::add);
        try (Stream<Path> files = Files.list(real)) {
            for (Path f : files.filter(Files::isSymbolicLink).toList()) {
                if (Files.exists(f)) {
                    Path target = f.toRealPath();
                    guarded.add(HubCacheLayout.repoOf(target).orElse(target.getParent()));
                }
            }
        }
        for (Path g : guarded) {
            String relation =
                    out.equals(g)
                            ? "is"
                            : out.startsWith(g)
                                    ? "lies inside"
                                    : g.startsWith(out) ? "contains" : null;
            if (relation != null) {
                String named =
                        g.equals(real)
                                ? sourceWhat + (real.equals(source) ? "" : " (" + real + ")")
                                : g + ", which " + sourceWhat + " links into";
                throw new IllegalArgumentException(
                        what
                                + " "
                                + folder
                                + " "
                                + relation
                                + " "
                                + named
                                + ": a command never writes where it reads its model, not even"
                                + " with --force; choose a folder outside it");
            }
        }
    }

    /**
     * {@code path} as the file system will resolve it: links followed in the part that exists, then
     * the missing names appended ({@code ..} taking the real parent, as the kernel does).
     */
    private static Path realPathOf(Path path) throws IOException {
        Path absolute = path.toAbsolutePath();
        Path current = absolute.getRoot();
        boolean exists = true;
        for (Path name : absolute) {
            String part = name.toString();
            if (part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                current = current.getParent() != null ? current.getParent() : current;
                exists = Files.exists(current); // back in the part that exists, or still past it
                continue;
            }
            Path next = current.resolve(part);
            exists = exists && Files.exists(next);
            current = exists ? next.toRealPath() : next;
        }
        return current;
    }

    private static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "the file system refuses new entries there";
        }
        if (e instanceof FileSystemException f && f.getReason() != null) {
            return f.getReason().toLowerCase(java.util.Locale.ROOT);
        }
        return e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    }
}
