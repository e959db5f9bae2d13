package ai.sentinel.model;

import ai.sentinel.io.HubCacheLayout;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Models in the local Hugging Face hub cache, laid out and located exactly as {@code
 * huggingface_hub} does ({@link HubCacheLayout}: {@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub},
 * else {@code ~/.cache/huggingface/hub}); model {@code org/name} lives in {@code
 * models--org--name/}, whose {@code refs/<revision>} holds a commit hash and whose {@code
 * snapshots/<hash>/} holds the files. Nothing is ever downloaded.
 */
public final class HubCache {
    private static final Pattern MODEL_ID =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)?");
    private static final Pattern COMMIT = HubCacheLayout.COMMIT;

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    /** The cache this process's environment points to. */
    public static HubCache fromEnvironment() {
        return new HubCache(HubCacheLayout.rootFromEnvironment());
    }

    /**
     * The cache root for an environment and home folder, as {@code huggingface_hub} resolves it.
     */
    static Path root(Map<String, String> env, Path home) {
        return HubCacheLayout.root(env, home);
    }

    public Path root() {
        return root;
    }

    /** Whether {@code text} has the shape of a model id ({@code name} or {@code org/name}). */
    public static boolean isModelId(String text) {
        return MODEL_ID.matcher(text).matches() && !text.contains("..");
    }

    /**
     * The snapshot folder of {@code modelId} at {@code revision} (a branch or tag name under {@code
     * refs/}, or a commit hash).
     *
     * @throws IOException one line saying where Sentinel looked and the command that would fetch
     *     the model
     */
    public Path resolve(String modelId, String revision) throws IOException {
        Path repo = root.resolve("models--" + modelId.replace("/", "--"));
        String fetch =
                "; fetch it with `huggingface-cli download "
                        + modelId
                        + (revision.equals("main") ? "" : " --revision " + revision)
                        + "` (nothing is downloaded at run time)";
        if (!Files.isDirectory(repo)) {
            throw new IOException(
                    "model "
                            + modelId
                            + " is not in the Hugging Face cache (looked for "
                            + repo
                            + "; set HF_HUB_CACHE or HF_HOME if your cache is elsewhere)"
                            + fetch);
        }
        String commit = revision;
        if (!COMMIT.matcher(revision).matches()) {
            Path ref = repo.resolve("refs").resolve(revision);
            if (!Files.isRegularFile(ref)) {
                throw new IOException(
                        "model "
                                + modelId
                                + " has no revision "
                                + revision
                                + " in the cache (no "
                                + ref
                                + ")"
                                + fetch);
            }
            commit = Files.readString(ref, StandardCharsets.UTF_8).strip();
            if (!COMMIT.matcher(commit).matches()) {
                throw new IOException(
                        ref + " should hold a 40-character commit hash, holds \"" + commit + "\"");
            }
        }
        Path snapshot = repo.resolve("snapshots").resolve(commit);
        if (!Files.isDirectory(snapshot)) {
            throw new IOException(
                    "model "
                            + modelId
                            + " at revision "
                            + revision
                            + " has no snapshot folder "
                            + snapshot
                            + fetch);
        }
        return snapshot;
    }
}
