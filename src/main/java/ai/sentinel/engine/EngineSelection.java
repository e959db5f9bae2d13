package ai.sentinel.engine;

import ai.sentinel.io.CLibrary;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses the libtorch this process runs on. It must happen before DJL's engine is first used (the
 * first array, model or {@code Engine.getInstance()}): DJL reads the choice once, from the system
 * properties {@code PYTORCH_LIBRARY_PATH}, {@code PYTORCH_VERSION} and {@code PYTORCH_FLAVOR},
 * which this sets. It also writes the environment the native libraries read when they load: passive
 * OpenMP waiting unless the user chose otherwise (spinning idle threads starve busy ones:
 * bench/RESULTS.md), and no inherited {@code OPENBLAS_CORETYPE} under OpenBLAS (a {@code Haswell}
 * left by another tool halved its matrix-product rate on an AVX-512 host).
 */
public final class EngineSelection {
    /** The environment variable that names the engine when {@code --engine} is not given. */
    public static final String ENVIRONMENT = "SENTINEL_ENGINE";

    /**
     * What was chosen: the build, its folder (empty for DJL's own), and what was changed in the
     * environment for it, to be said to the user.
     */
    public record Selected(LibtorchBuild build, Optional<Path> folder, List<String> notes) {}

    private static Selected selected;

    private EngineSelection() {}

    /** The build {@code SENTINEL_ENGINE} names, else DJL's own. */
    public static LibtorchBuild fromEnvironment() {
        String name = System.getenv(ENVIRONMENT);
        return name == null || name.isBlank()
                ? LibtorchBuild.DJL
                : LibtorchBuild.parse(name, ENVIRONMENT + "=");
    }

    /** The engine chosen in this process, if one was. */
    public static synchronized Optional<Selected> current() {
        return Optional.ofNullable(selected);
    }

    /**
     * Chooses {@code build}, assembling its folder in {@code cache} first if needed. Choosing the
     * same build again returns the first choice; another one throws, since libtorch cannot be
     * swapped in a running process.
     */
    public static synchronized Selected select(LibtorchBuild build, EngineCache cache)
            throws IOException {
        requireRunnableHere(build);
        if (selected != null) {
            if (selected.build() == build) {
                return selected;
            }
            throw new IllegalStateException(
                    "the engine is "
                            + selected.build().label()
                            + " already; a process runs on one libtorch");
        }
        List<String> notes = new ArrayList<>();
        if (CLibrary.getenv("OMP_WAIT_POLICY").isEmpty()
                && CLibrary.setenv("OMP_WAIT_POLICY", "PASSIVE")) {
            notes.add("OMP_WAIT_POLICY=PASSIVE (idle OpenMP threads wait without spinning)");
        }
        String own = System.getenv("PYTORCH_LIBRARY_PATH");
        Optional<EngineRecipe> recipe = build.recipe();
        if (own != null && !own.isBlank()) {
            requireNoOverride(build, own);
            notes.add("PYTORCH_LIBRARY_PATH=" + own + ": DJL loads the libtorch there");
        }
        if (recipe.isEmpty()) {
            selected = new Selected(build, Optional.empty(), List.copyOf(notes));
            return selected;
        }
        Optional<String> coretype = CLibrary.getenv("OPENBLAS_CORETYPE");
        if (coretype.isPresent() && CLibrary.unsetenv("OPENBLAS_CORETYPE")) {
            notes.add(
                    "OPENBLAS_CORETYPE="
                            + coretype.get()
                            + " unset (OpenBLAS picks the kernels of this CPU itself)");
        }
        Path folder = cache.assemble(recipe.get()).toAbsolutePath();
        djlProperties(recipe.get(), folder).forEach(System::setProperty);
        selected = new Selected(build, Optional.of(folder), List.copyOf(notes));
        return selected;
    }

    /**
     * What an assembled build needs from this machine (Linux x86-64; for CUDA a driver and the
     * host's CUDA libraries), checked before anything is fetched: the one-line reason otherwise.
     */
    private static void requireRunnableHere(LibtorchBuild build) {
        if (build.recipe().isEmpty()) {
            return;
        }
        if (!System.getProperty("os.name", "").startsWith("Linux")
                || !System.getProperty("os.arch", "").equals("amd64")) {
            throw new IllegalArgumentException(
                    "--engine "
                            + build.label()
                            + " is built for Linux x86-64; this is "
                            + System.getProperty("os.name")
                            + " "
                            + System.getProperty("os.arch")
                            + "; use --engine djl");
        }
        if (build == LibtorchBuild.CUDA) {
            Optional<String> missing = HostCuda.missing();
            if (missing.isPresent()) {
                throw new IllegalArgumentException(missing.get());
            }
        }
    }

    /** The system properties that point DJL at an assembled folder. */
    static Map<String, String> djlProperties(EngineRecipe recipe, Path folder) {
        return Map.of(
                "PYTORCH_LIBRARY_PATH", folder.toString(),
                "PYTORCH_VERSION", recipe.libtorchVersion(),
                "PYTORCH_FLAVOR", recipe.flavor());
    }

    /**
     * Refuses an assembled engine while the environment names a libtorch of its own: DJL reads the
     * environment before the system properties, so it would load that one and the run would say
     * otherwise.
     */
    static void requireNoOverride(LibtorchBuild build, String environmentPath) {
        if (build.recipe().isPresent()) {
            throw new IllegalArgumentException(
                    "PYTORCH_LIBRARY_PATH="
                            + environmentPath
                            + " is set, and DJL would load that libtorch instead of --engine "
                            + build.label()
                            + "; unset it, or use --engine djl to run on it");
        }
    }
}
