package ai.sentinel.model.gpt2;

import static ai.sentinel.testing.Tensors.assertAllClose;
import static ai.sentinel.testing.Tensors.floats;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.sentinel.model.AttentionProbe;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.ModelFiles;
import ai.sentinel.nn.Parameter;
import ai.sentinel.testing.TinyModels;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A config's {@code pruned_heads} (heads physically removed, as HF's prune_heads leaves them) is
 * honoured.
 */
class PrunedHeadsTest {
    @Test
    void aModelWithAHeadRemovedComputesWhatTheFullModelComputesWithThatHeadMasked(@TempDir Path dir)
            throws Exception {
        int D = TinyModels.TINY.headDim();
        int C = TinyModels.TINY.width();
        Gpt2Config c = TinyModels.TINY;
        Gpt2Config pruned =
                new Gpt2Config(
                        c.vocabSize(),
                        c.maxPositions(),
                        c.numLayers(),
                        c.numHeads(),
                        c.width(),
                        c.innerWidth(),
                        c.layerNormEps(),
                        c.activation(),
                        Map.of(1, Set.of(2)),
                        c.eosTokenId());
        try (NDManager m = NDManager.newBaseManager();
                Gpt2Model full = TinyModels.tinyWithStrongWeights(m, 5, DataType.FLOAT32);
                Gpt2Model small = Gpt2Model.allocate(pruned, m, DataType.FLOAT32)) {
            Map<String, Parameter> from = Gpt2Weights.byHfName(full);
            Map<String, Parameter> to = Gpt2Weights.byHfName(small);
            for (Map.Entry<String, Parameter> e : to.entrySet()) {
                NDArray source = from.get(e.getKey()).value();
                NDArray value;
                if (e.getKey().equals("transformer.h.1.attn.c_attn.weight")
                        || e.getKey().equals("transformer.h.1.attn.c_attn.bias")) {
                    String rows = e.getKey().endsWith("weight") ? ":, " : "";
                    NDList kept = new NDList();
                    for (int third = 0;
                            third < 3;
                            third++) { // q, k, v blocks each lose head 2's D columns
                        int start = third * C;
                        kept.add(source.get(new NDIndex(rows + start + ":" + (start + 2 * D))));
                        kept.add(
                                source.get(
                                        new NDIndex(rows + (start + 3 * D) + ":" + (start + C))));
                    }
                    value = NDArrays.concat(kept, e.getKey().endsWith("weight") ? 1 : 0);
                } else if (e.getKey().equals("transformer.h.1.attn.c_proj.weight")) {
                    value =
                            NDArrays.concat(
                                    new NDList(
                                            source.get(new NDIndex(":" + 2 * D)),
                                            source.get(new NDIndex((3 * D) + ":"))),
                                    0);
                } else {
                    value = source.duplicate();
                }
                e.getValue().replace(value);
            }
            full.gates().setMasked(new HeadId(1, 2), true);
            small.gates()
                    .setMasked(
                            new HeadId(1, 2),
                            true); // removed heads count as masked in the head map
            small.gates().setGate(new HeadId(0, 3), 0.5f);
            full.gates().setGate(new HeadId(0, 3), 0.5f);
            try (NDScope scope = new NDScope()) {
                NDArray tokens = TinyModels.tokens(m, 8, 2, 12, 99);
                assertAllClose(
                        full.forward(tokens, AttentionProbe.NONE),
                        small.forward(tokens, AttentionProbe.NONE),
                        1e-5,
                        "removed vs masked");
            }
            assertEquals(3, small.config().numHeadsPresent(1));
            ModelFiles.save(small, dir);
            try (CausalLm reloaded = ModelFiles.load(dir, m);
                    NDScope scope = new NDScope()) {
                assertEquals(Map.of(1, Set.of(2)), ((Gpt2Config) reloaded.config()).prunedHeads());
                NDArray tokens = TinyModels.tokens(m, 8, 2, 12, 99);
                assertAllClose(
                        floats(small.forward(tokens, AttentionProbe.NONE)),
                        floats(reloaded.forward(tokens, AttentionProbe.NONE)),
                        0,
                        "reloaded pruned model");
            }
        }
    }
}
