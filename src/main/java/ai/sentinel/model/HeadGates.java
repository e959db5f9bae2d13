package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.nn.EngineArrays;
import ai.sentinel.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * The (L, H) head gates of a model: a continuous gate {@code g} (a leaf parameter, default 1, so
 * {@code ∂L/∂g} comes straight from autograd) and a binary mask {@code m} (1 = active, 0 = pruned).
 * Attention uses {@code m·g}. This is the only code that writes gates or masks; writes happen in
 * place, outside any gradient collector.
 */
public final class HeadGates {
    private final int numLayers;
    private final int numHeads;
    private final Parameter gate;
    private final NDArray mask;

    public HeadGates(NDManager manager, int numLayers, int numHeads, DataType dtype) {
        this.numLayers = numLayers;
        this.numHeads = numHeads;
        this.gate =
                new Parameter(
                        "head_gates", manager.ones(new Shape(numLayers, numHeads), dtype), false);
        this.mask = manager.ones(new Shape(numLayers, numHeads), dtype);
        mask.setName("head_mask");
    }

    public int numLayers() {
        return numLayers;
    }

    public int numHeads() {
        return numHeads;
    }

    /** The gate parameter (L, H); its gradient is {@code ∂L/∂g}. */
    public Parameter gate() {
        return gate;
    }

    /** {@code m·g} (L, H), created in the caller's scope. */
    public NDArray effective() {
        return gate.value().mul(mask);
    }

    public void setMasked(HeadId head, boolean masked) {
        check(head);
        mask.set(new NDIndex(head.layer(), head.head()), masked ? 0f : 1f);
    }

    public boolean isMasked(HeadId head) {
        check(head);
        return valueAt(mask, head) == 0f;
    }

    public void setGate(HeadId head, float value) {
        check(head);
        gate.value().set(new NDIndex(head.layer(), head.head()), value);
    }

    /**
     * Overwrites every gate from row-major (L·H) values in one engine write — a controller that
     * sets all gates each step would otherwise pay L·H small writes. Masks are left as they are.
     */
    public void setGates(float[] rowMajor) {
        int n = numLayers * numHeads;
        if (rowMajor.length != n) {
            throw new IllegalArgumentException(
                    "expected "
                            + n
                            + " gate values for "
                            + numLayers
                            + " layers × "
                            + numHeads
                            + " heads, got "
                            + rowMajor.length);
        }
        // the scope frees the engine copy and any cast of it
        try (NDScope scope = new NDScope()) {
            NDArray g =
                    EngineArrays.of(mask.getManager(), rowMajor, new Shape(numLayers, numHeads));
            gate.value().set(new NDIndex(":"), g.toType(gate.value().getDataType(), false));
        }
    }

    public float gateValue(HeadId head) {
        check(head);
        return valueAt(gate.value(), head);
    }

    /** One head's entry, read as a float whatever the model's type. */
    private static float valueAt(NDArray values, HeadId head) {
        try (NDScope scope = new NDScope()) {
            return values.get(head.layer(), head.head()).toType(DataType.FLOAT32, false).getFloat();
        }
    }

    public int numActive() {
        int n = 0;
        for (float m : maskValues()) {
            n += m != 0f ? 1 : 0;
        }
        return n;
    }

    /**
     * Unmasked heads whose gate is neither 0 nor 1 — heads still warming up. Hugging Face loaders
     * ignore gates, so a saved folder with such heads computes a different function there.
     */
    public List<HeadId> partiallyOpen() {
        float[] gates = gateValues();
        float[] masks = maskValues();
        List<HeadId> heads = new ArrayList<>();
        for (int i = 0; i < gates.length; i++) {
            if (masks[i] != 0f && gates[i] != 0f && gates[i] != 1f) {
                heads.add(new HeadId(i / numHeads, i % numHeads));
            }
        }
        return heads;
    }

    /** Row-major (L·H) copies, for saving and reporting. */
    public float[] gateValues() {
        return gate.value().toType(DataType.FLOAT32, false).toFloatArray();
    }

    public float[] maskValues() {
        return mask.toType(DataType.FLOAT32, false).toFloatArray();
    }

    /** Overwrites gates and mask from row-major (L·H) values, as read from a saved model. */
    public void load(float[] gateValues, float[] maskValues) {
        int n = numLayers * numHeads;
        if (gateValues.length != n || maskValues.length != n) {
            throw new IllegalArgumentException(
                    "expected "
                            + n
                            + " gate and mask values for "
                            + numLayers
                            + " layers × "
                            + numHeads
                            + " heads, got "
                            + gateValues.length
                            + " and "
                            + maskValues.length);
        }
        for (float m : maskValues) {
            if (m != 0f && m != 1f) {
                throw new IllegalArgumentException("head mask values must be 0 or 1, got " + m);
            }
        }
        Shape shape = new Shape(numLayers, numHeads);
        NDManager m = mask.getManager();
        try (NDArray g = EngineArrays.of(m, gateValues, shape);
                NDArray k = EngineArrays.of(m, maskValues, shape)) {
            gate.value().set(new NDIndex(":"), g.toType(gate.value().getDataType(), false));
            mask.set(new NDIndex(":"), k.toType(mask.getDataType(), false));
        }
    }

    private void check(HeadId head) {
        if (head.layer() >= numLayers || head.head() >= numHeads) {
            throw new IllegalArgumentException(
                    "head "
                            + head
                            + " is outside "
                            + numLayers
                            + " layers × "
                            + numHeads
                            + " heads");
        }
    }
}
