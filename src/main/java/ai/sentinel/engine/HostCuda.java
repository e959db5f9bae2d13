package ai.sentinel.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the CUDA engine needs from the host: an NVIDIA driver, and the CUDA libraries no Maven
 * Central jar carries ({@link Artifacts#CUDA_FROM_HOST}), where the dynamic loader finds them.
 */
final class HostCuda {
    private HostCuda() {}

    /** The one-line reason the CUDA engine cannot run here, or empty when it can. */
    static java.util.Optional<String> missing() {
        Set<Path> dirs = loaderDirectories();
        if (!Files.exists(Path.of("/proc/driver/nvidia/version"))
                && find("libcuda.so.1", dirs).isEmpty()) {
            return java.util.Optional.of(
                    "no NVIDIA driver here (no /proc/driver/nvidia, no libcuda.so.1 where the"
                            + " loader looks): --engine cuda and --device gpu need a GPU and its"
                            + " driver; use --engine djl or openblas and --device cpu");
        }
        List<String> absent = new ArrayList<>();
        for (String lib : Artifacts.CUDA_FROM_HOST) {
            if (find(lib, dirs).isEmpty()) {
                absent.add(lib);
            }
        }
        if (!absent.isEmpty()) {
            return java.util.Optional.of(
                    "the cuda engine needs "
                            + String.join(", ", absent)
                            + " from the host's CUDA 12 and cuDNN 9 (Maven Central carries no jar"
                            + " with them for libtorch 2.7.1: javacpp-presets issue 1638); install"
                            + " them and put their folder in LD_LIBRARY_PATH or /usr/local/cuda/lib64");
        }
        return java.util.Optional.empty();
    }

    private static java.util.Optional<Path> find(String lib, Set<Path> dirs) {
        return dirs.stream().map(d -> d.resolve(lib)).filter(Files::exists).findFirst();
    }

    /**
     * LD_LIBRARY_PATH, libtorch_cuda's run path ({@code $ORIGIN:/usr/local/cuda/lib64:
     * /usr/local/cuda/lib}, as readelf shows it; it serves the libraries libtorch_cuda and
     * libtorch_cuda_linalg name directly, which all of these are), and ldconfig's cache.
     */
    private static Set<Path> loaderDirectories() {
        Set<Path> dirs = new LinkedHashSet<>();
        String ld = System.getenv("LD_LIBRARY_PATH");
        if (ld != null) {
            for (String d : ld.split(":")) {
                if (!d.isBlank()) {
                    dirs.add(Path.of(d));
                }
            }
        }
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/lib"));
        for (String ldconfig : List.of("/sbin/ldconfig", "/usr/sbin/ldconfig")) {
            if (!Files.isExecutable(Path.of(ldconfig))) {
                continue;
            }
            try {
                Process p = new ProcessBuilder(ldconfig, "-p").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                for (String line : out.split("\n")) {
                    int arrow = line.indexOf("=> ");
                    if (arrow >= 0) {
                        Path parent = Path.of(line.substring(arrow + 3).strip()).getParent();
                        if (parent != null) {
                            dirs.add(parent);
                        }
                    }
                }
            } catch (IOException e) {
                // no cache to read: the other folders are searched
            }
            break;
        }
        return dirs;
    }
}
