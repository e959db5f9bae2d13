package ai.sentinel.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataTest {
    private static int[] counting(int n) {
        int[] t = new int[n];
        for (int i = 0; i < n; i++) {
            t[i] = i;
        }
        return t;
    }

    @Test
    void blocksPairInputsWithNextTokenTargets() {
        TokenBlocks blocks = new TokenBlocks(counting(25), 8);
        assertEquals(3, blocks.numBlocks());
        Batch b = Batch.of(blocks, new int[] {2});
        assertArrayEquals(new long[] {16, 17, 18, 19, 20, 21, 22, 23}, b.inputs());
        assertArrayEquals(new long[] {17, 18, 19, 20, 21, 22, 23, 24}, b.targets());
    }

    @Test
    void splitKeepsValidationTextOutOfTraining() {
        TextDataset d = TextDataset.split(counting(1000), 10, 0.1);
        assertEquals(900, d.train().numTokens());
        assertEquals(100, d.validation().numTokens());
        assertThrows(
                IllegalArgumentException.class, () -> TextDataset.split(counting(50), 10, 0.1));
    }

    @Test
    void everyEpochVisitsEveryBlockOnceInASeededOrderThatResumesExactly() {
        TokenBlocks blocks = new TokenBlocks(counting(801), 8); // 100 blocks
        BatchSampler a = new BatchSampler(blocks, 10, 7, new BatchSampler.Position(0, 0));
        Set<Long> firsts = new HashSet<>();
        Batch[] epoch = new Batch[10];
        for (int i = 0; i < 10; i++) {
            epoch[i] = a.next();
            for (int r = 0; r < 10; r++) {
                firsts.add(epoch[i].inputs()[r * 8]);
            }
        }
        assertEquals(100, firsts.size());
        BatchSampler resumed = new BatchSampler(blocks, 10, 7, new BatchSampler.Position(0, 40));
        assertArrayEquals(epoch[4].inputs(), resumed.next().inputs());
        BatchSampler otherSeed = new BatchSampler(blocks, 10, 8, new BatchSampler.Position(0, 0));
        assertNotEquals(
                java.util.Arrays.toString(epoch[0].inputs()),
                java.util.Arrays.toString(otherSeed.next().inputs()));
        // the end of an epoch and the start of the next are the same place
        assertEquals(new BatchSampler.Position(0, 100), a.position());
        assertArrayEquals(
                new BatchSampler(blocks, 10, 7, new BatchSampler.Position(1, 0)).next().inputs(),
                a.next().inputs());
    }

    @Test
    void tinyShakespeareIsBuiltInUnlessTheDataFolderHoldsACopy(@TempDir Path dir)
            throws IOException {
        String builtIn = new DatasetLocator(dir).read("tiny_shakespeare");
        assertEquals(1_115_394, builtIn.getBytes(StandardCharsets.UTF_8).length);
        assertTrue(
                builtIn.startsWith(
                        "First Citizen:\nBefore we proceed any further, hear me speak."));
        assertEquals(
                "built-in tiny Shakespeare", new DatasetLocator(dir).describe("tiny_shakespeare"));
        Files.writeString(dir.resolve("tinyshakespeare.txt"), "x");
        assertEquals(
                dir.resolve("tinyshakespeare.txt"),
                new DatasetLocator(dir).locate("tiny_shakespeare"));
        assertEquals("x", new DatasetLocator(dir).read("tiny_shakespeare"));
        IOException e =
                assertThrows(
                        IOException.class, () -> new DatasetLocator(dir).locate("no_such_thing"));
        assertTrue(e.getMessage().contains("europarl-en, tiny_shakespeare"), e.getMessage());
    }

    @Test
    void textThatIsNotUtf8IsRefusedWithTheFileAndByteOffset(@TempDir Path dir) throws IOException {
        Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        IOException e = assertThrows(IOException.class, () -> TextCorpus.read(latin1));
        assertTrue(
                e.getMessage().contains(latin1.toString())
                        && e.getMessage().contains("byte offset 3")
                        && e.getMessage().contains("--encoding"),
                e.getMessage());
        assertEquals("caf\u00e9 au lait", TextCorpus.read(latin1, StandardCharsets.ISO_8859_1));
    }

    @Test
    void aFolderOfTextFilesIsReadInNameOrder(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("b.txt"), "second");
        Files.writeString(dir.resolve("a.txt"), "first");
        Files.writeString(dir.resolve("ignored.md"), "not text");
        assertEquals("first\nsecond", TextCorpus.read(dir));
    }
}
