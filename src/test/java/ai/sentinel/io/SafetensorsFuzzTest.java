package ai.sentinel.io;

import ai.sentinel.testing.CleanFailure;
import ai.sentinel.testing.Corruptions;
import ai.sentinel.testing.FuzzFolder;
import ai.sentinel.testing.FuzzSeed;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Corrupt safetensors files (damaged bytes, and valid length prefixes around damaged headers: huge
 * shapes and offsets, wrong JSON types, deep nesting) open and read with either success or one
 * clear error naming the file. Tries: jqwik.tries.default (small in the normal suite, 10,000 with
 * -Pfuzz).
 */
class SafetensorsFuzzTest {
    private static final Path DIR = FuzzFolder.create("safetensors");
    private static final byte[] VALID = validFile();
    private static final String HEADER = header(VALID);

    @AfterContainer
    static void cleanUp() throws IOException {
        AtomicFiles.deleteRecursively(DIR);
    }

    @Property(seed = FuzzSeed.SEED)
    void corruptFilesFailClearly(@ForAll("corrupt") byte[] bytes) throws IOException {
        Path file = DIR.resolve("model.safetensors");
        Files.write(file, bytes);
        CleanFailure.check(
                file,
                bytes.length,
                () -> {
                    try (SafetensorsFile st = SafetensorsFile.open(file)) {
                        for (SafetensorsFile.Entry e : st.entries().values()) {
                            switch (e.dtype()) {
                                case I64, I32 -> st.readLongs(e.name());
                                default -> st.readFiniteFloats(e.name());
                            }
                        }
                    }
                });
    }

    @Provide
    Arbitrary<byte[]> corrupt() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(2, Corruptions.of(VALID)),
                net.jqwik.api.Tuple.of(
                        4, Corruptions.jsonDamaged(HEADER).map(h -> withHeader(h, VALID))),
                net.jqwik.api.Tuple.of(
                        1, Arbitraries.longs().map(length -> withLength(length, VALID))));
    }

    /** Three small tensors of different dtypes, as SafetensorsWriter lays them out. */
    private static byte[] validFile() {
        try {
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            tensors.put("a", TensorData.ofFloats(new float[] {1, 2, 3, 4, 5, 6}, 2, 3));
            tensors.put("b", TensorData.ofLongs(new long[] {7, 8}, 2));
            ByteBuffer half = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            half.putShort((short) 0x3c00)
                    .putShort((short) 0x4000)
                    .putShort((short) 0xc000)
                    .putShort((short) 0);
            tensors.put("c", new TensorData(DType.F16, new long[] {4}, half.flip()));
            Path file = DIR.resolve("valid.safetensors");
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String header(byte[] file) {
        int length = (int) ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        return new String(file, 8, length, StandardCharsets.UTF_8).strip();
    }

    /** The data area of {@code valid} behind a new header with a correct length prefix. */
    private static byte[] withHeader(String header, byte[] valid) {
        int oldLength = (int) ByteBuffer.wrap(valid).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer out =
                ByteBuffer.allocate(8 + json.length + valid.length - 8 - oldLength)
                        .order(ByteOrder.LITTLE_ENDIAN);
        out.putLong(json.length).put(json).put(valid, 8 + oldLength, valid.length - 8 - oldLength);
        return out.array();
    }

    private static byte[] withLength(long length, byte[] valid) {
        byte[] copy = valid.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, length);
        return copy;
    }
}
