package ai.sentinel.engine;

import ai.sentinel.io.CLibrary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** What a user needs to know about the engine in use, read from the libraries and the CPU. */
public final class EngineReport {
    private EngineReport() {}

    /** The vector extensions that decide which matrix kernels a BLAS can run. */
    private static final List<String> VECTOR_FLAGS =
            List.of(
                    "avx2",
                    "fma",
                    "avx512f",
                    "avx512bw",
                    "avx512_vnni",
                    "avx512_bf16",
                    "amx_tile",
                    "amx_bf16");

    /**
     * The BLAS under the CPU kernels: OpenBLAS's own account of its build and the kernels it chose
     * for this CPU, or what DJL's build links.
     */
    public static String blas(LibtorchBuild build) {
        Optional<Path> openblas = loadedLibrary("libopenblas");
        if (openblas.isPresent()) {
            try { // the library libtorch loaded: the same handle
                OpenBlas lib = com.sun.jna.Native.load(openblas.get().toString(), OpenBlas.class);
                return lib.openblas_get_config().strip()
                        + "; kernels for "
                        + lib.openblas_get_corename().strip()
                        + "; "
                        + lib.openblas_get_num_threads()
                        + " threads";
            } catch (UnsatisfiedLinkError e) {
                return "OpenBLAS at " + openblas.get() + " (its build could not be read)";
            }
        }
        if (build == LibtorchBuild.DJL && System.getenv("PYTORCH_LIBRARY_PATH") == null) {
            return "oneMKL, linked statically into DJL's libtorch_cpu";
        }
        return "not OpenBLAS; the libtorch loaded from "
                + loadedLibrary("libtorch_cpu").map(Path::toString).orElse("an unknown place")
                + " says no more";
    }

    /** Where this process loaded a library whose file name starts with {@code name} (Linux). */
    private static Optional<Path> loadedLibrary(String name) {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return Optional.empty();
        }
        try {
            for (String line : Files.readAllLines(maps)) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                Path file = Path.of(line.substring(slash).strip());
                if (file.getFileName().toString().startsWith(name)) {
                    return Optional.of(file);
                }
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private interface OpenBlas extends com.sun.jna.Library {
        String openblas_get_config();

        String openblas_get_corename();

        int openblas_get_num_threads();
    }

    /** The CPU's model, logical CPUs and vector extensions ({@code /proc/cpuinfo} on Linux). */
    public static String cpu() {
        int cpus = Runtime.getRuntime().availableProcessors();
        Path info = Path.of("/proc/cpuinfo");
        if (!Files.isReadable(info)) {
            return System.getProperty("os.arch") + ", " + cpus + " logical CPUs";
        }
        String model = "unknown model";
        Set<String> flags = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(info)) {
                if (line.startsWith("model name") && model.equals("unknown model")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    for (String f : line.substring(line.indexOf(':') + 1).strip().split("\\s+")) {
                        if (VECTOR_FLAGS.contains(f)) {
                            flags.add(f);
                        }
                    }
                }
            }
        } catch (IOException e) {
            return model + ", " + cpus + " logical CPUs";
        }
        return model
                + ", "
                + cpus
                + " logical CPUs; "
                + (flags.isEmpty() ? "no AVX2 or AVX-512" : String.join(" ", flags));
    }

    /** A variable as the native libraries see it. */
    public static Optional<String> environment(String name) {
        return CLibrary.getenv(name);
    }
}
