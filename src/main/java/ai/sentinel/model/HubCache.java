package ai.sentinel.model;

import ai.sentinel.io.HubCacheLayout;
import ai.sentinel.io.Json;
import java.io.IOException;
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
     * refs/}, or a commit hash), found only inside the model's own cache folder: the ref must lie
     * in its {@code refs/} and the snapshot in its {@code snapshots/}, links resolved.
     *
     * @throws IllegalArgumentException {@code revision} is not a branch, tag or commit hash
     * @throws IOException one line saying where Sentinel looked and the command that would fetch
     *     the model; never a file's content beyond a short escaped excerpt
     */
    public Path resolve(String modelId, String revision) throws IOException {
        if (!HubCacheLayout.isRevision(revision)) {
            throw new IllegalArgumentException(
                    "--revision "
                            + Json.quote(revision, 40)
                            + " is not a revision: give "
                            + HubCacheLayout.REVISION_FORMS);
        }
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
        String commit =
                COMMIT.matcher(revision).matches()
                        ? revision
                        : commitOf(repo, modelId, revision, fetch);
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
        requireInside(snapshot, repo.resolve("snapshots"), modelId, revision);
        return snapshot;
    }

    /** The commit that branch or tag {@code revision} names in {@code repo/refs}. */
    private static String commitOf(Path repo, String modelId, String revision, String fetch)
            throws IOException {
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
        requireInside(ref, repo.resolve("refs"), modelId, revision);
        String commit = HubCacheLayout.readRef(ref);
        if (!COMMIT.matcher(commit).matches()) {
            throw new IOException(
                    ref
                            + " should hold a 40-character commit hash; it holds "
                            + Json.quote(commit, 40));
        }
        return commit;
    }

    /**
     * Refuses a ref or snapshot that a link leads out of its folder: a revision is read only from
     * the model's own cache folder.
     */
    private static void requireInside(Path path, Path folder, String modelId, String revision)
            throws IOException {
        Path real = path.toRealPath();
        if (!real.startsWith(folder.toRealPath()) || real.equals(folder.toRealPath())) {
            throw new IOException(
                    "model "
                            + modelId
                            + " at revision "
                            + revision
                            + ": "
                            + path
                            + " leads to "
                            + real
                            + ", outside "
                            + folder
                            + "; a revision is read only from the model's own cache folder");
        }
    }
}
