package ai.sentinel.cli;

import ai.sentinel.io.RunFolderLock;
import ai.sentinel.report.RunReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Rebuild charts/*.png and report.html of a run from its files: a plasticity run"
                        + " ('sentinel cycle') or a training run ('sentinel train', with its controller"
                        + " or progressive-growth charts where it had them).",
        footer = {"", "Examples:", "  sentinel report runs/cycle", "  sentinel report runs/train"})
final class ReportCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "RUN",
            description = "A run folder written by 'sentinel cycle' or 'sentinel train'.")
    Path run;

    @Override
    public Integer call() throws IOException {
        // a cycle run writes summary.json when it finishes; a train run's report needs only its log
        if (Files.isRegularFile(run.resolve("config.json"))
                && !Files.isRegularFile(run.resolve("summary.json"))) {
            throw new IOException(run + " is not a finished plasticity run (no summary.json)");
        }
        // the charts are rebuilt in the run folder: not while a run is still writing it
        try (RunFolderLock lock =
                Files.isDirectory(run)
                        ? RunFolderLock.acquire(run, "RUN", "sentinel report")
                        : null) {
            System.out.println("report: " + RunReport.write(run).toAbsolutePath());
        }
        return 0;
    }
}
