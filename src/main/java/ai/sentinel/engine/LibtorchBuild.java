package ai.sentinel.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The libtorch builds Sentinel runs on, chosen by name ({@code --engine}, {@code SENTINEL_ENGINE}).
 * All are libtorch 2.7.1, the version DJL 0.34's JNI library is built against; they differ in the
 * BLAS under the CPU kernels and in the device.
 */
public enum LibtorchBuild {
    /** DJL's own build, found on the class path: oneMKL linked in statically. */
    DJL("djl", "DJL's libtorch 2.7.1 (oneMKL, statically linked)", Optional.empty()),

    /**
     * The JavaCPP presets' CPU build, which links OpenBLAS dynamically: on an AMD EPYC with AVX-512
     * twice the FP32 matrix-product rate of oneMKL, which runs there without its AVX-512 kernels;
     * equal on one with AVX2 only (bench/RESULTS.md).
     */
    OPENBLAS(
            "openblas",
            "JavaCPP presets' libtorch 2.7.1 with OpenBLAS 0.3.30",
            Optional.of(Artifacts.OPENBLAS_RECIPE)),

    /**
     * The JavaCPP presets' CUDA 12 build with the CUDA runtime libraries it links, for {@code
     * --device gpu}; DJL's JNI jar carries the matching {@code cu128} JNI library.
     */
    CUDA(
            "cuda",
            "JavaCPP presets' libtorch 2.7.1 for CUDA 12.9",
            Optional.of(Artifacts.CUDA_RECIPE));

    private final String label;
    private final String description;
    private final Optional<EngineRecipe> recipe;

    LibtorchBuild(String label, String description, Optional<EngineRecipe> recipe) {
        this.label = label;
        this.description = description;
        this.recipe = recipe;
    }

    /** The name users type. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** How to assemble it; empty for DJL's own build, which needs no assembly. */
    public Optional<EngineRecipe> recipe() {
        return recipe;
    }

    /** The build named {@code name}; the one-line error lists the accepted names. */
    public static LibtorchBuild parse(String name, String where) {
        for (LibtorchBuild b : values()) {
            if (b.label.equals(name.strip().toLowerCase(Locale.ROOT))) {
                return b;
            }
        }
        throw new IllegalArgumentException(
                where + " " + name + " is not an engine; accepted: " + names());
    }

    /** The accepted names, comma-separated. */
    public static String names() {
        return Arrays.stream(values()).map(LibtorchBuild::label).collect(Collectors.joining(", "));
    }
}
