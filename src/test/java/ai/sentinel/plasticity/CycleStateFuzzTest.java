package ai.sentinel.plasticity;

import ai.djl.ndarray.NDManager;
import ai.sentinel.io.AtomicFiles;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.gpt2.Gpt2Config;
import ai.sentinel.model.gpt2.Gpt2Model;
import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * A corrupt {@code cycle_state.json} in a sealed resume folder reads or fails with one line naming
 * it.
 */
class CycleStateFuzzTest {
    private static final Path DIR = FuzzFolder.create("cycle-state");
    private static final String STATE = validState();

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptCycleStateReadsOrFailsClearly(@ForAll("corrupt") byte[] bytes) throws IOException {
        Path run = DIR.resolve("run");
        Path folder = CycleCheckpoint.folder(run);
        AtomicFiles.replaceFolder(
                folder, tmp -> Files.write(tmp.resolve(CycleCheckpoint.STATE_FILE), bytes));
        CleanFailure.check(
                folder.resolve(CycleCheckpoint.STATE_FILE),
                bytes.length,
                () -> CycleCheckpoint.read(run));
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Corruptions.ofJson(STATE);
    }

    private static String validState() {
        Path run = DIR.resolve("template");
        StageResult stage =
                new StageResult(
                        Stage.BASELINE, 1, 10, 2.5, List.of(2.4, 2.6), 7, 1000, List.of("text"));
        CycleResult done =
                new CycleResult(
                        1,
                        stage,
                        stage,
                        stage,
                        stage,
                        List.of(new HeadId(0, 1)),
                        List.of(new HeadId(1, 0)));
        CycleCheckpoint.State state =
                new CycleCheckpoint.State(
                        CycleCheckpoint.Point.BEFORE_TRAINING,
                        2,
                        40,
                        List.of(done),
                        Optional.of(
                                new CycleCheckpoint.FirstHalf(
                                        stage, stage, stage, List.of(new HeadId(0, 0)), List.of())),
                        new long[] {100, 20, 30});
        try (NDManager manager = NDManager.newBaseManager();
                Gpt2Model model = Gpt2Model.initialize(Gpt2Config.of(16, 8, 1, 2, 8), manager, 1)) {
            CycleCheckpoint.save(run, model, java.util.Optional.empty(), state);
            return Files.readString(
                    CycleCheckpoint.folder(run).resolve(CycleCheckpoint.STATE_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
