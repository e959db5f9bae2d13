package ai.sentinel.plasticity;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import ai.sentinel.nn.Parameter;
import com.google.gson.JsonObject;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The end of a training run that changed heads ({@code summary.json}): heads pruned, how much of
 * the attention weights no longer take part, the model's size and perplexity before and after.
 *
 * @param attentionWeightSparsity the fraction of the attention projections' weights (query, key,
 *     value and output slices of every head; a key/value group's slices counted once) that are
 *     masked or removed: with grouped-query attention a group's keys and values only stop taking
 *     part when all its query heads are pruned, so this differs from the pruning rate
 * @param modelSizeMb the weights' size in MiB at 4 bytes each (float32, as Sentinel saves them)
 */
public record RunSummary(
        String controller,
        int totalHeads,
        int prunedHeads,
        double pruningRate,
        double attentionWeightSparsity,
        long parametersBefore,
        long parametersAfter,
        double modelSizeMb,
        double perplexityBefore,
        double perplexityAfter) {
    /**
     * The attention weights of {@code model} in heads' slices: all of them, and the active ones.
     */
    public record AttentionWeights(long present, long active) {
        public static AttentionWeights of(CausalLm model) {
            Map<Parameter, Set<List<Long>>> seen = new IdentityHashMap<>();
            Map<Parameter, Set<List<Long>>> activeSeen = new IdentityHashMap<>();
            long present = 0;
            long active = 0;
            for (int layer = 0; layer < model.config().numLayers(); layer++) {
                for (int h : model.config().headsPresent(layer)) {
                    HeadId head = new HeadId(layer, h);
                    boolean on = !model.gates().isMasked(head);
                    for (HeadSlice s : model.headLayout().slices(head)) {
                        List<Long> key = List.of((long) s.axis(), s.start());
                        long size = size(s);
                        if (seen.computeIfAbsent(s.parameter(), p -> new HashSet<>()).add(key)) {
                            present += size;
                        }
                        if (on
                                && activeSeen
                                        .computeIfAbsent(s.parameter(), p -> new HashSet<>())
                                        .add(key)) {
                            active += size;
                        }
                    }
                }
            }
            return new AttentionWeights(present, active);
        }

        private static long size(HeadSlice s) {
            long[] shape = s.parameter().value().getShape().getShape();
            long size = s.length();
            for (int i = 0; i < shape.length; i++) {
                size *= i == s.axis() ? 1 : shape[i];
            }
            return size;
        }
    }

    /**
     * The summary of {@code model} at the end of a run that started with {@code start}'s attention
     * weights and parameters.
     */
    public static RunSummary of(
            String controller,
            CausalLm model,
            AttentionWeights start,
            long parametersBefore,
            double perplexityBefore,
            double perplexityAfter) {
        int total = model.config().numLayers() * model.config().numHeads();
        int pruned = total - model.gates().numActive();
        AttentionWeights now = AttentionWeights.of(model);
        long parameters = model.numParameters();
        return new RunSummary(
                controller,
                total,
                pruned,
                (double) pruned / total,
                1.0 - (double) now.active() / start.present(),
                parametersBefore,
                parameters,
                parameters * 4.0 / (1 << 20),
                perplexityBefore,
                perplexityAfter);
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("controller", controller);
        o.addProperty("total_heads", totalHeads);
        o.addProperty("pruned_heads", prunedHeads);
        o.addProperty("pruning_rate", pruningRate);
        o.addProperty("attention_weight_sparsity", attentionWeightSparsity);
        o.addProperty("parameters_before", parametersBefore);
        o.addProperty("parameters_after", parametersAfter);
        o.addProperty("model_size_mb", modelSizeMb);
        o.addProperty("perplexity_before", perplexityBefore);
        o.addProperty("perplexity_after", perplexityAfter);
        return o;
    }

    /** The lines printed at the end of the run. */
    public String describe() {
        return String.format(
                "heads %d, pruned %d (%.1f%%); attention weights out of use %.1f%%; parameters %,d → %,d"
                        + " (%.2f MiB); validation perplexity %.3f → %.3f",
                totalHeads,
                prunedHeads,
                100 * pruningRate,
                100 * attentionWeightSparsity,
                parametersBefore,
                parametersAfter,
                modelSizeMb,
                perplexityBefore,
                perplexityAfter);
    }
}
