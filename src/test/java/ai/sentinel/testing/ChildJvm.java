package ai.sentinel.testing;

import ai.sentinel.cli.SentinelCli;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line in a child JVM with this test run's class path: for what an in-process run
 * cannot show (a kill, an environment variable such as {@code HF_HUB_CACHE}).
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** A process builder for {@code sentinel ARGS}, output and errors merged. */
    public static ProcessBuilder sentinel(List<String> args) {
        return java(SentinelCli.class, args);
    }

    /**
     * A process builder for the {@code main} of {@code mainClass} with ARGS, output and errors
     * merged.
     */
    public static ProcessBuilder java(Class<?> mainClass, List<String> args) {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Dai.djl.offline=true",
                                "-cp",
                                System.getProperty("java.class.path"),
                                mainClass.getName()));
        command.addAll(args);
        return new ProcessBuilder(command).redirectErrorStream(true);
    }
}
