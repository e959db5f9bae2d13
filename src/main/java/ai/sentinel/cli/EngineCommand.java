package ai.sentinel.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.sentinel.bench.TrainBenchmark;
import ai.sentinel.engine.EngineReport;
import ai.sentinel.engine.EngineSelection;
import ai.sentinel.engine.LibtorchBuild;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "engine",
        mixinStandardHelpOptions = true,
        description =
                "The libtorch this command line runs on (chosen with --engine or SENTINEL_ENGINE):"
                        + " its build and folder, its BLAS and the kernels it picked, the CPU and its"
                        + " vector extensions, the thread settings, and the FP32 matrix-product rate"
                        + " measured now. The first use of an engine other than djl assembles it"
                        + " from Maven Central into ~/.sentinel/engines (or $SENTINEL_ENGINE_CACHE).",
        footer = {
            "",
            "Examples:",
            "  sentinel engine",
            "  sentinel engine --engine openblas",
            "  SENTINEL_ENGINE=openblas sentinel train -m nano --steps 200 -o runs/nano"
        })
final class EngineCommand implements Callable<Integer> {
    @Option(names = "--no-gemm", description = "Skip the matrix-product measurement (about 5 s).")
    boolean noGemm;

    @Override
    public Integer call() {
        LibtorchBuild build =
                EngineSelection.current()
                        .map(EngineSelection.Selected::build)
                        .orElse(LibtorchBuild.DJL);
        System.out.printf("engine       %s: %s%n", build.label(), build.description());
        EngineSelection.current()
                .flatMap(EngineSelection.Selected::folder)
                .ifPresent(f -> System.out.printf("folder       %s%n", f));
        EngineSelection.current()
                .map(EngineSelection.Selected::notes)
                .filter(notes -> !notes.isEmpty())
                .ifPresent(
                        notes -> System.out.printf("set          %s%n", String.join("; ", notes)));
        Engine engine = Engine.getInstance();
        System.out.printf(
                "libtorch     %s (DJL %s, engine %s)%n",
                engine.getVersion(), Engine.getDjlVersion(), engine.getEngineName());
        System.out.printf("BLAS         %s%n", EngineReport.blas(build));
        String cpu = EngineReport.cpu();
        System.out.printf("CPU          %s%n", cpu);
        System.out.printf(
                "threads      libtorch intra-op %d, inter-op %d; OMP_WAIT_POLICY=%s%n",
                JniUtils.getNumThreads(),
                JniUtils.getNumInteropThreads(),
                EngineReport.environment("OMP_WAIT_POLICY").orElse("(unset: libgomp spins)"));
        if (build == LibtorchBuild.DJL && cpu.startsWith("AMD") && cpu.contains("avx512f")) {
            // oneMKL runs without its AVX-512 kernels on AMD; OpenBLAS uses them
            System.out.println(
                    "note         on an AMD EPYC with AVX-512 the openblas engine trained 1.6-2.1x"
                            + " faster than djl (bench/RESULTS.md); try --engine openblas");
        }
        if (!noGemm) {
            try (NDManager manager = NDManager.newBaseManager(ai.djl.Device.cpu())) {
                double peak = TrainBenchmark.matmulPeak(manager, 2048, 10);
                System.out.printf(
                        Locale.ROOT,
                        "GEMM peak    %.0f GFLOP/s (FP32, 2048x2048 by 2048x2048, best of 10)%n",
                        peak / 1e9);
            }
        }
        return 0;
    }
}
