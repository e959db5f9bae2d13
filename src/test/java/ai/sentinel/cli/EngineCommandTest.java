package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.sentinel.testing.CliRun;
import org.junit.jupiter.api.Test;

/** The engine in use is shown, and a wrong engine name gets one line and exit code 2. */
class EngineCommandTest {
    @Test
    void showsTheEngineInUse() {
        CliRun run = CliRun.of("engine", "--no-gemm");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("engine       djl: DJL's libtorch 2.7.1"), run.out());
        assertTrue(run.out().contains("BLAS         oneMKL"), run.out());
        assertTrue(run.out().matches("(?s).*threads      libtorch intra-op \\d+.*"), run.out());
        assertFalse(run.out().contains("GEMM peak"), "--no-gemm measures nothing");
    }

    @Test
    void aWrongEngineNameIsOneLineWithTheAcceptedOnes() {
        for (String[] args :
                new String[][] {
                    {"engine", "--engine", "mkl"}, {"--engine", "mkl", "info", "-m", "nano"}
                }) {
            CliRun run = CliRun.of(args);
            assertEquals(2, run.code(), run.err());
            assertEquals(
                    "sentinel: --engine mkl is not an engine; accepted: djl, openblas, cuda",
                    run.err().strip());
            assertEquals("", run.out());
        }
    }
}
