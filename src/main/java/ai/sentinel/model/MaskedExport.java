package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code hf-masked} export: a model folder with the family's original shapes that the plain
 * Hugging Face class computes exactly as Sentinel computes the gated model. Attention multiplies
 * each head's output by {@code m·g} before the output projection, so folding {@code m·g} into the
 * head's columns of that projection (its {@link HeadSlice.Role#OUTPUT} slice) gives the same
 * function with every gate 1; removed heads come back with zero slices, which contribute nothing.
 * No sidecar and no {@code pruned_heads} key is needed, so the folder loads in transformers v4 and
 * v5 alike.
 */
public final class MaskedExport {
    private MaskedExport() {}

    /**
     * Rewrites {@code model} in place into that form: removed heads re-inserted (zero slices), each
     * head's {@code m·g} folded into its output slice, every gate and mask set to 1. Call outside
     * any NDScope.
     */
    public static void fold(CausalLm model) {
        List<HeadId> removed = new ArrayList<>();
        for (int layer = 0; layer < model.config().numLayers(); layer++) {
            for (int h = 0; h < model.config().numHeads(); h++) {
                HeadId head = new HeadId(layer, h);
                if (!model.config().isPresent(head)) {
                    removed.add(head);
                }
            }
        }
        if (!removed.isEmpty()) {
            model.insertHeads(removed);
        }
        foldGates(model);
        float[] ones = new float[model.gates().gateValues().length];
        Arrays.fill(ones, 1f);
        model.gates().load(ones, ones);
    }

    /**
     * Multiplies each present head's output slice by its {@code m·g} and sets its gate to 1: the
     * same function, with the gates in the weights. Masks are left as they are.
     */
    static void foldGates(CausalLm model) {
        HeadGates gates = model.gates();
        float[] g = gates.gateValues();
        float[] m = gates.maskValues();
        int heads = model.config().numHeads();
        try (NDScope scope = new NDScope()) {
            for (int i = 0; i < g.length; i++) {
                HeadId head = new HeadId(i / heads, i % heads);
                float effective = g[i] * m[i];
                if (effective == 1f || !model.config().isPresent(head)) {
                    continue;
                }
                for (HeadSlice s : model.headLayout().slices(head)) {
                    if (s.role() == HeadSlice.Role.OUTPUT) {
                        NDArray value = s.parameter().value();
                        value.set(s.index(), value.get(s.index()).muli(effective));
                    }
                }
            }
        }
        for (int i = 0; i < g.length; i++) {
            g[i] = 1f;
        }
        gates.load(g, m);
    }

    /**
     * Writes a model that {@link #fold} rewrote to {@code folder}: config and weights only (the
     * tokenizer files are the caller's).
     */
    public static void write(CausalLm folded, Path folder) throws IOException {
        ModelFiles.save(folded, folder);
        // every gate and mask is 1: the sidecar would say nothing a plain loader needs
        Files.deleteIfExists(folder.resolve(ModelFiles.HEADS_FILE));
    }
}
