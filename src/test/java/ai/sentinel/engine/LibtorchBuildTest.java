package ai.sentinel.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Engines are chosen by name, and each assembled one is a whole libtorch folder. */
class LibtorchBuildTest {
    @Test
    void namesParseAndAWrongOneListsTheAcceptedOnes() {
        assertEquals(LibtorchBuild.OPENBLAS, LibtorchBuild.parse(" OpenBLAS ", "--engine"));
        assertEquals(LibtorchBuild.DJL, LibtorchBuild.parse("djl", "--engine"));
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () -> LibtorchBuild.parse("mkl", "--engine"));
        assertEquals(
                "--engine mkl is not an engine; accepted: djl, openblas, cuda", e.getMessage());
    }

    @Test
    void everyAssembledEngineHoldsWhatDjlLoadsAndWhatItLinks() {
        for (LibtorchBuild b : LibtorchBuild.values()) {
            b.recipe()
                    .ifPresent(
                            r -> {
                                var names =
                                        r.parts().stream()
                                                .flatMap(p -> p.entries().stream())
                                                .map(n -> n.substring(n.lastIndexOf('/') + 1))
                                                .toList();
                                for (String needed :
                                        new String[] {
                                            "libtorch.so",
                                            "libtorch_cpu.so",
                                            "libc10.so",
                                            "libgomp.so.1",
                                            "libopenblas.so.0",
                                            "libgfortran.so.5"
                                        }) {
                                    assertTrue(names.contains(needed), b + " lacks " + needed);
                                }
                                for (var part : r.parts()) {
                                    for (String entry : part.entries()) {
                                        assertTrue(
                                                entry.contains(
                                                                "/"
                                                                        + part.artifact()
                                                                                .classifier()
                                                                        + "/")
                                                        || part.artifact()
                                                                .artifactId()
                                                                .equals("cuda-redist"),
                                                entry + " is in " + part.artifact().fileName());
                                    }
                                }
                            });
        }
    }

    @Test
    void anAssembledEnginePointsDjlAtItsFolder() {
        EngineRecipe recipe = LibtorchBuild.OPENBLAS.recipe().orElseThrow();
        java.nio.file.Path folder = java.nio.file.Path.of("/cache/openblas");
        assertEquals(
                java.util.Map.of(
                        "PYTORCH_LIBRARY_PATH", folder.toString(),
                        "PYTORCH_VERSION", "2.7.1",
                        "PYTORCH_FLAVOR", "cpu"),
                EngineSelection.djlProperties(recipe, folder));
        assertEquals(
                "cu128",
                EngineSelection.djlProperties(LibtorchBuild.CUDA.recipe().orElseThrow(), folder)
                        .get("PYTORCH_FLAVOR"),
                "DJL's JNI jar carries its CUDA library under cu128");
    }

    @Test
    void aLibtorchNamedByTheEnvironmentIsRefusedForAnAssembledEngine() {
        EngineSelection.requireNoOverride(LibtorchBuild.DJL, "/opt/libtorch"); // djl runs on it
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                EngineSelection.requireNoOverride(
                                        LibtorchBuild.OPENBLAS, "/opt/libtorch"));
        assertEquals(
                "PYTORCH_LIBRARY_PATH=/opt/libtorch is set, and DJL would load that libtorch instead"
                        + " of --engine openblas; unset it, or use --engine djl to run on it",
                e.getMessage());
    }
}
