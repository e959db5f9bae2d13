package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The JSON form of every {@link RunEvent}, both ways: the only code that knows the field names of a
 * run folder's lines. Each line names its kind in {@code "event"}; a non-finite number is left out
 * of its line (Gson drops nulls) and reads back as NaN.
 */
public final class RunEventJson {
    private static final String TIES_NOTE =
            "equal priorities split by the cut; broken by the seeded order";

    private RunEventJson() {}

    public static JsonObject toJson(RunEvent event) {
        if (event instanceof RunEvent.StepMetrics s) {
            JsonObject o = base("step", s.phase().key(), s);
            o.add("loss", num(s.loss()));
            o.add("perplexity", num(s.perplexity()));
            o.add("lr", num(s.learningRate()));
            o.addProperty("active_heads", s.activeHeads());
            o.addProperty("parameters", s.parameters());
            o.add("tokens_per_second", num(s.tokensPerSecond()));
            return o;
        } else if (event instanceof StageResult s) {
            JsonObject o = base("phase", s.stage().key(), s);
            o.add("loss", num(s.loss()));
            o.add("perplexity", num(s.perplexity()));
            o.add("loss_standard_error", num(s.lossStandardError()));
            o.addProperty("active_heads", s.activeHeads());
            o.addProperty("parameters", s.parameters());
            JsonArray losses = new JsonArray();
            s.sequenceLosses().forEach(v -> losses.add(num(v)));
            o.add("sequence_losses", losses);
            JsonArray samples = new JsonArray();
            s.samples().forEach(samples::add);
            o.add("samples", samples);
            return o;
        } else if (event instanceof RunEvent.HeadPruned p) {
            return pruned(p);
        } else if (event instanceof RunEvent.HeadGrown g) {
            return grown(g);
        } else if (event instanceof RunEvent.PruningTies t) {
            JsonObject o = new JsonObject();
            o.addProperty("event", "ties");
            o.addProperty("cycle", t.cycle());
            o.addProperty("step", t.step());
            JsonArray groups = new JsonArray();
            for (List<HeadId> group : t.groups()) {
                JsonArray g = new JsonArray();
                group.forEach(h -> g.add(h.toString()));
                groups.add(g);
            }
            o.add("groups", groups);
            o.addProperty("note", TIES_NOTE);
            return o;
        } else if (event instanceof RunEvent.HeadMap h) {
            JsonObject o = base("heads", h.stage().key(), h);
            o.add("mask", grid(h.mask(), Flag.INT));
            o.add("gates", grid(h.gates(), Flag.NUMBER));
            o.add("present", grid(h.present(), Flag.BOOLEAN));
            return o;
        } else if (event instanceof RunEvent.ControllerDecision d) {
            JsonObject o = headEvent("controller_" + d.action().key(), d, d.head());
            o.addProperty("controller", d.controller());
            o.add("normalized_entropy", num(d.entropy()));
            o.add("gradient_norm", num(d.gradientNorm()));
            o.add("gate", num(d.gate()));
            o.addProperty("reason", d.reason());
            return o;
        } else if (event instanceof RunEvent.ControllerSnapshot c) {
            JsonObject o = base("controller_heads", "controller", c);
            o.addProperty("controller", c.controller());
            o.add("normalized_entropy", grid(c.entropy(), Flag.NUMBER));
            o.add("gradient_norm", grid(c.gradientNorm(), Flag.NUMBER));
            o.add("gate", grid(c.gate(), Flag.NUMBER));
            o.add("state", grid(c.state(), Flag.NUMBER));
            return o;
        } else if (event instanceof RunEvent.ControllerInterval i) {
            JsonObject o = base("controller_interval", "controller", i);
            o.addProperty("controller", i.controller());
            o.addProperty("pruned", i.pruned());
            o.addProperty("revived", i.revived());
            o.addProperty("active_heads", i.activeHeads());
            o.addProperty("total_heads", i.totalHeads());
            o.add("sparsity", num(i.sparsity()));
            o.add("train_loss", num(i.trainLoss()));
            o.add("validation_loss", num(i.validationLoss()));
            o.add("penalty_weight", num(i.penaltyWeight()));
            o.add("expected_open", num(i.expectedOpen()));
            return o;
        } else {
            RunEvent.Measurements m = (RunEvent.Measurements) event;
            JsonObject o = base("measurements", "measured", m);
            o.add("entropy", grid(m.entropy(), Flag.NUMBER));
            o.add("normalized_entropy", grid(m.normalizedEntropy(), Flag.NUMBER));
            o.add("gradient_norm", grid(m.gradientNorm(), Flag.NUMBER));
            o.add("magnitude", grid(m.magnitude(), Flag.NUMBER));
            o.add("importance", grid(m.importance(), Flag.NUMBER));
            return o;
        }
    }

    /** Parses a line that {@link #toJson} wrote. */
    public static RunEvent fromJson(JsonObject o) {
        String kind = o.get("event").getAsString();
        int cycle = o.get("cycle").getAsInt();
        long step = o.get("step").getAsLong();
        return switch (kind) {
            case "step" ->
                    new RunEvent.StepMetrics(
                            TrainingPhase.of(o.get("phase").getAsString()),
                            cycle,
                            step,
                            number(o, "loss"),
                            number(o, "lr"),
                            o.get("active_heads").getAsInt(),
                            o.get("parameters").getAsLong(),
                            number(o, "tokens_per_second"));
            case "phase" ->
                    new StageResult(
                            Stage.of(o.get("phase").getAsString()),
                            cycle,
                            step,
                            number(o, "loss"),
                            numbers(o.getAsJsonArray("sequence_losses")),
                            o.get("active_heads").getAsInt(),
                            o.get("parameters").getAsLong(),
                            strings(o.getAsJsonArray("samples")));
            case "pruned" ->
                    new RunEvent.HeadPruned(
                            cycle,
                            step,
                            new PruneDecision(
                                    head(o),
                                    PruningMethod.valueOf(upper(o, "strategy")),
                                    PruneMode.valueOf(upper(o, "mode")),
                                    number(o, "priority"),
                                    number(o, "entropy"),
                                    number(o, "normalized_entropy"),
                                    number(o, "gradient_norm"),
                                    number(o, "magnitude"),
                                    number(o, "importance")));
            case "grown" ->
                    new RunEvent.HeadGrown(
                            cycle,
                            step,
                            new GrowDecision(
                                    head(o),
                                    GrowthMethod.valueOf(upper(o, "strategy")),
                                    GrowthInit.valueOf(upper(o, "init")),
                                    o.get("rank").getAsInt(),
                                    number(o, "gradient_sensitivity"),
                                    number(o, "importance_at_full_gate"),
                                    number(o, "normalized_entropy")));
            case "ties" -> new RunEvent.PruningTies(cycle, step, ties(o.getAsJsonArray("groups")));
            case "heads" ->
                    new RunEvent.HeadMap(
                            Stage.of(o.get("phase").getAsString()),
                            cycle,
                            step,
                            grid(o.getAsJsonArray("mask")),
                            grid(o.getAsJsonArray("gates")),
                            grid(o.getAsJsonArray("present")));
            case "measurements" ->
                    new RunEvent.Measurements(
                            cycle,
                            step,
                            grid(o.getAsJsonArray("entropy")),
                            grid(o.getAsJsonArray("normalized_entropy")),
                            grid(o.getAsJsonArray("gradient_norm")),
                            grid(o.getAsJsonArray("magnitude")),
                            grid(o.getAsJsonArray("importance")));
            case "controller_pruned", "controller_revived" ->
                    new RunEvent.ControllerDecision(
                            cycle,
                            step,
                            o.get("controller").getAsString(),
                            kind.equals("controller_pruned")
                                    ? RunEvent.ControllerAction.PRUNED
                                    : RunEvent.ControllerAction.REVIVED,
                            head(o),
                            number(o, "normalized_entropy"),
                            number(o, "gradient_norm"),
                            number(o, "gate"),
                            o.get("reason").getAsString());
            case "controller_heads" ->
                    new RunEvent.ControllerSnapshot(
                            cycle,
                            step,
                            o.get("controller").getAsString(),
                            grid(o.getAsJsonArray("normalized_entropy")),
                            grid(o.getAsJsonArray("gradient_norm")),
                            grid(o.getAsJsonArray("gate")),
                            grid(o.getAsJsonArray("state")));
            case "controller_interval" ->
                    new RunEvent.ControllerInterval(
                            cycle,
                            step,
                            o.get("controller").getAsString(),
                            o.get("pruned").getAsInt(),
                            o.get("revived").getAsInt(),
                            o.get("active_heads").getAsInt(),
                            o.get("total_heads").getAsInt(),
                            number(o, "train_loss"),
                            number(o, "validation_loss"),
                            number(o, "penalty_weight"),
                            number(o, "expected_open"));
            default -> throw new IllegalArgumentException("unknown run event \"" + kind + "\"");
        };
    }

    /**
     * {@code summary.json}: per cycle each stage's numbers, the heads pruned and grown, and the
     * recovery.
     */
    public static JsonObject summary(List<CycleResult> results) {
        JsonObject o = new JsonObject();
        JsonArray cycles = new JsonArray();
        for (CycleResult r : results) {
            JsonObject c = new JsonObject();
            c.addProperty("cycle", r.cycle());
            for (StageResult s : r.stages()) {
                JsonObject stage = new JsonObject();
                stage.add("loss", num(s.loss()));
                stage.add("loss_standard_error", num(s.lossStandardError()));
                stage.add("perplexity", num(s.perplexity()));
                stage.addProperty("active_heads", s.activeHeads());
                stage.addProperty("parameters", s.parameters());
                c.add(s.stage().key(), stage);
            }
            c.add("pruned_heads", heads(r.prunedHeads()));
            c.add("grown_heads", heads(r.grownHeads()));
            Recovery recovery = r.recovery();
            c.add(
                    "perplexity_recovery",
                    recovery.ratio().isPresent()
                            ? num(recovery.ratio().getAsDouble())
                            : JsonNull.INSTANCE);
            c.add(
                    "perplexity_recovery_standard_error",
                    recovery instanceof Recovery.Ratio ratio
                            ? num(ratio.standardError())
                            : JsonNull.INSTANCE);
            c.addProperty("perplexity_recovery_note", recovery.describe());
            c.add("pruning_loss_change", num(recovery.damage().lossChange()));
            c.add("pruning_loss_change_standard_error", num(recovery.damage().standardError()));
            cycles.add(c);
        }
        o.add("cycles", cycles);
        CycleResult first = results.get(0);
        CycleResult last = results.get(results.size() - 1);
        o.add("baseline_perplexity", num(first.baseline().perplexity()));
        o.add("final_perplexity", num(last.last().perplexity()));
        o.addProperty("active_heads_before", first.baseline().activeHeads());
        o.addProperty("active_heads_after", last.last().activeHeads());
        o.addProperty("parameters_before", first.baseline().parameters());
        o.addProperty("parameters_after", last.last().parameters());
        o.addProperty(
                "recovery_definition",
                "(ppl_pruned - ppl_final) / (ppl_pruned - ppl_baseline), only when the"
                        + " pruning loss change exceeds "
                        + (int) Recovery.NOISE_STANDARD_ERRORS
                        + " standard errors of the"
                        + " paired per-sequence differences; otherwise left out, with the reason in perplexity_recovery_note");
        return o;
    }

    private enum Flag {
        INT,
        BOOLEAN,
        NUMBER
    }

    private static JsonObject pruned(RunEvent.HeadPruned e) {
        PruneDecision d = e.decision();
        JsonObject o = headEvent("pruned", e, d.head());
        o.addProperty("strategy", name(d.strategy()));
        o.addProperty("mode", name(d.mode()));
        o.add("priority", num(d.priority()));
        o.add("entropy", num(d.entropy()));
        o.add("normalized_entropy", num(d.normalizedEntropy()));
        o.add("gradient_norm", num(d.gradientNorm()));
        o.add("magnitude", num(d.magnitude()));
        o.add("importance", num(d.importance()));
        return o;
    }

    private static JsonObject grown(RunEvent.HeadGrown e) {
        GrowDecision d = e.decision();
        JsonObject o = headEvent("grown", e, d.head());
        o.addProperty("strategy", name(d.strategy()));
        o.addProperty("init", name(d.init()));
        o.addProperty("rank", d.rank());
        o.add("gradient_sensitivity", num(d.gradientSensitivity()));
        o.add("importance_at_full_gate", num(d.importanceAtFullGate()));
        o.add("normalized_entropy", num(d.normalizedEntropy()));
        return o;
    }

    private static JsonObject headEvent(String kind, RunEvent e, HeadId h) {
        JsonObject o = new JsonObject();
        o.addProperty("event", kind);
        o.addProperty("cycle", e.cycle());
        o.addProperty("step", e.step());
        o.addProperty("head", h.toString());
        o.addProperty("layer", h.layer());
        o.addProperty("index", h.head());
        return o;
    }

    private static JsonObject base(String kind, String phase, RunEvent e) {
        JsonObject o = new JsonObject();
        o.addProperty("event", kind);
        o.addProperty("phase", phase);
        o.addProperty("cycle", e.cycle());
        o.addProperty("step", e.step());
        return o;
    }

    private static JsonArray grid(HeadGrid grid, Flag flag) {
        JsonArray rows = new JsonArray();
        for (double[] row : grid.values()) {
            JsonArray r = new JsonArray();
            for (double v : row) {
                r.add(
                        switch (flag) {
                            case INT -> new JsonPrimitive(v != 0 ? 1 : 0);
                            case BOOLEAN -> new JsonPrimitive(v != 0);
                            case NUMBER -> num(v);
                        });
            }
            rows.add(r);
        }
        return rows;
    }

    private static HeadGrid grid(JsonArray rows) {
        double[][] out = new double[rows.size()][];
        for (int l = 0; l < rows.size(); l++) {
            JsonArray row = rows.get(l).getAsJsonArray();
            out[l] = new double[row.size()];
            for (int h = 0; h < row.size(); h++) {
                JsonElement e = row.get(h);
                out[l][h] =
                        e.isJsonNull()
                                ? Double.NaN
                                : e.getAsJsonPrimitive().isBoolean()
                                        ? (e.getAsBoolean() ? 1 : 0)
                                        : e.getAsDouble();
            }
        }
        return new HeadGrid(out);
    }

    private static JsonArray heads(List<HeadId> heads) {
        JsonArray a = new JsonArray();
        heads.forEach(h -> a.add(h.toString()));
        return a;
    }

    private static HeadId head(JsonObject o) {
        return new HeadId(o.get("layer").getAsInt(), o.get("index").getAsInt());
    }

    private static List<List<HeadId>> ties(JsonArray groups) {
        List<List<HeadId>> out = new ArrayList<>();
        for (JsonElement g : groups) {
            List<HeadId> group = new ArrayList<>();
            for (JsonElement h : g.getAsJsonArray()) {
                group.add(parseHead(h.getAsString()));
            }
            out.add(group);
        }
        return out;
    }

    /** {@code "L3H1"} → layer 3, head 1 (the form of {@link HeadId#toString()}). */
    static HeadId parseHead(String text) {
        int h = text.indexOf('H');
        if (!text.startsWith("L") || h < 2) {
            throw new IllegalArgumentException("not a head name like L3H1: \"" + text + "\"");
        }
        return new HeadId(
                Integer.parseInt(text.substring(1, h)), Integer.parseInt(text.substring(h + 1)));
    }

    private static List<Double> numbers(JsonArray a) {
        List<Double> out = new ArrayList<>();
        if (a != null) {
            a.forEach(e -> out.add(e.isJsonNull() ? Double.NaN : e.getAsDouble()));
        }
        return out;
    }

    private static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        a.forEach(e -> out.add(e.getAsString()));
        return out;
    }

    private static double number(JsonObject o, String key) {
        JsonElement e = o.get(key);
        return e == null || e.isJsonNull() ? Double.NaN : e.getAsDouble();
    }

    private static String upper(JsonObject o, String key) {
        return o.get(key).getAsString().toUpperCase(Locale.ROOT);
    }

    private static JsonElement num(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    private static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
