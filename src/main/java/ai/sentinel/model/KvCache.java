package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDScope;

/**
 * Keys and values of the positions already processed, per layer, for incremental decoding.
 *
 * <p>The cache outlives the scope of each decoding step: arrays it keeps are unregistered from the
 * current {@link NDScope} and freed by {@link #close()} or when replaced.
 */
public final class KvCache implements AutoCloseable {
    private final NDArray[] keys;
    private final NDArray[] values;
    private int length;

    public KvCache(int numLayers) {
        this.keys = new NDArray[numLayers];
        this.values = new NDArray[numLayers];
    }

    /** Number of positions cached (the same in every layer once a forward pass is complete). */
    public int length() {
        return length;
    }

    /**
     * Appends new keys and values of {@code layer} and returns everything cached for it.
     *
     * @param newKeys (B, N, T, D): N = the layer's present heads, or its key/value groups under
     *     grouped-query attention (cached once per group, not repeated per query head)
     * @return {keys, values}, each (B, N, length + T, D)
     */
    public NDArray[] append(int layer, NDArray newKeys, NDArray newValues) {
        NDArray k =
                keys[layer] == null
                        ? newKeys.duplicate()
                        : NDArrays.concat(new ai.djl.ndarray.NDList(keys[layer], newKeys), 2);
        NDArray v =
                values[layer] == null
                        ? newValues.duplicate()
                        : NDArrays.concat(new ai.djl.ndarray.NDList(values[layer], newValues), 2);
        NDScope.unregister(k, v);
        close(layer);
        keys[layer] = k;
        values[layer] = v;
        if (layer == keys.length - 1) {
            length = Math.toIntExact(k.getShape().get(2));
        }
        return new NDArray[] {k, v};
    }

    private void close(int layer) {
        if (keys[layer] != null) {
            keys[layer].close();
            values[layer].close();
        }
    }

    /** Frees everything cached; the cache is then empty and can be filled again. */
    public void clear() {
        for (int layer = 0; layer < keys.length; layer++) {
            close(layer);
            keys[layer] = null;
            values[layer] = null;
        }
        length = 0;
    }

    @Override
    public void close() {
        clear();
    }
}
