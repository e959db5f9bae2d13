package ai.sentinel.model;

import ai.sentinel.model.gpt2.Gpt2Model;
import com.google.gson.JsonObject;

/** The model families Sentinel implements, keyed by HF {@code model_type}. */
public enum ModelFamily {
    GPT2("gpt2");

    private final String modelType;

    ModelFamily(String modelType) {
        this.modelType = modelType;
    }

    public String modelType() {
        return modelType;
    }

    static ModelFamily of(JsonObject config) {
        String type = ai.sentinel.io.JsonFields.optString(config, "model_type", "");
        for (ModelFamily f : values()) {
            if (f.modelType.equals(type)) {
                return f;
            }
        }
        throw new IllegalArgumentException("config.json has model_type " + ai.sentinel.io.Json.quote(type)
                + "; supported: gpt2 (GPT-2, DistilGPT-2 and other GPT-2-shaped models)");
    }

    static ModelFamily of(CausalLm model) {
        if (model instanceof Gpt2Model) {
            return GPT2;
        }
        throw new IllegalArgumentException("unsupported model class " + model.getClass().getName());
    }
}
