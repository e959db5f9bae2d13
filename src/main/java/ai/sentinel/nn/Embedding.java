package ai.sentinel.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;

/** A lookup table: row {@code i} of the (N, C) weight is the vector of id {@code i}. */
public final class Embedding {
    private final Parameter weight; // (N, C)

    public Embedding(Parameter weight) {
        this.weight = weight;
    }

    public NDArray forward(NDArray ids) { // (...) int64 -> (..., C)
        NDArray w = weight.value();
        return w.getNDArrayInternal().embedding(ids, w, SparseFormat.DENSE).singletonOrThrow();
    }

    public Parameter weight() {
        return weight;
    }
}
