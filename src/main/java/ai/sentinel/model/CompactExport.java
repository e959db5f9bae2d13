package ai.sentinel.model;

import ai.sentinel.io.Json;
import ai.sentinel.io.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The {@code hf-compact} export: the model physically smaller, with the standard config of its
 * family ({@link Family#compactConfigJson}), so the plain Hugging Face class loads it at the
 * smaller shapes. Masked heads are removed first and every gate is folded into its head's output
 * slice, so the export computes what Sentinel computed.
 */
public final class CompactExport {
    private CompactExport() {}

    /**
     * Rewrites {@code model} in place (masked heads removed, gates folded) and writes config and
     * weights to {@code folder}; returns what the family says a user must know.
     *
     * @throws NonUniformHeadsException when the family's config needs equal head counts and the
     *     layers differ (nothing is written then)
     * @throws IllegalArgumentException when the family's standard config cannot hold the result
     *     (nothing is written then)
     */
    public static String write(CausalLm model, Path folder) throws IOException {
        return write(model, droppedHeads(model), folder);
    }

    /** The heads the export leaves out: removed ones and masked ones, in layer and head order. */
    public static List<HeadId> droppedHeads(CausalLm model) {
        List<HeadId> dropped = new ArrayList<>();
        for (int layer = 0; layer < model.config().numLayers(); layer++) {
            for (int h = 0; h < model.config().numHeads(); h++) {
                HeadId head = new HeadId(layer, h);
                if (!model.config().isPresent(head) || model.gates().isMasked(head)) {
                    dropped.add(head);
                }
            }
        }
        return dropped;
    }

    /**
     * As {@link #write(CausalLm, Path)}, removing the given heads (those present among them)
     * instead of the masked ones: for a model that {@link MaskedExport#fold} already rewrote, whose
     * masks no longer say which heads were off.
     */
    public static String write(CausalLm model, Collection<HeadId> dropped, Path folder)
            throws IOException {
        List<HeadId> present = dropped.stream().filter(model.config()::isPresent).sorted().toList();
        if (!present.isEmpty()) {
            model.removeHeads(present);
        }
        MaskedExport.foldGates(model);
        Family family = Families.of(model);
        Family.CompactConfig compact = family.compactConfigJson(model);
        java.nio.file.Files.createDirectories(folder);
        Json.write(folder.resolve(ModelFiles.CONFIG_FILE), compact.json());
        SafetensorsWriter.write(
                folder.resolve(ModelFiles.WEIGHTS_FILE),
                family.exportWeights(model),
                Map.of("format", "pt"));
        return compact.note();
    }
}
