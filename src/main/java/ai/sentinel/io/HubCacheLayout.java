package ai.sentinel.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the local Hugging Face hub cache is and how a cached repository is laid out, as {@code
 * huggingface_hub} does it: the root is {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else
 * {@code ~/.cache/huggingface/hub}; a repository folder ({@code models--org--name}, {@code
 * datasets--org--name}) holds {@code refs/<revision>} files naming a commit and {@code
 * snapshots/<commit>/} folders of files (often symlinks into {@code blobs/}). Shared by models
 * ({@code model.HubCache}) and datasets ({@code data.HubDatasetFiles}).
 */
public final class HubCacheLayout {
    /** A full commit hash, as refs hold and snapshot folders are named. */
    public static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}");

    /**
     * A branch or tag name, within what git allows: parts of letters, digits and {@code . _ - + @}
     * joined by '/' ({@code main}, {@code v1.0}, {@code refs/pr/1} as the hub names pull requests),
     * no part starting with '.' or '-'. A name is a path under {@code refs/}, so anything that
     * could leave that folder ({@code ..}, a leading '/', a backslash) is outside this set.
     */
    private static final Pattern REF_NAME =
            Pattern.compile("[A-Za-z0-9_+@][A-Za-z0-9._+@-]*(/[A-Za-z0-9_+@][A-Za-z0-9._+@-]*)*");

    /** The forms {@link #isRevision} accepts, for messages. */
    public static final String REVISION_FORMS =
            "a branch or tag name (letters, digits and . _ - + @, parts joined by '/', as in main,"
                    + " v1.0 or refs/pr/1) or a 40-character commit hash";

    /** A ref holds a 40-character hash and a newline; anything much longer is not a ref. */
    private static final int REF_BYTES = 128;

    private HubCacheLayout() {}

    /** The cache root this process's environment points to. */
    public static Path rootFromEnvironment() {
        return root(System.getenv(), Path.of(System.getProperty("user.home")));
    }

    /** The cache root for an environment and home folder. */
    public static Path root(Map<String, String> env, Path home) {
        String hubCache = env.get("HF_HUB_CACHE");
        if (hubCache != null && !hubCache.isBlank()) {
            return Path.of(hubCache);
        }
        String hfHome = env.get("HF_HOME");
        if (hfHome != null && !hfHome.isBlank()) {
            return Path.of(hfHome).resolve("hub");
        }
        return home.resolve(".cache").resolve("huggingface").resolve("hub");
    }

    /** Whether {@code text} is a commit hash or a branch or tag name ({@link #REVISION_FORMS}). */
    public static boolean isRevision(String text) {
        return COMMIT.matcher(text).matches()
                || (text.length() <= 200
                        && REF_NAME.matcher(text).matches()
                        && !text.contains("..")
                        && !text.endsWith(".")
                        && !text.endsWith(".lock"));
    }

    /**
     * What a ref file holds, stripped: at most its first {@value #REF_BYTES} bytes, so a ref that
     * is something else (a large or endless file) is never read whole.
     */
    public static String readRef(Path ref) throws IOException {
        try (InputStream in = Files.newInputStream(ref)) {
            return new String(in.readNBytes(REF_BYTES), StandardCharsets.UTF_8).strip();
        }
    }

    /**
     * The cached repository folder ({@code models--org--name}) that {@code path} lies in, if it
     * lies in one's {@code snapshots/} or {@code blobs/} ({@code path} with links resolved).
     */
    public static Optional<Path> repoOf(Path path) throws IOException {
        Path real = path.toRealPath();
        for (Path p = real.getParent(); p != null && p.getParent() != null; p = p.getParent()) {
            String name = p.getFileName().toString();
            String repo =
                    p.getParent().getFileName() == null
                            ? ""
                            : p.getParent().getFileName().toString();
            if ((name.equals("snapshots") || name.equals("blobs"))
                    && (repo.startsWith("models--") || repo.startsWith("datasets--"))) {
                return Optional.of(p.getParent());
            }
        }
        return Optional.empty();
    }

    /**
     * The snapshot that branch or tag {@code revision} names in a cached repository folder, if both
     * the ref and its snapshot folder are there.
     */
    public static Optional<Path> snapshotAt(Path repo, String revision) throws IOException {
        Path ref = repo.resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = readRef(ref);
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        return COMMIT.matcher(commit).matches() && Files.isDirectory(snapshot)
                ? Optional.of(snapshot)
                : Optional.empty();
    }
}
