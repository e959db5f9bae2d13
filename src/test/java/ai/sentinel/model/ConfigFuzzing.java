package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corrupt {@code config.json} files of one family (damaged, with a key given twice, with bytes that
 * are not UTF-8) parse, or fail with one line naming the file; a modest number also go through the
 * whole load beside valid weights, which must never allocate past the files' size. One subclass per
 * family names a preset of it; the template is a tiny model of that preset saved by Sentinel.
 */
abstract class ConfigFuzzing {
    /** A family's scratch folder, its valid model folder and that folder's config text. */
    private record Fixture(Path dir, Path valid, String config) {}

    private static final Map<String, Fixture> FIXTURES = new ConcurrentHashMap<>();

    /** The preset (of the family under test) whose files are corrupted. */
    abstract String preset();

    @AfterContainer
    static void cleanUp() throws IOException {
        for (Fixture f : FIXTURES.values()) {
            AtomicFiles.deleteRecursively(f.dir());
        }
        FIXTURES.clear();
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptConfigsParseOrFailClearly(@ForAll("corrupt") byte[] bytes) throws IOException {
        Path folder = fixture().dir().resolve("parse");
        Files.createDirectories(folder);
        Path file = folder.resolve(ModelFiles.CONFIG_FILE);
        Files.write(file, bytes);
        CleanFailure.check(file, bytes.length, () -> ModelFiles.readConfig(folder));
    }

    @Property(tries = 60, seed = FuzzSeed.SEED)
    void corruptConfigsBesideValidWeightsLoadOrFailClearly(@ForAll("corrupt") byte[] bytes)
            throws IOException {
        Path folder = fixture().dir().resolve("load");
        Files.createDirectories(folder);
        Files.copy(
                fixture().valid().resolve(ModelFiles.WEIGHTS_FILE),
                folder.resolve(ModelFiles.WEIGHTS_FILE),
                StandardCopyOption.REPLACE_EXISTING);
        Path file = folder.resolve(ModelFiles.CONFIG_FILE);
        Files.write(file, bytes);
        long size = bytes.length + Files.size(folder.resolve(ModelFiles.WEIGHTS_FILE));
        try (NDManager manager = NDManager.newBaseManager()) {
            CleanFailure.check(file, size, () -> ModelFiles.load(folder, manager).close());
        }
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Corruptions.ofConfig(fixture().config());
    }

    private Fixture fixture() {
        return FIXTURES.computeIfAbsent(preset(), ConfigFuzzing::create);
    }

    /** A 1-layer, 2-head, 8-wide model of the preset with a 16-token vocabulary, saved. */
    private static Fixture create(String preset) {
        Path dir = FuzzFolder.create("config-" + preset);
        Path valid = dir.resolve("valid");
        try (NDManager manager = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset(preset).orElseThrow().initialize(16, 1, 2, 8, manager, 1)) {
            ModelFiles.save(model, valid);
            return new Fixture(dir, valid, Files.readString(valid.resolve(ModelFiles.CONFIG_FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
