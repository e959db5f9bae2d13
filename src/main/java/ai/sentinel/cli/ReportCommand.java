package ai.sentinel.cli;

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
        description = "Rebuild charts/*.png and report.html of a plasticity run from its files.",
        footer = {"", "Example:", "  sentinel report runs/cycle"})
final class ReportCommand implements Callable<Integer> {
    @Parameters(
            index = "0",
            paramLabel = "RUN",
            description = "A run folder written by 'sentinel cycle'.")
    Path run;

    @Override
    public Integer call() throws IOException {
        if (!Files.isRegularFile(run.resolve("summary.json"))) {
            throw new IOException(run + " is not a finished plasticity run (no summary.json)");
        }
        System.out.println("report: " + RunReport.write(run).toAbsolutePath());
        return 0;
    }
}
