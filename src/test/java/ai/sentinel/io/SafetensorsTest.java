package ai.sentinel.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {
    @TempDir Path dir;

    private Path writeRaw(String header, int dataBytes) throws IOException {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b =
                ByteBuffer.allocate(8 + json.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        Path file = dir.resolve("t.safetensors");
        Files.write(file, b.array());
        return file;
    }

    private String refusal(Path file) {
        return assertThrows(
                        SafetensorsFormatException.class, () -> SafetensorsFile.open(file).close())
                .getMessage();
    }

    @Test
    void roundTripsTensorsAndMetadata() throws IOException {
        Path file = dir.resolve("a.safetensors");
        float[] a = {1.5f, -2f, 3.25f, Float.MIN_VALUE, -0f, 7f};
        SafetensorsWriter.write(
                file,
                Map.of(
                        "b",
                        TensorData.ofFloats(a, 2, 3),
                        "a",
                        TensorData.ofLongs(new long[] {1, 2, 3}, 3)),
                Map.of("format", "pt"));
        assertEquals(0, (Files.size(file) - 8 - 24 - 24) % 8, "header padded to 8 bytes");
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(a, f.readFloats("b"));
            assertArrayEquals(new long[] {2, 3}, f.entry("b").shape());
            assertArrayEquals(new long[] {1, 2, 3}, f.readLongs("a"));
            assertEquals(Map.of("format", "pt"), f.metadata());
        }
    }

    @Test
    void widensBf16AndF16ToF32() throws IOException {
        // bf16 0x3FC0 = 1.5, 0xC000 = -2; f16 0x3E00 = 1.5, 0xC000 = -2, 0x0001 = 2^-24
        ByteBuffer data = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
        data.putShort((short) 0x3FC0).putShort((short) 0xC000);
        data.putShort((short) 0x3E00).putShort((short) 0xC000).putShort((short) 0x0001);
        Path file = dir.resolve("h.safetensors");
        SafetensorsWriter.write(
                file,
                Map.of(
                        "bf",
                                new TensorData(
                                        DType.BF16,
                                        new long[] {2},
                                        ByteBuffer.wrap(data.array(), 0, 4)),
                        "hf",
                                new TensorData(
                                        DType.F16,
                                        new long[] {3},
                                        ByteBuffer.wrap(data.array(), 4, 6))),
                Map.of());
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertArrayEquals(new float[] {1.5f, -2f}, f.readFloats("bf"));
            assertArrayEquals(new float[] {1.5f, -2f, 0x1p-24f}, f.readFloats("hf"));
        }
    }

    @Test
    void refusesAFileShorterThanTheLengthField() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertTrue(refusal(file).contains("truncated"), refusal(file));
    }

    @Test
    void refusesAHeaderLengthBeyondTheFile() throws IOException {
        ByteBuffer b =
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putLong(0);
        Path file = dir.resolve("long.safetensors");
        Files.write(file, b.array());
        assertTrue(refusal(file).contains("exceeds"), refusal(file));
    }

    @Test
    void refusesAnOversizedHeaderWithoutReadingIt() throws IOException {
        ByteBuffer b =
                ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).putLong(0);
        Path file = dir.resolve("huge.safetensors");
        Files.write(file, b.array());
        assertTrue(refusal(file).contains("outside the accepted range"), refusal(file));
    }

    @Test
    void refusesTruncatedTensorData() throws IOException {
        Path file =
                writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
        assertTrue(refusal(file).contains("truncated"), refusal(file));
    }

    @Test
    void refusesOffsetsInconsistentWithShape() throws IOException {
        Path file =
                writeRaw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,16]}}", 16);
        assertTrue(refusal(file).contains("need 24 bytes"), refusal(file));
    }

    @Test
    void refusesOverlapsGapsAndTrailingBytes() throws IOException {
        String overlap =
                "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                        + "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}";
        assertTrue(refusal(writeRaw(overlap, 12)).contains("overlap"));
        String gap = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}";
        assertTrue(refusal(writeRaw(gap, 8)).contains("gap"));
        String trailing = "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}";
        assertTrue(refusal(writeRaw(trailing, 12)).contains("cover only 4"));
    }

    @Test
    void refusesBadJsonDtypesAndMetadata() throws IOException {
        assertTrue(refusal(writeRaw("{not json", 0)).contains("not valid JSON"));
        assertTrue(refusal(writeRaw("[1,2]", 0)).contains("not a JSON object"));
        String dtype = "{\"w\":{\"dtype\":\"F8\",\"shape\":[1],\"data_offsets\":[0,1]}}";
        assertTrue(refusal(writeRaw(dtype, 1)).contains("unknown dtype \"F8\""));
        String negative = "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}";
        assertTrue(refusal(writeRaw(negative, 4)).contains("not a non-negative integer"));
        String meta = "{\"__metadata__\":{\"a\":1}}";
        assertTrue(refusal(writeRaw(meta, 0)).contains("not a string"));
    }

    @Test
    void writesAtomicallyLeavingNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("w.safetensors");
        SafetensorsWriter.write(
                file, Map.of("x", TensorData.ofFloats(new float[] {1}, 1)), Map.of());
        SafetensorsWriter.write(
                file, Map.of("x", TensorData.ofFloats(new float[] {2}, 1)), Map.of());
        try (var list = Files.list(dir)) {
            assertEquals(1, list.count());
        }
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            assertTrue(Arrays.equals(new float[] {2}, f.readFloats("x")));
        }
    }
}
