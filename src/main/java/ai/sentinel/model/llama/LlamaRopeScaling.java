package ai.sentinel.model.llama;

import ai.sentinel.io.Json;
import ai.sentinel.io.JsonFields;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

/**
 * How a checkpoint stretches its rotary frequencies beyond the trained context ({@code
 * rope_scaling} in {@code config.json}; HF {@code modeling_rope_utils.py}). {@code linear} divides
 * every inverse frequency by {@code factor}; {@code llama3} leaves high frequencies alone, divides
 * low ones by {@code factor} and blends in between: with wavelength {@code λ = 2π/f} and {@code L₀
 * = originalMaxPositions}, {@code λ < L₀/high → f}; {@code λ > L₀/low → f/factor}; otherwise {@code
 * s = (L₀/λ − low)/(high − low)}, {@code f' = (1 − s)·f/factor + s·f}.
 */
record LlamaRopeScaling(
        Type type,
        double factor,
        double lowFreqFactor,
        double highFreqFactor,
        int originalMaxPositions) {
    enum Type {
        NONE,
        LINEAR,
        LLAMA3
    }

    static final LlamaRopeScaling NONE = new LlamaRopeScaling(Type.NONE, 1, 0, 0, 0);

    LlamaRopeScaling {
        if (type != Type.NONE && !(factor > 0 && Double.isFinite(factor))) {
            throw new IllegalArgumentException("rope_scaling factor must be > 0, got " + factor);
        }
        if (type == Type.LLAMA3
                && !(highFreqFactor > lowFreqFactor
                        && lowFreqFactor > 0
                        && originalMaxPositions > 0)) {
            throw new IllegalArgumentException(
                    "rope_scaling llama3 needs high_freq_factor > low_freq_factor > 0 and "
                            + "original_max_position_embeddings > 0, got "
                            + highFreqFactor
                            + ", "
                            + lowFreqFactor
                            + ", "
                            + originalMaxPositions);
        }
    }

    /** {@code inv_freq_i = θ^(−2i/D)}, i = 0 .. D/2 − 1, then scaled. */
    double[] inverseFrequencies(double theta, int headDim) {
        double[] f = new double[headDim / 2];
        for (int i = 0; i < f.length; i++) {
            // float32, as HF computes them: 1 / θ^(float(2i)/D)
            f[i] = (float) (1.0 / Math.pow(theta, (float) (2.0 * i) / headDim));
            f[i] = scale(f[i]);
        }
        return f;
    }

    private double scale(double f) {
        return switch (type) {
            case NONE -> f;
            case LINEAR -> f / factor;
            case LLAMA3 -> {
                double wavelength = 2 * Math.PI / f;
                if (wavelength < originalMaxPositions / highFreqFactor) {
                    yield f;
                } else if (wavelength > originalMaxPositions / lowFreqFactor) {
                    yield f / factor;
                }
                double s =
                        (originalMaxPositions / wavelength - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                yield (1 - s) * f / factor + s * f;
            }
        };
    }

    /**
     * Parses {@code rope_scaling} (null = none), reading {@code rope_type} or the legacy {@code
     * type}.
     */
    static LlamaRopeScaling fromHfJson(JsonElement element) {
        if (element == null || element.isJsonNull()) {
            return NONE;
        }
        JsonObject json = JsonFields.asObject(element, "rope_scaling");
        String type =
                JsonFields.has(json, "rope_type")
                        ? JsonFields.requireString(json, "rope_type")
                        : JsonFields.optString(json, "type", "default");
        return switch (type) {
            case "default" -> NONE;
            case "linear" ->
                    new LlamaRopeScaling(
                            Type.LINEAR, JsonFields.optDouble(json, "factor", Double.NaN), 0, 0, 0);
            case "llama3" ->
                    new LlamaRopeScaling(
                            Type.LLAMA3,
                            JsonFields.optDouble(json, "factor", Double.NaN),
                            JsonFields.optDouble(json, "low_freq_factor", 1),
                            JsonFields.optDouble(json, "high_freq_factor", 4),
                            JsonFields.requireInt(json, "original_max_position_embeddings"));
            default ->
                    throw new IllegalArgumentException(
                            "rope_scaling type "
                                    + Json.quote(type)
                                    + " is not supported (accepted: default, linear, llama3)");
        };
    }

    /** The {@code rope_scaling} value of {@code config.json}: null or an object. */
    JsonElement toHfJson() {
        if (type == Type.NONE) {
            return com.google.gson.JsonNull.INSTANCE;
        }
        JsonObject json = new JsonObject();
        json.addProperty("rope_type", type == Type.LINEAR ? "linear" : "llama3");
        json.addProperty("factor", factor);
        if (type == Type.LLAMA3) {
            json.addProperty("low_freq_factor", lowFreqFactor);
            json.addProperty("high_freq_factor", highFreqFactor);
            json.addProperty("original_max_position_embeddings", originalMaxPositions);
        }
        return json;
    }
}
