package ai.sentinel.metrics;

import ai.sentinel.model.HeadId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One number per head, (L, H). Heads that were not measured (removed from the model) hold no value:
 * asking for one is an error: no value is ever made up.
 */
public final class HeadScores {
    private final double[][] values;

    /**
     * @param values [layer][head]; {@code NaN} marks a head that was not measured
     */
    public HeadScores(double[][] values) {
        this.values = new double[values.length][];
        for (int l = 0; l < values.length; l++) {
            this.values[l] = values[l].clone();
        }
    }

    public int numLayers() {
        return values.length;
    }

    public int numHeads() {
        return values.length == 0 ? 0 : values[0].length;
    }

    public boolean isMeasured(HeadId head) {
        return !Double.isNaN(values[head.layer()][head.head()]);
    }

    public double get(HeadId head) {
        double v = values[head.layer()][head.head()];
        if (Double.isNaN(v)) {
            throw new IllegalArgumentException(
                    "head " + head + " was not measured (it is not in the model)");
        }
        return v;
    }

    /** The measured heads in (layer, head) order. */
    public List<HeadId> measured() {
        List<HeadId> heads = new ArrayList<>();
        for (int l = 0; l < values.length; l++) {
            for (int h = 0; h < values[l].length; h++) {
                if (!Double.isNaN(values[l][h])) {
                    heads.add(new HeadId(l, h));
                }
            }
        }
        return heads;
    }

    /** Min-max scaled to [0, 1] over the measured heads (all 0 when they are all equal). */
    public HeadScores minMaxNormalized() {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (HeadId h : measured()) {
            min = Math.min(min, get(h));
            max = Math.max(max, get(h));
        }
        double range = max - min;
        double[][] out = copy();
        for (HeadId h : measured()) {
            out[h.layer()][h.head()] = range > 0 ? (get(h) - min) / range : 0;
        }
        return new HeadScores(out);
    }

    /**
     * Each layer's measured scores divided by their L2 norm (Michel et al. 2019 normalise
     * importance so).
     */
    public HeadScores l2NormalizedPerLayer() {
        double[][] out = copy();
        for (int l = 0; l < values.length; l++) {
            double sum = 0;
            for (double v : values[l]) {
                sum += Double.isNaN(v) ? 0 : v * v;
            }
            double norm = Math.sqrt(sum);
            for (int h = 0; h < values[l].length; h++) {
                if (!Double.isNaN(values[l][h]) && norm > 0) {
                    out[l][h] = values[l][h] / norm;
                }
            }
        }
        return new HeadScores(out);
    }

    /** Head by head {@code this − other}; a head measured in one and not the other is an error. */
    public HeadScores minus(HeadScores other) {
        if (other.numLayers() != numLayers() || other.numHeads() != numHeads()) {
            throw new IllegalArgumentException("scores of different shapes");
        }
        double[][] out = copy();
        for (int l = 0; l < values.length; l++) {
            for (int h = 0; h < values[l].length; h++) {
                if (Double.isNaN(values[l][h]) != Double.isNaN(other.values[l][h])) {
                    throw new IllegalArgumentException(
                            "head " + new HeadId(l, h) + " is measured in only one of the two");
                }
                out[l][h] = values[l][h] - other.values[l][h];
            }
        }
        return new HeadScores(out);
    }

    /** A copy of the values, [layer][head], NaN where not measured. */
    public double[][] copy() {
        double[][] out = new double[values.length][];
        for (int l = 0; l < values.length; l++) {
            out[l] = values[l].clone();
        }
        return out;
    }

    /** [[layer 0 values], ...] with null where a head was not measured. */
    public com.google.gson.JsonArray toJson() {
        com.google.gson.JsonArray rows = new com.google.gson.JsonArray();
        for (double[] row : values) {
            com.google.gson.JsonArray r = new com.google.gson.JsonArray();
            for (double v : row) {
                r.add(
                        Double.isFinite(v)
                                ? new com.google.gson.JsonPrimitive(v)
                                : com.google.gson.JsonNull.INSTANCE);
            }
            rows.add(r);
        }
        return rows;
    }

    @Override
    public String toString() {
        return Arrays.deepToString(values);
    }
}
