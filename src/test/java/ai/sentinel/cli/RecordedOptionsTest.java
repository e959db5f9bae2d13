package ai.sentinel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.sentinel.io.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class RecordedOptionsTest {
    @Test
    void everyDifferenceIsNamedWithBothValuesNestedKeysJoinedByDots() throws Exception {
        var recorded =
                Json.parseObject(
                        "{\"seed\": 42, \"cycles\": 3, \"controller\": {\"type\": \"LEARNED\","
                                + " \"lr\": 0.05}, \"unet\": true}",
                        "test");
        var now =
                Json.parseObject(
                        "{\"seed\": 7, \"cycles\": 3.0, \"controller\": {\"type\": \"THRESHOLD\","
                                + " \"lr\": 0.05}, \"batch_size\": 8}",
                        "test");
        IllegalArgumentException e =
                assertThrows(
                        IllegalArgumentException.class,
                        () ->
                                RecordedOptions.requireSame(
                                        Path.of("runs/a"), "x.json", recorded, now));
        assertEquals(
                "--resume: "
                        + Path.of("runs/a")
                        + " was started with other options (x.json): batch_size: none in the run,"
                        + " 8 now; controller.type: \"LEARNED\" in the run, \"THRESHOLD\" now;"
                        + " seed: 42 in the run, 7 now; unet: true in the run, none now; resume with"
                        + " the same options",
                e.getMessage());
        RecordedOptions.requireSame(Path.of("runs/a"), "x.json", recorded, recorded.deepCopy());
    }
}
