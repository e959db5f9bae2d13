package ai.sentinel.io;

import java.io.IOException;
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

    /**
     * The snapshot that branch or tag {@code revision} names in a cached repository folder, if both
     * the ref and its snapshot folder are there.
     */
    public static Optional<Path> snapshotAt(Path repo, String revision) throws IOException {
        Path ref = repo.resolve("refs").resolve(revision);
        if (!Files.isRegularFile(ref)) {
            return Optional.empty();
        }
        String commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        return COMMIT.matcher(commit).matches() && Files.isDirectory(snapshot)
                ? Optional.of(snapshot)
                : Optional.empty();
    }
}
