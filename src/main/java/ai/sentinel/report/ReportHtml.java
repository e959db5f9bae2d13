package ai.sentinel.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The report page: tables, embedded charts, decisions and sample generations. Self-contained HTML. */
final class ReportHtml {
    private static final String STYLE = "body{font-family:system-ui,sans-serif;max-width:1000px;margin:2em auto;"
            + "color:#222}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 10px;"
            + "text-align:right}th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}"
            + "img{max-width:100%;border:1px solid #eee}pre{background:#f7f7f7;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere}"
            + "figure{margin:1.5em 0}figcaption{color:#555;font-size:0.9em}td{overflow-wrap:anywhere}";

    private ReportHtml() {}

    static String render(RunData run, Map<String, String> charts, Path chartDir) throws IOException {
        StringBuilder html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Sentinel"
                + " plasticity report</title><style>" + STYLE + "</style></head><body>");
        JsonObject c = run.config();
        html.append("<h1>Plasticity report: ").append(esc(run.folder().getFileName().toString())).append("</h1>");
        html.append("<p>Model <b>").append(esc(str(c, "model"))).append("</b>, dataset <b>")
                .append(esc(str(c, "dataset"))).append("</b>, pruning <b>").append(esc(str(c, "pruning")))
                .append("</b> (").append(esc(str(c, "mode"))).append("), growth <b>").append(esc(str(c, "growth")))
                .append("</b> (").append(esc(str(c, "init"))).append("), seed ").append(esc(str(c, "seed")))
                .append(". Every number below was measured in this run.</p>");
        beforeAfter(html, run.summary());
        cycles(html, run.summary());
        for (Map.Entry<String, String> e : charts.entrySet()) {
            html.append("<figure><img alt=\"").append(esc(e.getValue())).append("\" src=\"")
                    .append(RunReport.embed(chartDir.resolve(e.getKey()))).append("\"><figcaption>")
                    .append(esc(e.getValue())).append("</figcaption></figure>");
        }
        decisions(html, run);
        samples(html, run.metrics("phase"));
        html.append("<h2>Configuration</h2><pre>").append(esc(ai.sentinel.io.Json.pretty(c))).append("</pre></body></html>\n");
        return html.toString();
    }

    private static void beforeAfter(StringBuilder html, JsonObject summary) {
        JsonArray cycles = summary.getAsJsonArray("cycles");
        JsonObject before = cycles.get(0).getAsJsonObject().getAsJsonObject("baseline");
        JsonObject after = cycles.get(cycles.size() - 1).getAsJsonObject().getAsJsonObject("final");
        html.append("<h2>Before and after</h2><table><tr><th></th><th>before (baseline)</th><th>after (final)</th>"
                + "</tr>");
        for (String[] row : new String[][] {{"perplexity", "perplexity"}, {"active heads", "active_heads"},
            {"parameters", "parameters"}, {"evaluation tokens/s", "tokens_per_second"}}) {
            html.append("<tr><td>").append(row[0]).append("</td><td>").append(fmt(before.get(row[1])))
                    .append("</td><td>").append(fmt(after.get(row[1]))).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void cycles(StringBuilder html, JsonObject summary) {
        html.append("<h2>Cycles</h2><table><tr><th>cycle</th><th>stage</th><th>perplexity</th><th>loss</th>"
                + "<th>active heads</th><th>parameters</th></tr>");
        for (JsonElement e : summary.getAsJsonArray("cycles")) {
            JsonObject cycle = e.getAsJsonObject();
            for (String stage : List.of("baseline", "pruned", "grown", "final")) {
                JsonObject s = cycle.getAsJsonObject(stage);
                html.append("<tr><td>").append(cycle.get("cycle").getAsInt()).append("</td><td>").append(stage)
                        .append("</td><td>").append(fmt(s.get("perplexity"))).append("</td><td>")
                        .append(fmt(s.get("loss"))).append("</td><td>").append(fmt(s.get("active_heads")))
                        .append("</td><td>").append(fmt(s.get("parameters"))).append("</td></tr>");
            }
            html.append("<tr><td>").append(cycle.get("cycle").getAsInt()).append("</td><td colspan=\"5\">pruned ")
                    .append(esc(cycle.get("pruned_heads").toString())).append(", grew ")
                    .append(esc(cycle.get("grown_heads").toString())).append(", perplexity recovery ")
                    .append(fmt(cycle.get("perplexity_recovery"))).append(" = (ppl_pruned − ppl_final) /"
                            + " (ppl_pruned − ppl_baseline)</td></tr>");
        }
        html.append("</table>");
    }

    private static void decisions(StringBuilder html, RunData run) {
        html.append("<h2>Decisions</h2><table><tr><th>cycle</th><th>event</th><th>head</th><th>strategy</th>"
                + "<th>scores</th></tr>");
        for (JsonObject e : run.events()) {
            String kind = e.get("event").getAsString();
            StringBuilder scores = new StringBuilder();
            for (String key : List.of("priority", "normalized_entropy", "gradient_norm", "magnitude", "importance",
                    "rank", "gradient_sensitivity", "importance_at_full_gate")) {
                if (e.has(key)) {
                    scores.append(key).append(' ').append(fmt(e.get(key))).append("; ");
                }
            }
            if (kind.equals("ties")) {
                scores.append(e.get("groups").toString());
            }
            html.append("<tr><td>").append(e.get("cycle").getAsInt()).append("</td><td>").append(esc(kind))
                    .append("</td><td>").append(e.has("head") ? esc(e.get("head").getAsString()) : "")
                    .append("</td><td>").append(e.has("strategy") ? esc(e.get("strategy").getAsString()) : "")
                    .append("</td><td>").append(esc(scores.toString())).append("</td></tr>");
        }
        html.append("</table>");
    }

    private static void samples(StringBuilder html, List<JsonObject> phases) {
        html.append("<h2>Sample generations</h2><p>The same prompt (the start of the validation text) and seed at"
                + " every stage.</p>");
        for (JsonObject p : phases) {
            for (JsonElement s : p.getAsJsonArray("samples")) {
                html.append("<h3>").append(esc(RunReport.stageLabel(p))).append("</h3><pre>")
                        .append(esc(s.getAsString())).append("</pre>");
            }
        }
    }

    private static String str(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString().toLowerCase(Locale.ROOT) : "?";
    }

    private static String fmt(JsonElement e) {
        if (e == null || e.isJsonNull()) {
            return "n/a";
        }
        double v = e.getAsDouble();
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,d", (long) v) : String.format("%.4f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
