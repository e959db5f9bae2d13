package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Atomic files keep the user's permissions; a folder swap interrupted anywhere leaves a complete
 * folder to find.
 */
class AtomicFilesTest {
    @Test
    void writtenFilesGetTheSamePermissionsAsAnyNewFile(@TempDir Path dir) throws IOException {
        Path plain = Files.createFile(dir.resolve("plain"));
        Path atomic = dir.resolve("atomic.json");
        AtomicFiles.writeString(atomic, "{}");
        assertEquals(Files.getPosixFilePermissions(plain), Files.getPosixFilePermissions(atomic));
        assertEquals("{}", Files.readString(atomic));
        try (var list = Files.list(dir)) {
            assertEquals(2, list.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aSealedFolderIsCompleteUntilAnyFileChanges(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("checkpoint");
        AtomicFiles.replaceFolder(target, version("v1"));
        assertTrue(AtomicFiles.isComplete(target));
        Files.writeString(target.resolve("sub/b.txt"), "v1-b", StandardOpenOption.APPEND);
        assertFalse(AtomicFiles.isComplete(target), "a grown file");
        AtomicFiles.replaceFolder(target, version("v2"));
        Files.write(target.resolve("a.txt"), "x2".getBytes()); // same size, other bytes
        assertFalse(AtomicFiles.isComplete(target), "a changed byte");
        AtomicFiles.replaceFolder(target, version("v3"));
        Files.delete(target.resolve(FolderManifest.FILE));
        assertFalse(
                AtomicFiles.isComplete(target), "no manifest: a folder written but never sealed");
        Files.createDirectories(dir.resolve("empty"));
        assertFalse(AtomicFiles.isComplete(dir.resolve("empty")));
        assertFalse(AtomicFiles.isComplete(dir.resolve("missing")));
    }

    @Test
    void aKillBetweenTheTwoRenamesLeavesTheNewFolderInTmpAndRecoveryPrefersIt(@TempDir Path dir)
            throws IOException {
        Path target = dir.resolve("checkpoint");
        sealedAs(dir, "v1", target.resolveSibling("checkpoint.old"));
        sealedAs(dir, "v2", target.resolveSibling("checkpoint.tmp"));
        assertTrue(AtomicFiles.recoverFolder(target));
        assertEquals("v2", Files.readString(target.resolve("a.txt")));
    }

    @Test
    void aKillWhileWritingTmpAfterTheTargetWasLostRecoversTheOldFolder(@TempDir Path dir)
            throws IOException {
        Path target = dir.resolve("checkpoint");
        sealedAs(dir, "v1", target.resolveSibling("checkpoint.old"));
        Files.createDirectories(target.resolveSibling("checkpoint.tmp"));
        Files.writeString(target.resolveSibling("checkpoint.tmp").resolve("a.txt"), "half");
        Files.createDirectories(target); // an unsealed folder in place is not a checkpoint either
        assertTrue(AtomicFiles.recoverFolder(target));
        assertEquals("v1", Files.readString(target.resolve("a.txt")));
        assertFalse(AtomicFiles.recoverFolder(dir.resolve("nothing")));
    }

    @Test
    void aFailedReplaceNeverDeletesTheLastCompleteFolder(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("checkpoint");
        sealedAs(dir, "v1", target.resolveSibling("checkpoint.old"));
        Files.createDirectories(
                target.resolveSibling("checkpoint.tmp")); // a partial tmp from the killed run
        assertThrows(
                IOException.class,
                () ->
                        AtomicFiles.replaceFolder(
                                target,
                                folder -> {
                                    Files.writeString(folder.resolve("a.txt"), "v2-partial");
                                    throw new IOException("disk full");
                                }));
        assertTrue(AtomicFiles.isComplete(target));
        assertEquals("v1", Files.readString(target.resolve("a.txt")));
        AtomicFiles.replaceFolder(target, version("v2"));
        assertEquals("v2", Files.readString(target.resolve("a.txt")));
        assertFalse(Files.exists(target.resolveSibling("checkpoint.old")));
        assertFalse(Files.exists(target.resolveSibling("checkpoint.tmp")));
    }

    private static void sealedAs(Path dir, String content, Path where) throws IOException {
        Path scratch = dir.resolve("scratch-" + content);
        AtomicFiles.replaceFolder(scratch, version(content));
        Files.move(scratch, where);
    }

    private static AtomicFiles.FolderWriter version(String v) {
        return folder -> {
            Files.writeString(folder.resolve("a.txt"), v);
            Files.createDirectories(folder.resolve("sub"));
            Files.writeString(folder.resolve("sub/b.txt"), v + "-b");
        };
    }
}
