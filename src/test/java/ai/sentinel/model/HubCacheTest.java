package ai.sentinel.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.sentinel.cli.SentinelCli;
import ai.sentinel.io.DType;
import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsWriter;
import ai.sentinel.io.ShardedSafetensors;
import ai.sentinel.io.StoredTensor;
import ai.sentinel.io.TensorData;
import ai.sentinel.nn.Parameter;
import ai.sentinel.tokenizer.ByteTokenizer;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fake Hugging Face hub cache, laid out as huggingface_hub lays it out (refs, snapshots, a
 * sharded BF16 checkpoint with its index, tokenizer files): models load by id, and every way it can
 * be broken is one clear line.
 */
class HubCacheTest {
    private static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

    @Test
    void theCacheRootFollowsHuggingFaceHubsRules() {
        Path home = Path.of("/home/u");
        assertEquals(
                Path.of("/c/hub-cache"),
                HubCache.root(Map.of("HF_HUB_CACHE", "/c/hub-cache", "HF_HOME", "/h"), home));
        assertEquals(Path.of("/h/hub"), HubCache.root(Map.of("HF_HOME", "/h"), home));
        assertEquals(Path.of("/home/u/.cache/huggingface/hub"), HubCache.root(Map.of(), home));
    }

    /**
     * Writes a tiny GPT-2 as two BF16 shards with an index into a fake cache; returns the
     * BF16-rounded weights.
     */
    private static Map<String, float[]> fakeCache(Path root, NDManager manager) throws IOException {
        Path snapshot = root.resolve("models--acme--tiny-gpt2/snapshots/" + COMMIT);
        Files.createDirectories(snapshot);
        Files.createDirectories(root.resolve("models--acme--tiny-gpt2/refs"));
        Files.writeString(root.resolve("models--acme--tiny-gpt2/refs/main"), COMMIT + "\n");
        Map<String, float[]> rounded = new LinkedHashMap<>();
        // a nano reshaped to 2 layers × 4 heads × 32 wide, vocabulary 256 to match the byte
        // tokenizer saved beside it
        try (CausalLm model =
                Families.preset("nano").orElseThrow().initialize(256, 2, 4, 32, manager, 3)) {
            ModelFiles.save(
                    model, snapshot); // config.json and an F32 model.safetensors, replaced below
            Files.delete(snapshot.resolve(ModelFiles.WEIGHTS_FILE));
            Files.delete(snapshot.resolve(ModelFiles.HEADS_FILE));
            Map<String, TensorData> shard1 = new LinkedHashMap<>();
            Map<String, TensorData> shard2 = new LinkedHashMap<>();
            JsonObject weightMap = new JsonObject();
            Map<String, StoredTensor> all = Families.of(model).exportWeights(model);
            int i = 0;
            for (Map.Entry<String, StoredTensor> e : all.entrySet()) {
                float[] values =
                        new float[Math.toIntExact(TensorData.numElements(e.getValue().shape()))];
                TensorData.copyOf(e.getValue())
                        .bytes()
                        .duplicate()
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .asFloatBuffer()
                        .get(values);
                ByteBuffer bf16 =
                        ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
                float[] widened = new float[values.length];
                for (int k = 0; k < values.length; k++) {
                    short bits =
                            (short)
                                    (Float.floatToRawIntBits(values[k])
                                            >>> 16); // truncation is a valid BF16
                    bf16.putShort(bits);
                    widened[k] = Float.intBitsToFloat((bits & 0xffff) << 16);
                }
                bf16.flip();
                String shard =
                        i++ % 2 == 0
                                ? "model-00001-of-00002.safetensors"
                                : "model-00002-of-00002.safetensors";
                (i % 2 == 1 ? shard1 : shard2)
                        .put(e.getKey(), new TensorData(DType.BF16, e.getValue().shape(), bf16));
                weightMap.addProperty(e.getKey(), shard);
                rounded.put(e.getKey(), widened);
            }
            SafetensorsWriter.write(
                    snapshot.resolve("model-00001-of-00002.safetensors"),
                    shard1,
                    Map.of("format", "pt"));
            SafetensorsWriter.write(
                    snapshot.resolve("model-00002-of-00002.safetensors"),
                    shard2,
                    Map.of("format", "pt"));
            JsonObject index = new JsonObject();
            index.add("metadata", new JsonObject());
            index.add("weight_map", weightMap);
            Json.write(snapshot.resolve(ShardedSafetensors.INDEX_FILE), index);
            new ByteTokenizer().save(snapshot);
        }
        return rounded;
    }

    @Test
    void aShardedBf16ModelLoadsByIdFromTheCache(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, float[]> expected = fakeCache(root, manager);
            HubCache hub = new HubCache(root);
            ModelSource source = ModelSource.of("acme/tiny-gpt2", "main", hub);
            assertEquals(
                    root.resolve("models--acme--tiny-gpt2/snapshots/" + COMMIT),
                    ((ModelSource.Folder) source).folder());
            assertEquals(
                    source,
                    ModelSource.of("acme/tiny-gpt2", COMMIT, hub),
                    "a commit hash names its snapshot");
            try (CausalLm loaded = source.load(manager, 256, 0)) {
                Map<String, StoredTensor> back = Families.of(loaded).exportWeights(loaded);
                for (Map.Entry<String, float[]> e : expected.entrySet()) {
                    float[] values = new float[e.getValue().length];
                    TensorData.copyOf(back.get(e.getKey()))
                            .bytes()
                            .duplicate()
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .asFloatBuffer()
                            .get(values);
                    assertArrayEquals(e.getValue(), values, e.getKey());
                }
                assertEquals(
                        expected.size(), loaded.parameters().stream().map(Parameter::name).count());
            }
        }
    }

    @Test
    void everyBrokenCacheIsOneLineSayingWhatIsWrong(@TempDir Path root) throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            fakeCache(root, manager);
            HubCache hub = new HubCache(root);
            Path snapshot = root.resolve("models--acme--tiny-gpt2/snapshots/" + COMMIT);
            IOException missing =
                    assertThrows(
                            IOException.class, () -> ModelSource.of("acme/absent", "main", hub));
            assertTrue(
                    missing.getMessage().contains("models--acme--absent")
                            && missing.getMessage()
                                    .contains("huggingface-cli download acme/absent"),
                    missing.getMessage());
            IOException noRevision =
                    assertThrows(
                            IOException.class, () -> ModelSource.of("acme/tiny-gpt2", "v2", hub));
            assertTrue(
                    noRevision.getMessage().contains("has no revision v2"),
                    noRevision.getMessage());

            Path shard2 = snapshot.resolve("model-00002-of-00002.safetensors");
            Path aside = snapshot.resolve("aside");
            Files.move(shard2, aside);
            IOException noShard = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    noShard.getMessage()
                            .contains(
                                    "names shard model-00002-of-00002.safetensors, which is missing"),
                    noShard.getMessage());
            Files.move(aside, shard2);

            Path indexFile = snapshot.resolve(ShardedSafetensors.INDEX_FILE);
            String index = Files.readString(indexFile);
            Files.writeString(
                    indexFile, index.replaceFirst("model-00001-of-00002", "model-00002-of-00002"));
            IOException disagree = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    disagree.getMessage().contains("which does not hold it"),
                    disagree.getMessage());
            Files.writeString(indexFile, index);

            for (Path f :
                    List.of(
                            indexFile,
                            snapshot.resolve("model-00001-of-00002.safetensors"),
                            shard2)) {
                Files.delete(f);
            }
            Files.writeString(snapshot.resolve("pytorch_model.bin"), "pickle");
            IOException bin = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    bin.getMessage().contains("does not unpickle")
                            && bin.getMessage().contains("save_pretrained"),
                    bin.getMessage());
        }
    }

    /**
     * A revision is a branch, tag or commit resolved inside the model's own cache folder: a path
     * that names any other file is refused without reading it, and a ref that holds something else
     * is named with a short escaped excerpt, never its content.
     */
    @Test
    void aRevisionNeverReadsAFileOutsideTheModelsRefs(@TempDir Path root) throws IOException {
        Path repo = root.resolve("models--me--tiny");
        Files.createDirectories(repo.resolve("refs"));
        Files.createDirectories(repo.resolve("snapshots").resolve(COMMIT));
        Files.writeString(repo.resolve("refs/main"), COMMIT);
        String secret = "secret-line-of-a-private-file";
        Path privateFile = Files.writeString(root.resolve("private"), (secret + "\n").repeat(25));
        Files.writeString(repo.resolve("refs/garbage"), (secret + "\n").repeat(25));
        HubCache hub = new HubCache(root);
        assertEquals(repo.resolve("snapshots").resolve(COMMIT), hub.resolve("me/tiny", "main"));

        for (String revision :
                List.of(
                        privateFile.toString(),
                        "/etc/passwd",
                        String.join("/", UP, UP, "models--me--tiny", "refs", "main"),
                        String.join("/", UP, "refs", "main"),
                        "main\nsecond line",
                        "-rf",
                        "refs\\main")) {
            IllegalArgumentException refused =
                    assertThrows(
                            IllegalArgumentException.class, () -> hub.resolve("me/tiny", revision));
            assertEquals(1, refused.getMessage().lines().count(), refused.getMessage());
            assertTrue(
                    refused.getMessage().contains("--revision")
                            && refused.getMessage().contains("40-character commit hash"),
                    refused.getMessage());
            assertFalse(refused.getMessage().contains(secret), refused.getMessage());
        }

        IOException garbage =
                assertThrows(IOException.class, () -> hub.resolve("me/tiny", "garbage"));
        assertEquals(1, garbage.getMessage().lines().count(), garbage.getMessage());
        assertEquals(1, garbage.getMessage().split(secret, -1).length - 1, "one excerpt at most");
        assertTrue(garbage.getMessage().length() < 300, garbage.getMessage());

        // a ref or snapshot that a link leads out of the model's folder
        Files.createSymbolicLink(
                repo.resolve("refs/escape"), Files.writeString(root.resolve("hash"), COMMIT));
        IOException escape =
                assertThrows(IOException.class, () -> hub.resolve("me/tiny", "escape"));
        assertTrue(escape.getMessage().contains("own cache folder"), escape.getMessage());
        String elsewhere = "e".repeat(40);
        Files.createSymbolicLink(
                repo.resolve("snapshots").resolve(elsewhere),
                Files.createDirectories(root.resolve("elsewhere")));
        IOException linked =
                assertThrows(IOException.class, () -> hub.resolve("me/tiny", elsewhere));
        assertTrue(linked.getMessage().contains("own cache folder"), linked.getMessage());

        Files.createDirectories(repo.resolve("refs/pr"));
        Files.writeString(repo.resolve("refs/pr/1"), COMMIT + "\n");
        assertEquals(
                repo.resolve("snapshots").resolve(COMMIT),
                hub.resolve("me/tiny", "pr/1"),
                "a ref in a sub-folder, as the hub names pull requests");
    }

    @Test
    void aWeightsFileThatIsABrokenLinkIsReportedAsOneNotAsMissing(@TempDir Path root)
            throws IOException {
        try (NDManager manager = NDManager.newBaseManager()) {
            fakeCache(root, manager);
            HubCache hub = new HubCache(root);
            Path snapshot = root.resolve("models--acme--tiny-gpt2/snapshots/" + COMMIT);
            Path shard2 = snapshot.resolve("model-00002-of-00002.safetensors");
            Files.delete(shard2);
            Files.createSymbolicLink(shard2, blob("0123abcd"));
            IOException shard = assertThrows(IOException.class, () -> load(hub, manager));
            assertEquals(
                    shard2
                            + " is a broken link to \""
                            + blob("0123abcd")
                            + "\", whose target is missing"
                            + " (an interrupted download or a cleaned cache? fetch the model again)",
                    shard.getMessage());

            Path index = snapshot.resolve(ShardedSafetensors.INDEX_FILE);
            Files.delete(index);
            Files.createSymbolicLink(index, blob("4567cdef"));
            IOException indexBroken = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    indexBroken
                            .getMessage()
                            .startsWith(
                                    index + " is a broken link to \"" + blob("4567cdef") + "\""),
                    indexBroken.getMessage());

            Path single = snapshot.resolve(ModelFiles.WEIGHTS_FILE);
            Files.createSymbolicLink(single, blob("89abef01"));
            IOException singleBroken = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    singleBroken.getMessage().startsWith(single + " is a broken link to"),
                    singleBroken.getMessage());

            Path config = snapshot.resolve(ModelFiles.CONFIG_FILE);
            Files.delete(config);
            Files.createSymbolicLink(config, blob("cafe0123"));
            IOException configBroken = assertThrows(IOException.class, () -> load(hub, manager));
            assertTrue(
                    configBroken.getMessage().startsWith(config + " is a broken link to"),
                    configBroken.getMessage());
        }
    }

    /**
     * The parent folder's name, assembled so that no path in this file climbs out of the repository
     * by its text (RepositoryBoundaryTest): these paths stay inside a temporary cache.
     */
    private static final String UP = "..";

    /** A snapshot file's relative link into the repository's blobs, as the hub cache lays it. */
    private static Path blob(String name) {
        return Path.of(UP, UP, "blobs", name);
    }

    private static void load(HubCache hub, NDManager manager) throws IOException {
        ModelSource.of("acme/tiny-gpt2", "main", hub).load(manager, 256, 0).close();
    }

    @Test
    void theCommandLineFindsTheCacheThroughTheEnvironment(@TempDir Path root) throws Exception {
        try (NDManager manager = NDManager.newBaseManager()) {
            fakeCache(root, manager);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder info =
                new ProcessBuilder(
                                java,
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                SentinelCli.class.getName(),
                                "info",
                                "-m",
                                "acme/tiny-gpt2")
                        .redirectErrorStream(true);
        info.environment().put("HF_HUB_CACHE", root.toString());
        Process ok = info.start();
        String out = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), out);
        assertTrue(out.contains("layers       2"), out);
        info.command().set(info.command().size() - 1, "acme/absent");
        Process bad = info.start();
        String err =
                new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertTrue(bad.waitFor(120, TimeUnit.SECONDS));
        assertEquals(2, bad.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("huggingface-cli download acme/absent"), err);
    }
}
