package ai.sentinel.plasticity;

import ai.sentinel.metrics.HeadMeasurements;
import ai.sentinel.metrics.HeadScores;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.train.StepStats;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.util.List;
import java.util.Locale;

/** The JSON lines of a plasticity run: stages, steps, head maps and decisions. Non-finite numbers become null. */
final class HeadMaps {
    private HeadMaps() {}

    static JsonObject stageLine(StageResult r) {
        JsonObject o = base("phase", r.stage(), r.cycle(), r.step());
        o.add("loss", num(r.loss()));
        o.add("perplexity", num(r.perplexity()));
        o.addProperty("active_heads", r.activeHeads());
        o.addProperty("parameters", r.parameters());
        o.add("tokens_per_second", num(Math.round(r.tokensPerSecond())));
        JsonArray samples = new JsonArray();
        r.samples().forEach(samples::add);
        o.add("samples", samples);
        return o;
    }

    static JsonObject stepLine(String phase, int cycle, long step, StepStats s, CausalLm model) {
        JsonObject o = base("step", phase, cycle, step);
        o.add("loss", num(s.loss()));
        o.add("perplexity", num(Math.exp(s.loss())));
        o.add("lr", num(s.learningRate()));
        o.addProperty("active_heads", model.gates().numActive());
        o.addProperty("parameters", model.numParameters());
        o.add("tokens_per_second", num(Math.round(s.tokensPerSecond())));
        return o;
    }

    static JsonObject headState(String stage, int cycle, long step, CausalLm model) {
        int L = model.config().numLayers();
        int H = model.config().numHeads();
        float[] mask = model.gates().maskValues();
        float[] gates = model.gates().gateValues();
        JsonObject o = base("heads", stage, cycle, step);
        JsonArray maskRows = new JsonArray();
        JsonArray gateRows = new JsonArray();
        JsonArray presentRows = new JsonArray();
        for (int l = 0; l < L; l++) {
            JsonArray m = new JsonArray();
            JsonArray g = new JsonArray();
            JsonArray p = new JsonArray();
            for (int h = 0; h < H; h++) {
                m.add(mask[l * H + h] != 0 ? 1 : 0);
                g.add(num(gates[l * H + h]));
                p.add(model.config().isPresent(new HeadId(l, h)));
            }
            maskRows.add(m);
            gateRows.add(g);
            presentRows.add(p);
        }
        o.add("mask", maskRows);
        o.add("gates", gateRows);
        o.add("present", presentRows);
        return o;
    }

    static JsonObject measurements(int cycle, long step, HeadMeasurements m) {
        JsonObject o = base("measurements", "measured", cycle, step);
        o.add("entropy", m.entropy().toJson());
        o.add("normalized_entropy", m.normalizedEntropy().toJson());
        o.add("gradient_norm", m.gradientNorm().toJson());
        o.add("magnitude", m.magnitude().toJson());
        o.add("importance", m.importance().toJson());
        return o;
    }

    static JsonObject pruneEvent(int cycle, long step, HeadId h, PruneRequest request, HeadScores priority,
            HeadMeasurements m) {
        JsonObject o = event("pruned", cycle, step, h);
        o.addProperty("strategy", name(request.method()));
        o.addProperty("mode", name(request.mode()));
        o.add("priority", num(priority.get(h)));
        o.add("entropy", num(m.entropy().get(h)));
        o.add("normalized_entropy", num(m.normalizedEntropy().get(h)));
        o.add("gradient_norm", num(m.gradientNorm().get(h)));
        o.add("magnitude", num(m.magnitude().get(h)));
        o.add("importance", num(m.importance().get(h)));
        return o;
    }

    static JsonObject growEvent(int cycle, long step, HeadId h, int rank, GrowRequest request,
            CandidateProbe.Measured probe) {
        JsonObject o = event("grown", cycle, step, h);
        o.addProperty("strategy", name(request.method()));
        o.addProperty("init", name(request.init()));
        o.addProperty("rank", rank);
        o.add("gradient_sensitivity", num(probe.atZeroGate().importance().get(h)));
        o.add("importance_at_full_gate", num(probe.atFullGate().importance().get(h)));
        o.add("normalized_entropy", num(probe.atZeroGate().normalizedEntropy().get(h)));
        return o;
    }

    static JsonObject tiesEvent(int cycle, long step, List<List<HeadId>> ties) {
        JsonObject o = new JsonObject();
        o.addProperty("event", "ties");
        o.addProperty("cycle", cycle);
        o.addProperty("step", step);
        JsonArray groups = new JsonArray();
        for (List<HeadId> group : ties) {
            JsonArray g = new JsonArray();
            group.forEach(h -> g.add(h.toString()));
            groups.add(g);
        }
        o.add("groups", groups);
        o.addProperty("note", "equal priorities split by the cut; broken by the seeded order");
        return o;
    }

    static JsonObject summary(List<CycleResult> results) {
        JsonObject o = new JsonObject();
        JsonArray cycles = new JsonArray();
        for (CycleResult r : results) {
            JsonObject c = new JsonObject();
            c.addProperty("cycle", r.cycle());
            for (StageResult s : List.of(r.baseline(), r.pruned(), r.grown(), r.last())) {
                JsonObject stage = new JsonObject();
                stage.add("loss", num(s.loss()));
                stage.add("perplexity", num(s.perplexity()));
                stage.addProperty("active_heads", s.activeHeads());
                stage.addProperty("parameters", s.parameters());
                stage.add("tokens_per_second", num(Math.round(s.tokensPerSecond())));
                c.add(s.stage(), stage);
            }
            JsonArray pruned = new JsonArray();
            r.prunedHeads().forEach(h -> pruned.add(h.toString()));
            JsonArray grown = new JsonArray();
            r.grownHeads().forEach(h -> grown.add(h.toString()));
            c.add("pruned_heads", pruned);
            c.add("grown_heads", grown);
            c.add("perplexity_recovery", num(r.recovery()));
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
        o.addProperty("recovery_definition", "(ppl_pruned - ppl_final) / (ppl_pruned - ppl_baseline)");
        return o;
    }

    private static JsonObject event(String kind, int cycle, long step, HeadId h) {
        JsonObject o = new JsonObject();
        o.addProperty("event", kind);
        o.addProperty("cycle", cycle);
        o.addProperty("step", step);
        o.addProperty("head", h.toString());
        o.addProperty("layer", h.layer());
        o.addProperty("index", h.head());
        return o;
    }

    private static JsonObject base(String event, String phase, int cycle, long step) {
        JsonObject o = new JsonObject();
        o.addProperty("event", event);
        o.addProperty("phase", phase);
        o.addProperty("cycle", cycle);
        o.addProperty("step", step);
        return o;
    }

    static JsonElement num(double v) {
        return Double.isFinite(v) ? new JsonPrimitive(v) : JsonNull.INSTANCE;
    }

    static String name(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
