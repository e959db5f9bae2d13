package ai.sentinel.upgrade;

import ai.sentinel.eval.DegenerationReport;
import ai.sentinel.report.LinePlot;
import ai.sentinel.report.Plural;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code upgrade_summary.md} and a self-contained {@code report.html}: the before/after table,
 * perplexity and active heads per cycle (rolled-back cycles marked), the controller's proposals and
 * their outcomes, and the fixed prompts' continuations before and after.
 */
public final class UpgradeReport {
    private UpgradeReport() {}

    /** A row of the before/after table. */
    private record Row(String name, String before, String after) {}

    /** One line of the metrics log: a phase's wall time and the process's memory at its end. */
    private record Phase(
            int cycle,
            String name,
            double seconds,
            long rssBytes,
            long peakRssBytes,
            long heapUsedBytes,
            long heapCommittedBytes) {
        String[] cells() {
            return new String[] {
                Integer.toString(cycle),
                name,
                String.format(Locale.ROOT, "%.1f", seconds),
                gigabytes(rssBytes),
                gigabytes(peakRssBytes),
                gigabytes(heapUsedBytes) + " / " + gigabytes(heapCommittedBytes)
            };
        }

        private static String gigabytes(long bytes) {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
    }

    private static final String[] PHASE_HEADER = {
        "cycle",
        "phase",
        "seconds",
        "resident at its end",
        "peak so far",
        "Java heap used / committed"
    };

    /** The phases the metrics log holds with memory figures (none off Linux). */
    private static List<Phase> phases(Path out) throws IOException {
        Path metrics = out.resolve(Upgrade.METRICS);
        if (!Files.exists(metrics)) {
            return List.of();
        }
        List<Phase> phases = new java.util.ArrayList<>();
        for (String line : Files.readAllLines(metrics)) {
            if (line.isBlank()) {
                continue;
            }
            com.google.gson.JsonObject o =
                    com.google.gson.JsonParser.parseString(line).getAsJsonObject();
            if (o.has("rss_bytes")) {
                phases.add(
                        new Phase(
                                o.get("cycle").getAsInt(),
                                o.get("phase").getAsString(),
                                o.get("seconds").getAsDouble(),
                                o.get("rss_bytes").getAsLong(),
                                o.get("peak_rss_bytes").getAsLong(),
                                o.get("heap_used_bytes").getAsLong(),
                                o.get("heap_committed_bytes").getAsLong()));
            }
        }
        return phases;
    }

    private static final String PHASES_NOTE =
            "Each phase's wall time and the process's memory when it ended: the resident set, its"
                    + " peak since the start, and the Java heap (libtorch's arrays are native memory"
                    + " and show only in the resident set).";

    public static void write(
            Path out,
            String modelName,
            UpgradeConfig config,
            Upgrade.Result result,
            List<String> prompts,
            List<String> notes)
            throws IOException {
        List<Row> table = table(result);
        List<String> charts = config.plot() ? charts(out, result) : List.of();
        List<Phase> phases = phases(out);
        Files.writeString(
                out.resolve("upgrade_summary.md"),
                markdown(modelName, config, result, table, prompts, notes)
                        + phasesMarkdown(phases));
        String html = html(modelName, config, result, table, prompts, notes, charts, out);
        Files.writeString(
                out.resolve("report.html"),
                html.replace("</body></html>\n", phasesHtml(phases) + "</body></html>\n"));
    }

    private static List<Row> table(Upgrade.Result r) {
        Upgrade.Measured b = r.before();
        Upgrade.Measured a = r.after();
        return List.of(
                new Row("validation perplexity", f4(b.perplexity()), f4(a.perplexity())),
                new Row("active heads", "" + b.activeHeads(), "" + a.activeHeads()),
                new Row(
                        "parameters (masked heads still stored)",
                        String.format(Locale.ROOT, "%,d", b.parameters()),
                        String.format(Locale.ROOT, "%,d", a.parameters())),
                new Row(
                        "perplexity per active head",
                        f4(b.perplexity() / b.activeHeads()),
                        f4(a.perplexity() / a.activeHeads())),
                new Row("degeneration score", f2(b.degeneration()), f2(a.degeneration())));
    }

    /** How many cycles were asked, run, kept and rolled back. */
    private static String counts(UpgradeConfig config, Upgrade.Result r) {
        long accepted = r.outcomes().stream().filter(CycleOutcome::accepted).count();
        return String.format(
                Locale.ROOT,
                "%s asked, %d run, %d accepted, %d rolled back.",
                Plural.of(config.cycles(), "cycle"),
                r.outcomes().size(),
                accepted,
                r.outcomes().size() - accepted);
    }

    private static String limits(UpgradeConfig config, Upgrade.Result r) {
        return new RollbackLimits(config.plasticity(), r.before().degeneration()).describe();
    }

    private static String markdown(
            String modelName,
            UpgradeConfig config,
            Upgrade.Result r,
            List<Row> table,
            List<String> prompts,
            List<String> notes) {
        StringBuilder md = new StringBuilder();
        md.append("# Upgrade of ").append(modelName).append("\n\n");
        md.append(counts(config, r)).append(' ').append(limits(config, r)).append("\n\n");
        md.append("| | before | after |\n|---|---|---|\n");
        table.forEach(
                row ->
                        md.append("| ")
                                .append(row.name())
                                .append(" | ")
                                .append(row.before())
                                .append(" | ")
                                .append(row.after())
                                .append(" |\n"));
        md.append("\nDegeneration score = ")
                .append(DegenerationReport.FORMULA)
                .append(" (docs/DEGENERATION.md).\n\n## Cycles\n\n");
        md.append(
                "| cycle | proposal | perplexity start → pruned → end | degeneration pruned / end |"
                        + " active heads | decision |\n|---|---|---|---|---|---|\n");
        for (CycleOutcome o : r.outcomes()) {
            md.append(
                    String.format(
                            Locale.ROOT,
                            "| %d | %s | %.4f → %.4f → %.4f | %.2f / %.2f | %d → %d | %s |%n",
                            o.cycle(),
                            o.proposal().describe(),
                            o.perplexityBefore(),
                            o.perplexityPruned(),
                            o.perplexityAfter(),
                            o.degenerationPruned(),
                            o.degenerationAfter(),
                            o.activeBefore(),
                            o.activeAfter(),
                            o.accepted() ? "accepted" : "rolled back: " + o.reason()));
        }
        md.append(
                "\nProposals come from an upper-confidence bandit over pruning strategy × amount ×"
                        + " growth strategy (reward: heads saved − half the perplexity change relative"
                        + " to the limit; −1 when rolled back; a rolled-back proposal is not proposed"
                        + " again).\n");
        if (!r.before().continuations().isEmpty()) {
            md.append("\n## Continuations of the fixed prompts\n\n");
            for (int i = 0; i < prompts.size(); i++) {
                md.append("**").append(prompts.get(i).strip()).append("**\n\n");
                md.append("- before: ")
                        .append(oneLine(at(r.before().continuations(), i)))
                        .append("\n");
                md.append("- after: ")
                        .append(oneLine(at(r.after().continuations(), i)))
                        .append("\n\n");
            }
        }
        if (!notes.isEmpty()) {
            md.append("\n## Notes\n\n");
            notes.forEach(n -> md.append("- ").append(n).append("\n"));
        }
        return md.toString();
    }

    private static String phasesMarkdown(List<Phase> phases) {
        if (phases.isEmpty()) {
            return "";
        }
        StringBuilder md = new StringBuilder("\n## Time and memory by phase\n\n");
        md.append(PHASES_NOTE).append("\n\n| ").append(String.join(" | ", PHASE_HEADER));
        md.append(" |\n|").append("---|".repeat(PHASE_HEADER.length)).append("\n");
        phases.forEach(p -> md.append("| ").append(String.join(" | ", p.cells())).append(" |\n"));
        return md.toString();
    }

    private static String phasesHtml(List<Phase> phases) {
        if (phases.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h2>Time and memory by phase</h2><p>");
        h.append(esc(PHASES_NOTE)).append("</p><table><tr>");
        for (String c : PHASE_HEADER) {
            h.append("<th>").append(esc(c)).append("</th>");
        }
        h.append("</tr>");
        for (Phase p : phases) {
            h.append("<tr>");
            for (String c : p.cells()) {
                h.append("<td>").append(esc(c)).append("</td>");
            }
            h.append("</tr>");
        }
        return h.append("</table>").toString();
    }

    private static String html(
            String modelName,
            UpgradeConfig config,
            Upgrade.Result r,
            List<Row> table,
            List<String> prompts,
            List<String> notes,
            List<String> charts,
            Path out)
            throws IOException {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Upgrade of ")
                .append(esc(modelName))
                .append(
                        "</title><style>body{font-family:sans-serif;max-width:1000px;margin:2em auto}"
                                + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}"
                                + ".rejected{background:#fde}</style></head><body>");
        h.append("<h1>Upgrade of ").append(esc(modelName)).append("</h1>");
        h.append("<p>")
                .append(esc(counts(config, r)))
                .append(' ')
                .append(esc(limits(config, r)))
                .append("</p>");
        h.append("<table><tr><th></th><th>before</th><th>after</th></tr>");
        table.forEach(
                row ->
                        h.append("<tr><td>")
                                .append(esc(row.name()))
                                .append("</td><td>")
                                .append(esc(row.before()))
                                .append("</td><td>")
                                .append(esc(row.after()))
                                .append("</td></tr>"));
        h.append("</table><p>Degeneration score = ")
                .append(esc(DegenerationReport.FORMULA))
                .append("</p>");
        for (String chart : charts) {
            byte[] png = Files.readAllBytes(out.resolve(chart));
            h.append("<p><img alt=\"")
                    .append(esc(chart))
                    .append("\" src=\"data:image/png;base64,")
                    .append(Base64.getEncoder().encodeToString(png))
                    .append("\"></p>");
        }
        h.append(
                "<h2>Cycles</h2><table><tr><th>cycle</th><th>proposal</th><th>perplexity start"
                        + " → pruned → end</th><th>degeneration</th><th>active heads</th><th>decision</th></tr>");
        for (CycleOutcome o : r.outcomes()) {
            h.append(o.accepted() ? "<tr>" : "<tr class=\"rejected\">")
                    .append(
                            String.format(
                                    Locale.ROOT,
                                    "<td>%d</td><td>%s</td><td>%.4f → %.4f → %.4f</td><td>%.2f / %.2f</td>"
                                            + "<td>%d → %d</td><td>%s</td></tr>",
                                    o.cycle(),
                                    esc(o.proposal().describe()),
                                    o.perplexityBefore(),
                                    o.perplexityPruned(),
                                    o.perplexityAfter(),
                                    o.degenerationPruned(),
                                    o.degenerationAfter(),
                                    o.activeBefore(),
                                    o.activeAfter(),
                                    esc(o.accepted() ? "accepted" : "rolled back: " + o.reason())));
        }
        h.append("</table>");
        if (!r.before().continuations().isEmpty()) {
            h.append(
                    "<h2>Continuations of the fixed prompts</h2><table><tr><th>prompt</th>"
                            + "<th>original</th><th>upgraded</th></tr>");
            for (int i = 0; i < prompts.size(); i++) {
                h.append("<tr><td>")
                        .append(esc(prompts.get(i)))
                        .append("</td><td>")
                        .append(esc(at(r.before().continuations(), i)))
                        .append("</td><td>")
                        .append(esc(at(r.after().continuations(), i)))
                        .append("</td></tr>");
            }
            h.append("</table>");
        }
        if (!notes.isEmpty()) {
            h.append("<h2>Notes</h2><ul>");
            notes.forEach(n -> h.append("<li>").append(esc(n)).append("</li>"));
            h.append("</ul>");
        }
        return h.append("</body></html>\n").toString();
    }

    /** Perplexity and active heads after each cycle (rolled-back cycles as their own series). */
    private static List<String> charts(Path out, Upgrade.Result r) throws IOException {
        List<CycleOutcome> all = r.outcomes();
        double[] x = new double[all.size() + 1];
        double[] ppl = new double[all.size() + 1];
        double[] heads = new double[all.size() + 1];
        ppl[0] = r.before().perplexity();
        heads[0] = r.before().activeHeads();
        List<double[]> rejected = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            CycleOutcome o = all.get(i);
            x[i + 1] = o.cycle();
            ppl[i + 1] = o.accepted() ? o.perplexityAfter() : o.perplexityBefore();
            heads[i + 1] = o.accepted() ? o.activeAfter() : o.activeBefore();
            if (!o.accepted()) {
                rejected.add(new double[] {o.cycle(), o.perplexityAfter(), o.activeAfter()});
            }
        }
        Map<String, double[][]> perplexity = new LinkedHashMap<>();
        perplexity.put("kept model", new double[][] {x, ppl});
        Map<String, double[][]> active = new LinkedHashMap<>();
        active.put("kept model", new double[][] {x, heads});
        if (!rejected.isEmpty()) {
            perplexity.put("rolled back (what it reached)", column(rejected, 1));
            active.put("rolled back (what it reached)", column(rejected, 2));
        }
        LinePlot.write(
                out.resolve("upgrade_perplexity.png"),
                "Validation perplexity after each cycle",
                "cycle",
                "perplexity",
                perplexity);
        LinePlot.writeCounts(
                out.resolve("upgrade_active_heads.png"),
                "Active heads after each cycle",
                "cycle",
                "active heads",
                active);
        return List.of("upgrade_perplexity.png", "upgrade_active_heads.png");
    }

    private static double[][] column(List<double[]> rows, int y) {
        double[][] xy = new double[2][rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            xy[0][i] = rows.get(i)[0];
            xy[1][i] = rows.get(i)[y];
        }
        return xy;
    }

    private static String at(List<String> list, int i) {
        return i < list.size() ? list.get(i) : "";
    }

    private static String oneLine(String s) {
        return s.replaceAll("\\s+", " ").strip();
    }

    private static String f4(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
    }

    private static String f2(double v) {
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
