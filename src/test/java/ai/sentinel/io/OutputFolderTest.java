package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output of a model read from the Hugging Face cache may not touch the cached repository its
 * files link into; a folder that a refused run created is gone afterwards.
 */
class OutputFolderTest {
    @Test
    void aHubSnapshotGuardsItsWholeRepository(@TempDir Path dir) throws IOException {
        Path repo = dir.resolve("hub/models--me--tiny");
        Path blob =
                Files.writeString(
                        Files.createDirectories(repo.resolve("blobs")).resolve("ab12"), "{}");
        Path snapshot = Files.createDirectories(repo.resolve("snapshots").resolve("c".repeat(40)));
        Files.createSymbolicLink(snapshot.resolve("config.json"), blob);
        for (Path out :
                List.of(
                        repo.resolve("blobs"),
                        repo.resolve("refs"),
                        repo,
                        dir.resolve("hub"),
                        snapshot.resolve("out"))) {
            IllegalArgumentException refused =
                    assertThrows(
                            IllegalArgumentException.class,
                            () ->
                                    OutputFolder.requireApart(
                                            out, "--out", snapshot, "--model me/tiny"));
            assertTrue(refused.getMessage().contains("--model me/tiny"), refused.getMessage());
        }
        // a copy whose files still link into the cache
        Path copy = Files.createDirectories(dir.resolve("copy"));
        Files.createSymbolicLink(copy.resolve("config.json"), blob);
        assertThrows(
                IllegalArgumentException.class,
                () ->
                        OutputFolder.requireApart(
                                repo.resolve("blobs"), "--out", copy, "--model copy"));
        OutputFolder.requireApart(dir.resolve("elsewhere"), "--out", snapshot, "--model me/tiny");
    }

    @Test
    void aFolderTheRunCreatedAndLeftEmptyIsRemoved(@TempDir Path dir) throws IOException {
        Path out = dir.resolve("new");
        try (OutputFolder.Held held = OutputFolder.claim(out, "--out", "sentinel test")) {
            assertTrue(Files.exists(held.lock().file()));
        }
        assertFalse(Files.exists(out));
        Path existing = Files.createDirectories(dir.resolve("existing"));
        OutputFolder.claim(existing, "--out", "sentinel test").close();
        assertTrue(Files.isDirectory(existing), "a folder the user made stays");
    }
}
