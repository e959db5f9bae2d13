package ai.sentinel.plasticity;

import ai.sentinel.model.HeadId;
import java.util.Arrays;

/**
 * One number per head slot, rows = layers: a measurement (NaN where a head was not measured) or a
 * head-map flag (1 or 0). Immutable: the array is copied in and out.
 */
public final class HeadGrid {
    private final double[][] values;

    public HeadGrid(double[][] values) {
        this.values = copy(values);
    }

    public int numLayers() {
        return values.length;
    }

    public int numHeads() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public double get(HeadId head) {
        return values[head.layer()][head.head()];
    }

    public double[][] values() {
        return copy(values);
    }

    private static double[][] copy(double[][] v) {
        double[][] out = new double[v.length][];
        for (int l = 0; l < v.length; l++) {
            out[l] = v[l].clone();
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HeadGrid g && Arrays.deepEquals(values, g.values);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(values);
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
