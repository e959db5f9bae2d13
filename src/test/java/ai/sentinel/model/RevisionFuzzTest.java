package ai.sentinel.model;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Any {@code --revision} string resolves to a snapshot inside the model's own {@code snapshots/},
 * or fails with the project's one-line error; never another exception, never a path elsewhere. The
 * cache beside the model holds a second model, a file outside the cache and refs that lead out.
 */
class RevisionFuzzTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";
    private static final String SECRET = "root:x:0:0:secret-line";

    private static Path dir;

    @AfterContainer
    static void cleanUp() throws IOException {
        if (dir != null) {
            AtomicFiles.deleteRecursively(dir);
            dir = null;
        }
    }

    @Property(seed = FuzzSeed.SEED)
    void anyRevisionResolvesInsideTheRepoOrFailsInOneLine(@ForAll("revisions") String revision) {
        Path root = cache();
        Path snapshots = root.resolve("models--me--tiny/snapshots");
        try {
            Path snapshot = new HubCache(root).resolve("me/tiny", revision);
            if (!snapshot.toRealPath().startsWith(snapshots.toRealPath())) {
                throw new AssertionError(revision + " resolved outside: " + snapshot);
            }
        } catch (IOException | IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            // a short escaped excerpt at most: never two lines of the file
            if (message.lines().count() != 1 || message.contains(SECRET + "\\u000a" + SECRET)) {
                throw new AssertionError("unclear message for " + revision + ": " + message, e);
            }
        }
    }

    @Provide
    Arbitrary<String> revisions() {
        Arbitrary<String> pieces =
                Arbitraries.of(
                        "main",
                        "refs",
                        "pr",
                        "1",
                        "..",
                        ".",
                        "/",
                        "\\",
                        "-",
                        "\n",
                        "\0",
                        "~",
                        "%2e",
                        "models--me--tiny",
                        "models--other--model",
                        "snapshots",
                        "outside",
                        "escape",
                        "linked",
                        "garbage",
                        "/etc/passwd",
                        COMMIT,
                        COMMIT.substring(0, 39),
                        "v1.0",
                        ".lock",
                        "é");
        Arbitrary<String> joined =
                pieces.list().ofMinSize(1).ofMaxSize(6).map(list -> String.join("", list));
        Arbitrary<String> slashed =
                pieces.list().ofMinSize(1).ofMaxSize(5).map(list -> String.join("/", list));
        return Arbitraries.oneOf(
                joined,
                slashed,
                Arbitraries.strings().ofMaxLength(60),
                Arbitraries.strings().all());
    }

    /**
     * {@code me/tiny} with refs main, pr/1, garbage (25 lines), escape (a link to a file outside
     * the cache holding a valid hash) and outside (a link to another model's ref); {@code
     * other/model} beside it; a snapshot link that leads out of {@code snapshots/}.
     */
    private static synchronized Path cache() {
        if (dir != null) {
            return dir.resolve("hub");
        }
        try {
            dir = FuzzFolder.create("revision");
            Path root = dir.resolve("hub");
            Path repo = root.resolve("models--me--tiny");
            Path refs = Files.createDirectories(repo.resolve("refs/pr"));
            Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
            Files.writeString(refs.resolveSibling("main"), COMMIT);
            Files.writeString(refs.resolve("1"), COMMIT + "\n");
            Files.writeString(refs.resolveSibling("garbage"), (SECRET + "\n").repeat(25));
            Path other = root.resolve("models--other--model");
            String otherCommit = "f".repeat(40);
            Files.createDirectories(other.resolve("refs"));
            Files.createDirectories(other.resolve("snapshots").resolve(otherCommit));
            Files.writeString(other.resolve("refs/main"), otherCommit);
            Path outside = Files.writeString(dir.resolve("outside-ref"), otherCommit);
            Files.createSymbolicLink(refs.resolveSibling("escape"), outside);
            Files.createSymbolicLink(refs.resolveSibling("outside"), other.resolve("refs/main"));
            // a hash whose snapshot "folder" is a link to the other model's snapshot
            String linked = "e".repeat(40);
            Files.createSymbolicLink(
                    repo.resolve("snapshots").resolve(linked),
                    other.resolve("snapshots").resolve(otherCommit));
            Files.writeString(refs.resolveSibling("linked"), linked);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
