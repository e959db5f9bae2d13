package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corrupt upgrade configs, in JSON and in YAML (damaged, a key given twice, bytes that are not
 * UTF-8), are read or refused with one line naming the file; a key given twice and a byte that is
 * not UTF-8 are always refused, saying so.
 */
class UpgradeConfigFileFuzzTest {
    private static final Path DIR = FuzzFolder.create("upgrade-config");

    private static final String JSON =
            """
            {"dataset": "tiny_shakespeare", "cycles": 2, "pruning_level": 0.2,
             "controller_config": {"controller_type": "threshold", "update_frequency": 10,
              "warmup_steps": 2},
             "plasticity_config": {"max_perplexity_increase": 0.1, "training_steps": 20},
             "run_inference": false}
            """;

    private static final String YAML =
            """
            dataset: tiny_shakespeare
            cycles: 2
            learning_rate: 5e-5
            controller_config:
              controller_type: ann
              controller_lr: 0.02
            plasticity_config:
              training_steps: 20
              memory_capacity: 3
            plot: false
            """;

    /**
     * SnakeYAML allocates about 200 bytes per byte of deeply nested flow input before it refuses
     * the depth; the reader caps a config at 1 MiB, so this stays bounded.
     */
    private static final long YAML_BYTES_PER_FILE_BYTE = 256;

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(tries = 150, seed = FuzzSeed.SEED)
    void corruptConfigsReadOrFailClearly(@ForAll("corrupt") byte[] bytes) throws IOException {
        Path file = DIR.resolve("upgrade.yaml");
        Files.write(file, bytes);
        CleanFailure.check(
                file,
                bytes.length,
                YAML_BYTES_PER_FILE_BYTE,
                () -> UpgradeConfigFile.read(file, UpgradeConfig.defaults()));
    }

    @Property(tries = 40, seed = FuzzSeed.SEED)
    void aKeyGivenTwiceIsAlwaysRefusedNamingIt(@ForAll("twice") String text) throws IOException {
        Path file = DIR.resolve("twice.yaml");
        Files.writeString(file, text);
        String message =
                assertThrows(
                                IllegalArgumentException.class,
                                () -> UpgradeConfigFile.read(file, UpgradeConfig.defaults()))
                        .getMessage();
        assertTrue(message.startsWith(file + ": ") && message.contains("given twice"), message);
    }

    @Property(tries = 40, seed = FuzzSeed.SEED)
    void bytesThatAreNotUtf8AreAlwaysRefusedWithTheirOffset(@ForAll("notUtf8") byte[] bytes)
            throws IOException {
        Path file = DIR.resolve("bytes.yaml");
        Files.write(file, bytes);
        String message =
                assertThrows(
                                IOException.class,
                                () -> UpgradeConfigFile.read(file, UpgradeConfig.defaults()))
                        .getMessage();
        assertTrue(
                message.startsWith(file + " is not UTF-8 text: ")
                        && message.contains("at byte offset"),
                message);
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Arbitraries.oneOf(
                Corruptions.ofConfig(JSON),
                Corruptions.of(YAML.getBytes(StandardCharsets.UTF_8)),
                Corruptions.lineRepeated(YAML).map(s -> s.getBytes(StandardCharsets.UTF_8)),
                Corruptions.notUtf8(YAML.getBytes(StandardCharsets.UTF_8)));
    }

    @Provide
    Arbitrary<String> twice() {
        return Arbitraries.oneOf(Corruptions.duplicateKey(JSON), Corruptions.lineRepeated(YAML));
    }

    @Provide
    Arbitrary<byte[]> notUtf8() {
        return Arbitraries.oneOf(
                Corruptions.notUtf8(JSON.getBytes(StandardCharsets.UTF_8)),
                Corruptions.notUtf8(YAML.getBytes(StandardCharsets.UTF_8)));
    }
}
