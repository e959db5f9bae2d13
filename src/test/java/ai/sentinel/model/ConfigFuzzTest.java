package ai.sentinel.model;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corrupt {@code config.json} files of each family (GPT-2 today) parse, or fail with one line
 * naming the file; a modest number also go through the whole load with valid weights, which must
 * never allocate past the file's size.
 */
class ConfigFuzzTest {
    private static final Path DIR = FuzzFolder.create("config");
    private static final Path VALID = validFolder();
    private static final String CONFIG = read(VALID.resolve(ModelFiles.CONFIG_FILE));

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptConfigsParseOrFailClearly(@ForAll("corrupt") byte[] bytes) throws IOException {
        Path folder = DIR.resolve("parse");
        Files.createDirectories(folder);
        Path file = folder.resolve(ModelFiles.CONFIG_FILE);
        Files.write(file, bytes);
        CleanFailure.check(file, bytes.length, () -> ModelFiles.readConfig(folder));
    }

    @Property(tries = 60, seed = FuzzSeed.SEED)
    void corruptConfigsBesideValidWeightsLoadOrFailClearly(@ForAll("corrupt") byte[] bytes)
            throws IOException {
        Path folder = DIR.resolve("load");
        Files.createDirectories(folder);
        Files.copy(
                VALID.resolve(ModelFiles.WEIGHTS_FILE),
                folder.resolve(ModelFiles.WEIGHTS_FILE),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Path file = folder.resolve(ModelFiles.CONFIG_FILE);
        Files.write(file, bytes);
        long size = bytes.length + Files.size(folder.resolve(ModelFiles.WEIGHTS_FILE));
        try (NDManager manager = NDManager.newBaseManager()) {
            CleanFailure.check(file, size, () -> ModelFiles.load(folder, manager).close());
        }
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Corruptions.ofJson(CONFIG);
    }

    private static Path validFolder() {
        Path folder = DIR.resolve("valid");
        try (NDManager manager = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(Gpt2Config.of(16, 8, 1, 2, 8), manager, 1)) {
            ModelFiles.save(model, folder);
            return folder;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
