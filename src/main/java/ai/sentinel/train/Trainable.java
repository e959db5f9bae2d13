package ai.sentinel.train;

import ai.sentinel.model.CausalLm;
import ai.sentinel.model.HeadId;
import ai.sentinel.nn.Parameter;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Locale;
import java.util.Set;

/**
 * Which of a model's parameters training updates, chosen by name. Full AdamW holds four copies of
 * every trained weight (the weight, its gradient, two moments): 17.6 GB for a 1.1B model in F32,
 * which with activations did not fit a 24 GB machine (bench/RESULTS.md). Training only the
 * attention needs a fifth of that state for Llama shapes and still trains every head the cycle
 * prunes, grows and gates.
 */
public enum Trainable {
    /** Every parameter. */
    ALL,
    /**
     * The attention projections (the matrices holding head slices) and every vector parameter (norm
     * weights, biases); the embeddings, the unembedding and the MLP matrices stay fixed.
     */
    ATTENTION;

    /** The names users type. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Trainable parse(String name) {
        for (Trainable t : values()) {
            if (t.label().equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("--train must be all or attention, got " + name);
    }

    /** Marks the model's parameters trainable or frozen accordingly. */
    public void applyTo(CausalLm model) {
        Set<Parameter> attention = Collections.newSetFromMap(new IdentityHashMap<>());
        for (int layer = 0; layer < model.config().numLayers(); layer++) {
            for (int head : model.config().headsPresent(layer)) {
                model.headLayout()
                        .slices(new HeadId(layer, head))
                        .forEach(s -> attention.add(s.parameter()));
            }
        }
        for (Parameter p : model.parameters()) {
            p.setTrainable(
                    this == ALL || attention.contains(p) || p.value().getShape().dimension() == 1);
        }
    }
}
