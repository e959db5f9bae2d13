package ai.sentinel.cli;

import ai.sentinel.engine.EngineCache;
import ai.sentinel.engine.EngineSelection;
import ai.sentinel.engine.LibtorchBuild;
import ai.sentinel.train.TrainingDivergedException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The root command: lists the verbs and turns failures into one clear line and an exit code. */
@Command(
        name = "sentinel",
        mixinStandardHelpOptions = true,
        version = "Sentinel 0.1.0",
        description =
                "Neural plasticity for transformer language models: gated attention heads that are measured,"
                        + " pruned and regrown.",
        subcommands = {
            DemoCommand.class,
            TrainCommand.class,
            CycleCommand.class,
            HeadsCommand.class,
            PruneCommand.class,
            GrowCommand.class,
            ExportCommand.class,
            EvalCommand.class,
            GenerateCommand.class,
            InfoCommand.class,
            BenchCommand.class,
            ReportCommand.class,
            ExperimentCommand.class,
            UpgradeCommand.class,
            EngineCommand.class,
            CommandLine.HelpCommand.class
        })
public final class SentinelCli implements Callable<Integer> {
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_DIVERGED = 3;

    @Option(
            names = "--verbose",
            scope = ScopeType.INHERIT,
            description = "Print stack traces and engine logs.")
    boolean verbose;

    /** The engine named on this command line; null: {@code SENTINEL_ENGINE}, else djl. */
    private static String engineName;

    @Option(
            names = "--engine",
            scope = ScopeType.INHERIT,
            paramLabel = "djl|openblas|cuda",
            description =
                    "The libtorch to run on (default: $SENTINEL_ENGINE, else djl): djl (DJL's build,"
                            + " oneMKL), openblas (assembled from Maven Central on first use;"
                            + " 1.6-2.1x the training speed of djl on an AMD EPYC with AVX-512,"
                            + " about equal on one without: bench/RESULTS.md) or cuda (for --device"
                            + " gpu; needs the host's CUDA 12 and cuDNN 9). 'sentinel engine' shows"
                            + " the one in use.")
    void engine(String name) {
        engineName = name;
    }

    @Spec CommandSpec spec;

    /** {@code sentinel} with no command: the usage, as a bad invocation. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return EXIT_BAD_INPUT;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /**
     * Runs the command line as {@code main} does, returning the exit code (for tests and
     * embedding).
     */
    public static int run(String... args) {
        SentinelCli root = new SentinelCli();
        CommandLine cli = new CommandLine(root);
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        WholeNumbers.register(cli);
        cli.setParameterExceptionHandler(
                (e, a) -> {
                    CommandLine command = e.getCommandLine();
                    command.getErr()
                            .println(
                                    "sentinel: "
                                            + e.getMessage()
                                            + " (see '"
                                            + command.getCommandSpec().qualifiedName()
                                            + " --help')");
                    return EXIT_BAD_INPUT;
                });
        cli.setExecutionExceptionHandler(
                (e, commandLine, parseResult) ->
                        report(e, root.verbose || hasVerbose(args), commandLine.getErr()));
        cli.setExecutionStrategy(
                parseResult -> {
                    if (!helpRequested(parseResult)) {
                        try {
                            selectEngine(cli.getErr());
                        } catch (Exception e) {
                            return report(e, hasVerbose(args), cli.getErr());
                        }
                    }
                    return new CommandLine.RunLast().execute(parseResult);
                });
        engineName = null;
        return cli.execute(args);
    }

    /** Help, the version, or no command at all: nothing that touches an array. */
    private static boolean helpRequested(CommandLine.ParseResult result) {
        CommandLine.ParseResult last = result;
        for (CommandLine.ParseResult r = result; r != null; r = r.subcommand()) {
            if (r.isUsageHelpRequested() || r.isVersionHelpRequested()) {
                return true;
            }
            last = r;
        }
        return last == result // no command given: the usage
                || last.commandSpec().userObject() instanceof CommandLine.HelpCommand;
    }

    /**
     * Chooses the libtorch before any command touches an array, and says what it chose (and what it
     * set in the environment for it) where that is not the default; {@code sentinel engine} shows
     * every choice's settings (a libtorch named by the user's own PYTORCH_LIBRARY_PATH included),
     * so that the default keeps a bad input's error to one line.
     */
    private static void selectEngine(PrintWriter err) throws IOException {
        LibtorchBuild build =
                engineName != null
                        ? LibtorchBuild.parse(engineName, "--engine")
                        : EngineSelection.fromEnvironment();
        EngineSelection.Selected chosen =
                EngineSelection.select(build, EngineCache.fromEnvironment());
        if (build != LibtorchBuild.DJL) {
            err.println(
                    "engine: "
                            + build.label()
                            + chosen.folder().map(f -> " (" + f + ")").orElse("")
                            + (chosen.notes().isEmpty()
                                    ? ""
                                    : "; " + String.join("; ", chosen.notes())));
            err.flush();
        }
    }

    private static boolean hasVerbose(String[] args) {
        for (String a : args) {
            if (a.equals("--verbose")) {
                return true;
            }
        }
        return false;
    }

    private static int report(Exception e, boolean verbose, PrintWriter err) {
        int code;
        if (e instanceof IllegalArgumentException
                || e instanceof IOException
                || e instanceof java.io.UncheckedIOException
                || e instanceof CommandLine.ParameterException) {
            code = EXIT_BAD_INPUT;
        } else if (e instanceof TrainingDivergedException) {
            code = EXIT_DIVERGED;
        } else {
            code = 1;
        }
        err.println(
                "sentinel: "
                        + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName())
                        + (verbose || code != 1 ? "" : " (run with --verbose for details)"));
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }
}
