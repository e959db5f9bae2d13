package ai.sentinel.train;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Checkpoint state read back on resume: a corrupt {@code train_state.json} in a sealed checkpoint
 * reads or fails with one line naming it; a corrupt manifest only ever makes the folder incomplete,
 * never an exception.
 */
class CheckpointFuzzTest {
    private static final Path DIR = FuzzFolder.create("checkpoint");
    private static final String STATE =
            new TrainState(120, new ai.sentinel.data.BatchSampler.Position(3, 17), 42)
                    .toJson()
                    .toString();

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptTrainStateReadsOrFailsClearly(@ForAll("corruptState") byte[] bytes)
            throws IOException {
        Path folder = DIR.resolve("checkpoint");
        AtomicFiles.replaceFolder(
                folder, tmp -> Files.write(tmp.resolve(Checkpoint.STATE_FILE), bytes));
        CleanFailure.check(
                folder.resolve(Checkpoint.STATE_FILE),
                bytes.length,
                () -> Checkpoint.readState(folder));
    }

    @Property(seed = FuzzSeed.SEED)
    void aCorruptManifestOnlyMakesTheFolderIncomplete(@ForAll("corruptManifest") byte[] bytes)
            throws IOException {
        Path folder = DIR.resolve("sealed");
        AtomicFiles.replaceFolder(
                folder, tmp -> Files.writeString(tmp.resolve(Checkpoint.STATE_FILE), STATE));
        Path manifest = folder.resolve("manifest.json");
        Files.write(manifest, bytes);
        CleanFailure.check(manifest, bytes.length, () -> AtomicFiles.isComplete(folder));
    }

    @Provide
    Arbitrary<byte[]> corruptState() {
        return Corruptions.ofJson(STATE);
    }

    @Provide
    Arbitrary<byte[]> corruptManifest() throws IOException {
        Path folder = DIR.resolve("template");
        AtomicFiles.replaceFolder(
                folder, tmp -> Files.writeString(tmp.resolve(Checkpoint.STATE_FILE), STATE));
        return Corruptions.ofJson(Files.readString(folder.resolve("manifest.json")));
    }
}
