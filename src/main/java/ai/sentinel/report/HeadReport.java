package ai.sentinel.report;

import ai.sentinel.io.Json;
import ai.sentinel.metrics.HeadMeasurements;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code heads.json} and heat maps of one set of head measurements ({@code sentinel heads --out}).
 */
public final class HeadReport {
    private HeadReport() {}

    /**
     * Writes heads.json, entropy.png, gradient.png and importance.png into {@code folder}; returns
     * it. heads.json holds the key/value shares of gradient norm and magnitude only for
     * grouped-query models.
     */
    public static Path write(HeadMeasurements m, Path folder) throws IOException {
        Files.createDirectories(folder);
        JsonObject json = new JsonObject();
        json.add("entropy", m.entropy().toJson());
        json.add("normalized_entropy", m.normalizedEntropy().toJson());
        json.add("gradient_norm", m.gradientNorm().toJson());
        json.add("magnitude", m.magnitude().toJson());
        if (m.kvShared()) {
            // grouped-query attention: how much of each total came from the group's key/value
            // slices (under multi-head attention they are the head's own and not worth a key)
            json.add("gradient_norm_kv_share", m.gradientNormKvShare().toJson());
            json.add("magnitude_kv_share", m.magnitudeKvShare().toJson());
        }
        json.add("importance", m.importance().toJson());
        json.addProperty("batches", m.batches());
        Json.write(folder.resolve("heads.json"), json);
        Charts.write(
                HeatMaps.values(
                        "Normalised attention entropy (1 = uniform)",
                        m.normalizedEntropy().copy(),
                        "%.2f"),
                folder.resolve("entropy.png"));
        Charts.write(
                HeatMaps.values("Gradient norm per head", m.gradientNorm().copy(), "%.3f"),
                folder.resolve("gradient.png"));
        Charts.write(
                HeatMaps.values("Importance E|dL/dg| per head", m.importance().copy(), "%.4f"),
                folder.resolve("importance.png"));
        return folder;
    }
}
