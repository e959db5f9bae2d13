package ai.sentinel.train;

import ai.sentinel.data.BatchSampler;
import com.google.gson.JsonObject;

/**
 * Where a run stands: steps done and the sampler's position. With the seed, this is all the randomness there is
 * (the batch order is a function of seed and epoch; no dropout), so a resumed run repeats an uninterrupted one.
 */
public record TrainState(long step, BatchSampler.Position samplerPosition, long seed) {
    static final int FORMAT_VERSION = 1;

    public static TrainState fresh(long seed) {
        return new TrainState(0, new BatchSampler.Position(0, 0), seed);
    }

    JsonObject toJson() {
        JsonObject json = new JsonObject();
        json.addProperty("format_version", FORMAT_VERSION);
        json.addProperty("step", step);
        json.addProperty("epoch", samplerPosition.epoch());
        json.addProperty("epoch_offset", samplerPosition.offset());
        json.addProperty("seed", seed);
        return json;
    }

    static TrainState fromJson(JsonObject json) {
        int version = json.has("format_version") ? json.get("format_version").getAsInt() : -1;
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException("train state has format version " + version + ", this build reads "
                    + FORMAT_VERSION + "; restart the run or resume it with the Sentinel that wrote it");
        }
        return new TrainState(json.get("step").getAsLong(), new BatchSampler.Position(json.get("epoch").getAsInt(),
                json.get("epoch_offset").getAsInt()), json.get("seed").getAsLong());
    }
}
