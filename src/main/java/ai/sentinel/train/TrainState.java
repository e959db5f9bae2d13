package ai.sentinel.train;

import ai.sentinel.data.BatchSampler;
import ai.sentinel.io.JsonFields;
import com.google.gson.JsonObject;

/**
 * Where a run stands: steps done and the sampler's position. With the seed, this is all the
 * randomness there is (the batch order is a function of seed and epoch; no dropout), so a resumed
 * run repeats an uninterrupted one.
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

    /**
     * Parses {@link #toJson}'s output; wrong types or negative positions are errors naming the key.
     */
    static TrainState fromJson(JsonObject json) {
        int version = JsonFields.optInt(json, "format_version", -1);
        if (version != FORMAT_VERSION) {
            throw new IllegalArgumentException(
                    "train state has format version "
                            + version
                            + ", this build reads "
                            + FORMAT_VERSION
                            + "; restart the run or resume it with the Sentinel that wrote it");
        }
        long step = JsonFields.requireLong(json, "step");
        int epoch = JsonFields.requireInt(json, "epoch");
        int offset = JsonFields.requireInt(json, "epoch_offset");
        if (step < 0 || epoch < 0 || offset < 0) {
            throw new IllegalArgumentException(
                    "step, epoch and epoch_offset must be >= 0, got "
                            + step
                            + ", "
                            + epoch
                            + " and "
                            + offset);
        }
        return new TrainState(
                step,
                new BatchSampler.Position(epoch, offset),
                JsonFields.requireLong(json, "seed"));
    }
}
