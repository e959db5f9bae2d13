package ai.sentinel.io;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

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
