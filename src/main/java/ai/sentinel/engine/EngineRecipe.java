package ai.sentinel.engine;

import java.util.List;

/**
 * How one libtorch build is assembled: which jars, and which of their entries become the files of
 * the engine's folder (by their base name; DJL loads {@code libtorch.so} from there and the rest
 * through each library's {@code $ORIGIN} run path).
 *
 * @param key the cache folder's name, unique per build and version
 * @param libtorchVersion what DJL is told the folder holds ({@code PYTORCH_VERSION})
 * @param flavor DJL's flavor for its JNI library ({@code cpu}, {@code cu128})
 */
public record EngineRecipe(String key, String libtorchVersion, String flavor, List<Part> parts) {
    /** Entries of one artifact to extract. */
    public record Part(MavenArtifact artifact, List<String> entries) {
        public Part {
            entries = List.copyOf(entries);
        }
    }

    public EngineRecipe {
        parts = List.copyOf(parts);
    }
}
