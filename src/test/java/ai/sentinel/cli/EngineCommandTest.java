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
        // oneMKL in DJL's build; OpenBLAS where bench/engine-tests.sh points DJL at that engine
        assertTrue(run.out().matches("(?s).*BLAS         (oneMKL|OpenBLAS).*"), run.out());
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

    @Test
    void withoutAGpuTheCudaEngineAndGpuDeviceSayWhatIsMissing(
            @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        org.junit.jupiter.api.Assumptions.assumeFalse(
                java.nio.file.Files.exists(java.nio.file.Path.of("/proc/driver/nvidia/version"))
                        || java.nio.file.Files.exists(
                                java.nio.file.Path.of("/usr/lib/x86_64-linux-gnu/libcuda.so.1"))
                        || System.getenv("LD_LIBRARY_PATH") != null,
                "this machine may have an NVIDIA driver");
        CliRun cuda = CliRun.of("engine", "--engine", "cuda", "--no-gemm");
        assertEquals(2, cuda.code(), cuda.err());
        assertTrue(cuda.err().startsWith("sentinel: no NVIDIA driver here"), cuda.err());
        assertEquals(1, cuda.err().strip().lines().count(), cuda.err());

        CliRun upgrade =
                CliRun.of(
                        "upgrade",
                        "-m",
                        "nano",
                        "--device",
                        "gpu",
                        "-o",
                        dir.resolve("out").toString());
        assertEquals(2, upgrade.code(), upgrade.err());
        assertTrue(upgrade.err().contains("--device gpu: libtorch sees no GPU"), upgrade.err());
        assertEquals(1, upgrade.err().strip().lines().count(), upgrade.err());
    }

    @Test
    void helpChoosesNoEngine() {
        // cuda cannot be chosen on these machines; help and the bare usage must not try
        CliRun help = CliRun.of("--engine", "cuda", "help", "info");
        assertEquals(0, help.code(), help.err());
        assertTrue(help.out().contains("Usage: sentinel info"), help.out());
        CliRun usage = CliRun.of("--engine", "cuda");
        assertTrue(usage.err().contains("Usage: sentinel"), usage.err());
        assertFalse(usage.err().contains("NVIDIA"), usage.err());
    }
}
