package ai.sentinel.report;

import static ai.sentinel.report.ReportHtml.esc;
import static ai.sentinel.report.ReportHtml.fmt;

import ai.sentinel.io.Json;
import ai.sentinel.plasticity.RunEvent;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The report page of a {@code train} run: the summary, the last measured numbers, the charts, the
 * growth events, the continuations before and after training, the controller's decisions and the
 * configuration. Self-contained HTML; every text from the run folder is escaped.
 */
final class TrainReportHtml {
    /** summary.json's fields in the order shown, with their names in words. */
    private static final Map<String, String> SUMMARY_FIELDS = summaryFields();

    private TrainReportHtml() {}

    static String render(
            TrainRunData run, ControllerRun controller, RunReport.ChartSet charts, Path chartDir)
            throws IOException {
        StringBuilder html =
                new StringBuilder(
                        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sentinel training"
                                + " report</title><style>"
                                + ReportHtml.STYLE
                                + "</style></head><body>");
        JsonObject c = run.config();
        html.append("<h1>Training report: ")
                .append(esc(run.folder().toAbsolutePath().normalize().getFileName().toString()))
                .append("</h1><p>Model <b>")
                .append(esc(text(c, "model")))
                .append("</b>, dataset <b>")
                .append(esc(text(c, "dataset")))
                .append("</b>, ")
                .append(esc(text(c, "steps")))
                .append(" steps, seed ")
                .append(esc(text(c, "seed")));
        if (controller.present()) {
            html.append(", controller <b>").append(esc(controller.controller())).append("</b>");
        }
        if (ProgressiveCharts.present(run)) {
            html.append(", progressive growth");
        }
        html.append(". Every number below was measured in this run.</p>");
        run.summary().ifPresent(s -> summary(html, s));
        training(html, run);
        ReportHtml.figures(html, charts, chartDir);
        growth(html, run);
        run.samples().ifPresent(s -> samples(html, s));
        ReportHtml.controllerDecisions(html, controller.decisions());
        html.append("<h2>Configuration</h2><pre>")
                .append(esc(Json.pretty(c)))
                .append("</pre></body></html>\n");
        return html.toString();
    }

    /** summary.json's fields that are present: the known ones first, in words, then any other. */
    private static void summary(StringBuilder html, JsonObject summary) {
        html.append("<h2>Summary</h2><table class=\"summary\">");
        SUMMARY_FIELDS.forEach(
                (key, name) -> {
                    if (summary.has(key) && !summary.get(key).isJsonNull()) {
                        row(html, name, value(key, summary.get(key)));
                    }
                });
        for (Map.Entry<String, JsonElement> e : summary.entrySet()) {
            if (!SUMMARY_FIELDS.containsKey(e.getKey()) && !e.getValue().isJsonNull()) {
                row(html, e.getKey(), value(e.getKey(), e.getValue()));
            }
        }
        html.append("</table>");
    }

    private static Map<String, String> summaryFields() {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("controller", "controller");
        m.put("total_heads", "heads in the model");
        m.put("pruned_heads", "heads pruned at the end");
        m.put("pruning_rate", "pruning rate");
        m.put("attention_weight_sparsity", "attention weights out of use (masked or removed)");
        m.put("parameters_before", "parameters before");
        m.put("parameters_after", "parameters after");
        m.put("model_size_mb", "weights after (MiB, float32)");
        m.put("perplexity_before", "validation perplexity before training");
        m.put("perplexity_after", "validation perplexity after training");
        return m;
    }

    private static String value(String key, JsonElement e) {
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            return esc(e.isJsonPrimitive() ? e.getAsString() : e.toString());
        }
        double v = e.getAsDouble();
        if (key.equals("pruning_rate") || key.equals("attention_weight_sparsity")) {
            return String.format(Locale.ROOT, "%.1f%%", 100 * v);
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15
                ? String.format(Locale.ROOT, "%d", (long) v)
                : String.format(Locale.ROOT, "%.4f", v);
    }

    /** The last logged training loss and the last validation measurement. */
    private static void training(StringBuilder html, TrainRunData run) {
        html.append("<h2>Training</h2><table>");
        if (!run.steps().isEmpty()) {
            TrainRunData.Step last = run.steps().get(run.steps().size() - 1);
            row(html, "logged steps", String.valueOf(run.steps().size()));
            row(html, "training loss at step " + last.step(), fmt(last.loss()));
            if (last.activeHeads() >= 0) {
                row(
                        html,
                        "active heads at step " + last.step(),
                        String.valueOf(last.activeHeads()));
            }
        }
        if (!run.evals().isEmpty()) {
            TrainRunData.Eval last = run.evals().get(run.evals().size() - 1);
            row(html, "validation loss at step " + last.step(), fmt(last.loss()));
            row(html, "validation perplexity at step " + last.step(), fmt(last.perplexity()));
        }
        html.append("</table>");
    }

    /** The heads pruned at step 0 and those grown at each growth event. */
    private static void growth(StringBuilder html, TrainRunData run) {
        List<RunEvent.HeadGrown> grown = run.all(RunEvent.HeadGrown.class);
        if (grown.isEmpty()) {
            return;
        }
        html.append(
                "<h2>Growth events</h2><table><tr><th>step</th><th>event</th><th>heads</th></tr>");
        List<String> pruned =
                run.all(RunEvent.HeadPruned.class).stream()
                        .filter(p -> p.step() == 0)
                        .map(p -> p.decision().head().toString())
                        .toList();
        if (!pruned.isEmpty()) {
            html.append("<tr><td>0</td><td>pruned (start)</td><td>")
                    .append(esc(String.join(", ", pruned)))
                    .append("</td></tr>");
        }
        TreeMap<Long, List<String>> byStep = new TreeMap<>();
        grown.forEach(
                g ->
                        byStep.computeIfAbsent(g.step(), s -> new java.util.ArrayList<>())
                                .add(g.decision().head().toString()));
        byStep.forEach(
                (step, heads) ->
                        html.append("<tr><td>")
                                .append(step)
                                .append("</td><td>grown</td><td>")
                                .append(esc(String.join(", ", heads)))
                                .append("</td></tr>"));
        html.append("</table>");
    }

    /** Each prompt with its continuations before and after training, side by side. */
    private static void samples(StringBuilder html, TrainRunData.Samples s) {
        int n = Math.max(s.prompts().size(), Math.max(s.before().size(), s.after().size()));
        if (n == 0) {
            return;
        }
        html.append(
                "<h2>Continuations before and after training</h2><p>The same prompts, greedy"
                        + " decoding.</p><table class=\"samples\"><tr><th>prompt</th><th>before</th>"
                        + "<th>after</th></tr>");
        for (int i = 0; i < n; i++) {
            html.append("<tr>");
            for (List<String> column : List.of(s.prompts(), s.before(), s.after())) {
                html.append("<td style=\"text-align:left;white-space:pre-wrap\">")
                        .append(i < column.size() ? esc(column.get(i)) : "")
                        .append("</td>");
            }
            html.append("</tr>");
        }
        html.append("</table>");
    }

    private static void row(StringBuilder html, String name, String value) {
        html.append("<tr><td>")
                .append(esc(name))
                .append("</td><td>")
                .append(value)
                .append("</td></tr>");
    }

    private static String text(JsonObject o, String key) {
        return o.has(key) && o.get(key).isJsonPrimitive() ? o.get(key).getAsString() : "?";
    }
}
