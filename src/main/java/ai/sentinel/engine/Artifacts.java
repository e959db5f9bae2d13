package ai.sentinel.engine;

import java.util.Arrays;
import java.util.List;

/**
 * The pinned jars: sizes and SHA-256 sums computed from the files Maven Central served on
 * 2026-12-08 (Central itself publishes only SHA-1 and MD5 for them).
 */
final class Artifacts {
    private Artifacts() {}

    static final MavenArtifact PYTORCH_CPU =
            new MavenArtifact(
                    "org.bytedeco",
                    "pytorch",
                    "2.7.1-1.5.12",
                    "linux-x86_64",
                    83_700_543L,
                    "a045488d662028d98690da04331bc1acaeba09f8b720b4f2927dd45f5f40c5b7");

    static final MavenArtifact OPENBLAS =
            new MavenArtifact(
                    "org.bytedeco",
                    "openblas",
                    "0.3.30-1.5.12",
                    "linux-x86_64",
                    19_709_636L,
                    "d7a602fc3d3254fb51b7f75595f4cce0c0ef0799d8874c6efd3d8b45e4c4083a");

    static final MavenArtifact PYTORCH_GPU =
            new MavenArtifact(
                    "org.bytedeco",
                    "pytorch",
                    "2.7.1-1.5.12",
                    "linux-x86_64-gpu",
                    615_519_857L,
                    "ae03b1a186d512e46c89b5de7f7b3ff6dc7fcaee5efb042491655d9f38437293");

    static final MavenArtifact CUDA_REDIST =
            new MavenArtifact(
                    "org.bytedeco",
                    "cuda-redist",
                    "12.9-9.10-1.5.12",
                    "linux-x86_64",
                    362_212_464L,
                    "1a6ec3603adc1a0e383d6a7286f5dec69ae929a16ec3548db29ea3a0d2358eca");

    /**
     * CUDA libraries {@code libtorch_cuda.so} links that no jar on Maven Central carries for this
     * release: JavaCPP's full CUDA redistributable outgrew Central's size limit (javacpp-presets
     * issue 1638), so cuBLAS, cuDNN, cuSPARSE and cuSOLVER must come from the host's CUDA 12 and
     * cuDNN 9 installation.
     */
    static final List<String> CUDA_FROM_HOST =
            List.of(
                    "libcublas.so.12",
                    "libcublasLt.so.12",
                    "libcudnn.so.9",
                    "libcusparse.so.12",
                    "libcusolver.so.11");

    /** OpenBLAS and the Fortran runtime it links, which both libtorch builds load. */
    static final EngineRecipe.Part OPENBLAS_LIBRARIES =
            new EngineRecipe.Part(
                    OPENBLAS,
                    entries(
                            "org/bytedeco/openblas/linux-x86_64/",
                            "libopenblas.so.0",
                            "libgfortran.so.5",
                            "libquadmath.so.0",
                            "libgcc_s.so.1"));

    static final EngineRecipe OPENBLAS_RECIPE =
            new EngineRecipe(
                    "openblas-libtorch-2.7.1-1.5.12",
                    "2.7.1",
                    "cpu",
                    List.of(
                            new EngineRecipe.Part(
                                    PYTORCH_CPU,
                                    entries(
                                            "org/bytedeco/pytorch/linux-x86_64/",
                                            "libtorch.so",
                                            "libtorch_cpu.so",
                                            "libc10.so",
                                            "libgomp.so.1")),
                            OPENBLAS_LIBRARIES));

    static final EngineRecipe CUDA_RECIPE =
            new EngineRecipe(
                    "cuda-libtorch-2.7.1-1.5.12",
                    "2.7.1",
                    "cu128",
                    List.of(
                            new EngineRecipe.Part(
                                    PYTORCH_GPU,
                                    entries(
                                            "org/bytedeco/pytorch/linux-x86_64-gpu/",
                                            "libtorch.so",
                                            "libtorch_cpu.so",
                                            "libtorch_cuda.so",
                                            "libtorch_cuda_linalg.so",
                                            "libc10.so",
                                            "libc10_cuda.so",
                                            "libgomp.so.1")),
                            OPENBLAS_LIBRARIES,
                            new EngineRecipe.Part(
                                    CUDA_REDIST,
                                    entries(
                                            "org/bytedeco/cuda/linux-x86_64/",
                                            "libcudart.so.12",
                                            "libcupti.so.12",
                                            "libcufft.so.11",
                                            "libcurand.so.10",
                                            "libcufile.so.0",
                                            "libnvrtc.so.12",
                                            "libnvrtc-builtins.so.12.9",
                                            "libnvJitLink.so.12"))));

    /** {@code names} under the jar folder {@code prefix}. */
    static List<String> entries(String prefix, String... names) {
        return Arrays.stream(names).map(n -> prefix + n).toList();
    }
}
