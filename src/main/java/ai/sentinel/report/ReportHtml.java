package ai.sentinel.report;

import ai.sentinel.plasticity.CycleResult;
import ai.sentinel.plasticity.GrowDecision;
import ai.sentinel.plasticity.PruneDecision;
import ai.sentinel.plasticity.Recovery;
import ai.sentinel.plasticity.RunEvent;
import ai.sentinel.plasticity.StageResult;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The report page: tables, embedded charts, decisions and sample generations. Self-contained HTML.
 */
final class ReportHtml {
    static final String STYLE =
            "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;"
                    + "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
                    + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
                    + "img{max-width:100%;border:1px solid #eee}pre{background:#f7f7f7;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere}"
                    + "figure{margin:1.5em 0}figcaption{color:#555;font-size:0.9em}td{overflow-wrap:anywhere}";

    private ReportHtml() {}

    static String render(
            RunData run, List<CycleResult> cycles, RunReport.ChartSet charts, Path chartDir)
            throws IOException {
        StringBuilder html =
                new StringBuilder(
                        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sentinel"
                                + " plasticity report</title><style>"
                                + STYLE
                                + "</style></head><body>");
        JsonObject c = run.config();
        html.append("<h1>Plasticity report: ")
                .append(esc(run.folder().getFileName().toString()))
                .append("</h1>");
        html.append("<p>Model <b>")
                .append(esc(str(c, "model")))
                .append("</b>, dataset <b>")
                .append(esc(str(c, "dataset")))
                .append("</b>, pruning <b>")
                .append(esc(str(c, "pruning")))
                .append("</b> (")
                .append(esc(str(c, "mode")))
                .append("), growth <b>")
                .append(esc(str(c, "growth")))
                .append("</b> (")
                .append(esc(str(c, "init")))
                .append("), seed ")
                .append(esc(str(c, "seed")))
                .append(". Every number below was measured in this run.</p>");
        beforeAfter(html, cycles);
        cycleTable(html, cycles);
        figures(html, charts, chartDir);
        decisions(html, run);
        controllerDecisions(html, ControllerRun.of(run.events()).decisions());
        samples(html, run.all(StageResult.class));
        html.append("<h2>Configuration</h2><pre>")
                .append(esc(ai.sentinel.io.Json.pretty(c)))
                .append("</pre></body></html>\n");
        return html.toString();
    }

    /** The charts, embedded, then a line for each chart left out and why. */
    static void figures(StringBuilder html, RunReport.ChartSet charts, Path chartDir)
            throws IOException {
        for (Map.Entry<String, String> e : charts.written().entrySet()) {
            html.append("<figure><img alt=\"")
                    .append(esc(e.getValue()))
                    .append("\" src=\"")
                    .append(RunReport.embed(chartDir.resolve(e.getKey())))
                    .append("\"><figcaption>")
                    .append(esc(e.getValue()))
                    .append("</figcaption></figure>");
        }
        for (Map.Entry<String, String> e : charts.skipped().entrySet()) {
            html.append("<p class=\"skipped\"><i>")
                    .append(esc(e.getKey()))
                    .append(": not drawn, ")
                    .append(esc(e.getValue()))
                    .append(".</i></p>");
        }
    }

    /** At most this many controller decisions are listed; the charts show them all. */
    private static final int MAX_DECISION_ROWS = 500;

    /** Every head a controller pruned or revived, with what its rule read. */
    static void controllerDecisions(
            StringBuilder html, List<RunEvent.ControllerDecision> decisions) {
        if (decisions.isEmpty()) {
            return;
        }
        html.append("<h2>Controller decisions</h2>");
        if (decisions.size() > MAX_DECISION_ROWS) {
            html.append("<p>The first ")
                    .append(MAX_DECISION_ROWS)
                    .append(" of ")
                    .append(decisions.size())
                    .append(" decisions (all are in events.jsonl and in the decision map).</p>");
        }
        html.append(
                "<table><tr><th>step</th><th>action</th><th>head</th><th>normalised entropy</th>"
                        + "<th>gradient norm</th><th>gate</th><th>reason</th></tr>");
        for (RunEvent.ControllerDecision d :
                decisions.subList(0, Math.min(decisions.size(), MAX_DECISION_ROWS))) {
            html.append("<tr><td>")
                    .append(d.step())
                    .append("</td><td>")
                    .append(d.action().key())
                    .append("</td><td>")
                    .append(esc(d.head().toString()))
                    .append("</td><td>")
                    .append(fmt(d.entropy()))
                    .append("</td><td>")
                    .append(fmt(d.gradientNorm()))
                    .append("</td><td>")
                    .append(fmt(d.gate()))
                    .append("</td><td>")
                    .append(esc(d.reason()))
                    .append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void beforeAfter(StringBuilder html, List<CycleResult> cycles) {
        StageResult before = cycles.get(0).baseline();
        StageResult after = cycles.get(cycles.size() - 1).last();
        html.append(
                "<h2>Before and after</h2><table><tr><th></th><th>before (baseline)</th><th>after (final)</th>"
                        + "</tr>");
        row(html, "perplexity", fmt(before.perplexity()), fmt(after.perplexity()));
        row(html, "loss ± standard error (nats)", loss(before), loss(after));
        row(
                html,
                "active heads",
                String.valueOf(before.activeHeads()),
                String.valueOf(after.activeHeads()));
        row(
                html,
                "parameters",
                String.format("%,d", before.parameters()),
                String.format("%,d", after.parameters()));
        html.append(
                "</table><p>The standard error is over validation sequences. Two stages are evaluated on the same"
                        + " sequences, so their difference is judged by the paired differences, which vary much less than"
                        + " either loss (see the recovery line of each cycle).</p>");
    }

    private static void cycleTable(StringBuilder html, List<CycleResult> cycles) {
        html.append(
                "<h2>Cycles</h2><table><tr><th>cycle</th><th>stage</th><th>perplexity</th><th>loss ± s.e.</th>"
                        + "<th>active heads</th><th>parameters</th></tr>");
        for (CycleResult cycle : cycles) {
            for (StageResult s : cycle.stages()) {
                html.append("<tr><td>")
                        .append(cycle.cycle())
                        .append("</td><td>")
                        .append(s.stage().key())
                        .append("</td><td>")
                        .append(fmt(s.perplexity()))
                        .append("</td><td>")
                        .append(loss(s))
                        .append("</td><td>")
                        .append(s.activeHeads())
                        .append("</td><td>")
                        .append(String.format("%,d", s.parameters()))
                        .append("</td></tr>");
            }
            Recovery recovery = cycle.recovery();
            html.append("<tr><td>")
                    .append(cycle.cycle())
                    .append("</td><td colspan=\"5\">pruned ")
                    .append(esc(cycle.prunedHeads().toString()))
                    .append(", grew ")
                    .append(esc(cycle.grownHeads().toString()))
                    .append("; ")
                    .append(esc(recovery.describe()));
            if (recovery.ratio().isPresent()) {
                html.append(" = (ppl_pruned − ppl_final) / (ppl_pruned − ppl_baseline)");
            }
            html.append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void decisions(StringBuilder html, RunData run) {
        html.append(
                "<h2>Decisions</h2><table><tr><th>cycle</th><th>event</th><th>head</th><th>strategy</th>"
                        + "<th>scores</th></tr>");
        for (RunEvent e : run.events()) {
            if (e instanceof RunEvent.HeadPruned p) {
                PruneDecision d = p.decision();
                decision(
                        html,
                        e,
                        "pruned",
                        d.head().toString(),
                        name(d.strategy()),
                        String.format(
                                Locale.ROOT,
                                "priority %.4f; normalized_entropy %.4f; gradient_norm %.4f; magnitude %.4f; importance"
                                        + " %.4f",
                                d.priority(),
                                d.normalizedEntropy(),
                                d.gradientNorm(),
                                d.magnitude(),
                                d.importance()));
            } else if (e instanceof RunEvent.HeadGrown g) {
                GrowDecision d = g.decision();
                decision(
                        html,
                        e,
                        "grown",
                        d.head().toString(),
                        name(d.strategy()),
                        String.format(
                                Locale.ROOT,
                                "rank %d; gradient_sensitivity %.4g; importance_at_full_gate %.4g; normalized_entropy %.4f",
                                d.rank(),
                                d.gradientSensitivity(),
                                d.importanceAtFullGate(),
                                d.normalizedEntropy()));
            } else if (e instanceof RunEvent.PruningTies t) {
                decision(html, e, "ties", "", "", t.groups().toString());
            }
        }
        html.append("</table>");
    }

    private static void decision(
            StringBuilder html,
            RunEvent e,
            String kind,
            String head,
            String strategy,
            String scores) {
        html.append("<tr><td>")
                .append(e.cycle())
                .append("</td><td>")
                .append(kind)
                .append("</td><td>")
                .append(esc(head))
                .append("</td><td>")
                .append(esc(strategy))
                .append("</td><td>")
                .append(esc(scores))
                .append("</td></tr>");
    }

    private static void samples(StringBuilder html, List<StageResult> stages) {
        html.append(
                "<h2>Sample generations</h2><p>The same prompt (the start of the validation text) and seed at"
                        + " every stage.</p>");
        for (StageResult s : stages) {
            for (String sample : s.samples()) {
                html.append("<h3>")
                        .append(esc(RunReport.stageLabel(s)))
                        .append("</h3><pre>")
                        .append(esc(sample))
                        .append("</pre>");
            }
        }
    }

    private static void row(StringBuilder html, String name, String before, String after) {
        html.append("<tr><td>")
                .append(name)
                .append("</td><td>")
                .append(before)
                .append("</td><td>")
                .append(after)
                .append("</td></tr>");
    }

    private static String loss(StageResult s) {
        return String.format("%.4f ± %.4f", s.loss(), s.lossStandardError());
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull()
                ? o.get(key).getAsString().toLowerCase(Locale.ROOT)
                : "?";
    }

    static String fmt(double v) {
        return Double.isFinite(v) ? String.format("%.4f", v) : "n/a";
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
