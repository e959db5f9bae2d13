package ai.sentinel.upgrade;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpgradeConfigFileTest {
    @Test
    void yamlShapedLikeTheOriginalsConfigurationIsRead(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("upgrade.yaml");
        Files.writeString(
                file,
                """
                dataset: wikitext-2-raw-v1
                cycles: 5
                pruning_level: 0.2
                learning_rate: 5e-5
                controller_config:
                  controller_type: ann
                  controllerLr: 0.02
                  update-frequency: 25
                plasticity_config:
                  max_perplexity_increase: 0.1
                  max_degeneration_increase: 0.5
                  training_steps: 40
                run_inference: false
                """);
        UpgradeConfig c = UpgradeConfigFile.read(file, UpgradeConfig.defaults());
        assertEquals("wikitext-2-raw-v1", c.dataset());
        assertEquals(5, c.cycles());
        assertEquals(0.2, c.pruningLevel());
        assertEquals(0.5, c.growthRatio(), "left out: the default");
        assertEquals(
                5e-5, c.learningRate(), 0, "YAML reads 5e-5 as a string; accepted as a number");
        assertEquals(UpgradeConfig.ControllerType.LEARNED, c.controller().type());
        assertEquals(0.02, c.controller().lr(), "camelCase accepted");
        assertEquals(25, c.controller().updateFrequency(), "kebab-case accepted");
        assertEquals(0.1, c.plasticity().maxPerplexityIncrease());
        assertEquals(40, c.plasticity().trainingSteps());
        assertEquals(0.5, c.plasticity().maxDegenerationIncrease());
        assertFalse(c.plasticity().hasDegenerationCeiling(), "no absolute ceiling unless asked");
        assertEquals(false, c.runInference());
    }

    @Test
    void jsonIsReadTooAndBadKeysOrValuesNameTheFileAndKey(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("upgrade.json");
        Files.writeString(
                json, "{\"cycles\": 2, \"controller_config\": {\"controller_type\": \"static\"}}");
        UpgradeConfig c = UpgradeConfigFile.read(json, UpgradeConfig.defaults());
        assertEquals(2, c.cycles());
        assertEquals(UpgradeConfig.ControllerType.STATIC, c.controller().type());

        assertRefused(dir, "{\"cycels\": 2}", "unknown key \"cycels\"");
        assertRefused(
                dir,
                "plasticity_config:\n  memory: 3\n",
                "unknown key \"plasticity_config.memory\"");
        assertRefused(dir, "pruning_level: 1.5\n", "pruning_level must be in (0, 1), got 1.5");
        assertRefused(dir, "cycles: two\n", "cycles must be an integer");
        assertRefused(
                dir,
                "controller_config:\n  controller_type: magic\n",
                "controller_type must be ann, learned, threshold or static");
        assertRefused(
                dir,
                "plasticity_config:\n  max_perplexity_increase: -0.1\n",
                "plasticity_config.max_perplexity_increase must be a number >= 0");
        assertRefused(
                dir,
                "plasticity_config:\n  max_degeneration_score: 12\n",
                "plasticity_config.max_degeneration_score must be a number in (0, 10]");
        assertRefused(dir, "cycles: [1\n", "not valid JSON or YAML");
    }

    @Test
    void anIntegerTooLargeSaysTheRange(@TempDir Path dir) throws Exception {
        assertRefused(
                dir,
                "cycles: 99999999999\n",
                "cycles must be an integer in 1..1000, got 99999999999");
        assertRefused(
                dir,
                "{\"plasticity_config\": {\"training_steps\": 99999999999999999999999}}",
                "plasticity_config.training_steps must be an integer >= 1 (at most 2147483647), got"
                        + " 99999999999999999999999");
        assertRefused(
                dir,
                "controller_config:\n  warmup_steps: 1.5\n",
                "controller_config.warmup_steps must be an integer >= 0 (at most 2147483647), got"
                        + " \"1.5\"");
    }

    @Test
    void aKeyGivenTwiceIsRefusedNamingIt(@TempDir Path dir) throws Exception {
        assertRefused(
                dir,
                "cycles: 2\npruning_level: 0.2\ncycles: 5\n",
                "line 3, column 1: the key \"cycles\" is given twice in one mapping");
        assertRefused(
                dir,
                "{\"controller_config\": {\"warmup_steps\": 1, \"warmup_steps\": 2}}",
                "the key \"warmup_steps\" is given twice");
        assertRefused(
                dir,
                "pruning_level: 0.2\npruning-level: 0.4\n",
                "pruning_level is given twice (as \"pruning_level\" and as \"pruning-level\")");
        assertRefused(
                dir,
                "plasticity_config:\n  trainingSteps: 4\n  training_steps: 5\n",
                "plasticity_config.training_steps is given twice");
    }

    @Test
    void aFileThatIsNotUtf8NamesTheByteOffset(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("latin1.yaml");
        Files.write(file, "dataset: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
        IOException e =
                assertThrows(
                        IOException.class,
                        () -> UpgradeConfigFile.read(file, UpgradeConfig.defaults()));
        assertEquals(
                file
                        + " is not UTF-8 text: an invalid UTF-8 byte sequence (0xe9) at byte offset"
                        + " 12; a JSON or YAML config must be UTF-8",
                e.getMessage());
    }

    @Test
    void aFileFarLargerThanAnyConfigIsRefusedBeforeParsing(@TempDir Path dir) throws Exception {
        assertRefused(
                dir,
                "[".repeat((1 << 20) + 1),
                "1048577 bytes is too large for an upgrade config (at most 1048576");
    }

    private static void assertRefused(Path dir, String text, String fragment) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, text);
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> UpgradeConfigFile.read(file, UpgradeConfig.defaults()));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
