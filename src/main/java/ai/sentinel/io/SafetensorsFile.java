package ai.sentinel.io;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A safetensors file, validated in full when opened; tensors are read one at a time.
 *
 * <p>Layout (huggingface/safetensors): an 8-byte little-endian header length N, N bytes of UTF-8
 * JSON mapping each tensor name to {@code {dtype, shape, data_offsets: [begin, end]}} (offsets
 * relative to the data area) plus an optional {@code __metadata__} map of strings, then the data
 * area. Every tensor's byte range must match its dtype and shape, the ranges must tile the data
 * area with no gap or overlap, and the data area must end where the file ends. Tensor bytes are
 * copied out on read, so callers may train them.
 */
public final class SafetensorsFile implements TensorSource {
    /**
     * Headers above this size are refused before being read, as the reference implementation does.
     */
    public static final long MAX_HEADER_BYTES = 100L * 1024 * 1024;

    /** Where one tensor lives in the data area. */
    public record Entry(String name, DType dtype, long[] shape, long begin, long end) {
        public long numElements() {
            return TensorData.numElements(shape);
        }
    }

    private final Path path;
    private final FileChannel channel;
    private final long dataStart;
    private final Map<String, Entry> entries;
    private final Map<String, String> metadata;

    private SafetensorsFile(
            Path path,
            FileChannel channel,
            long dataStart,
            Map<String, Entry> entries,
            Map<String, String> metadata) {
        this.path = path;
        this.channel = channel;
        this.dataStart = dataStart;
        this.entries = entries;
        this.metadata = metadata;
    }

    /**
     * Opens and validates {@code path}; a malformed file raises {@link SafetensorsFormatException}.
     */
    /**
     * Tensor {@code name} as stored here, to write into another file: its bytes are copied from
     * this file when written (never held), so keep the file open until then.
     */
    public StoredTensor stored(String name) throws IOException {
        Entry e = entry(name);
        return new StoredTensor() {
            @Override
            public DType dtype() {
                return e.dtype();
            }

            @Override
            public long[] shape() {
                return e.shape().clone();
            }

            @Override
            public void writeTo(WritableByteChannel out) throws IOException {
                long position = dataStart + e.begin();
                long left = e.end() - e.begin();
                while (left > 0) {
                    long n = channel.transferTo(position, left, out);
                    if (n <= 0) {
                        throw new SafetensorsFormatException(path, "truncated in " + e.name());
                    }
                    position += n;
                    left -= n;
                }
            }
        };
    }

    public static SafetensorsFile open(Path path) throws IOException {
        FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
        try {
            long size = channel.size();
            if (size < 8) {
                throw new SafetensorsFormatException(
                        path,
                        "truncated: " + size + " bytes, shorter than the 8-byte header length");
            }
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(path, channel, lengthBytes, 0);
            long headerLength = lengthBytes.getLong(0);
            if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
                throw new SafetensorsFormatException(
                        path,
                        "header length "
                                + headerLength
                                + " is outside the accepted range 2.."
                                + MAX_HEADER_BYTES);
            }
            if (headerLength > size - 8) {
                throw new SafetensorsFormatException(
                        path,
                        "truncated: header length "
                                + headerLength
                                + " exceeds the "
                                + (size - 8)
                                + " bytes after the length field");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(path, channel, headerBytes, 8);
            JsonObject header = parseHeader(path, headerBytes);
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, Entry> entries =
                    parseEntries(path, header, metadata, size - 8 - headerLength);
            return new SafetensorsFile(path, channel, 8 + headerLength, entries, metadata);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static void readFully(Path path, FileChannel channel, ByteBuffer target, long position)
            throws IOException {
        while (target.hasRemaining()) {
            if (channel.read(target, position + target.position()) < 0) {
                throw new SafetensorsFormatException(path, "unexpected end of file");
            }
        }
        target.flip();
    }

    private static JsonObject parseHeader(Path path, ByteBuffer bytes)
            throws SafetensorsFormatException {
        String text;
        try {
            text =
                    StandardCharsets.UTF_8
                            .newDecoder()
                            .onMalformedInput(CodingErrorAction.REPORT)
                            .decode(bytes)
                            .toString();
        } catch (CharacterCodingException e) {
            throw new SafetensorsFormatException(path, "header is not valid UTF-8");
        }
        try {
            JsonElement json = Json.parse(text, "header");
            if (!json.isJsonObject()) {
                throw new SafetensorsFormatException(path, "header is not a JSON object");
            }
            return json.getAsJsonObject();
        } catch (JsonFormatException e) {
            throw new SafetensorsFormatException(
                    path,
                    "header is not valid JSON ("
                            + e.getMessage().substring("header: ".length())
                            + ")");
        }
    }

    private static Map<String, Entry> parseEntries(
            Path path, JsonObject header, Map<String, String> metadata, long dataSize)
            throws SafetensorsFormatException {
        List<Entry> list = new ArrayList<>();
        for (Map.Entry<String, JsonElement> field : header.entrySet()) {
            if (field.getKey().equals("__metadata__")) {
                readMetadata(path, field.getValue(), metadata);
            } else {
                list.add(parseEntry(path, field.getKey(), field.getValue()));
            }
        }
        List<Entry> byOffset = new ArrayList<>(list);
        byOffset.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expectedBegin = 0;
        for (Entry e : byOffset) {
            if (e.begin() != expectedBegin) {
                throw new SafetensorsFormatException(
                        path,
                        "tensor "
                                + quote(e.name())
                                + " starts at byte "
                                + e.begin()
                                + " but the previous tensor ends at "
                                + expectedBegin
                                + (e.begin() < expectedBegin ? " (overlap)" : " (gap)"));
            }
            expectedBegin = e.end();
        }
        if (expectedBegin != dataSize) {
            throw new SafetensorsFormatException(
                    path,
                    expectedBegin > dataSize
                            ? "truncated: tensors need "
                                    + expectedBegin
                                    + " data bytes but the file has "
                                    + dataSize
                            : "data area has "
                                    + dataSize
                                    + " bytes but tensors cover only "
                                    + expectedBegin);
        }
        Map<String, Entry> entries = new LinkedHashMap<>();
        list.forEach(e -> entries.put(e.name(), e));
        return Collections.unmodifiableMap(entries);
    }

    private static void readMetadata(Path path, JsonElement value, Map<String, String> metadata)
            throws SafetensorsFormatException {
        if (!value.isJsonObject()) {
            throw new SafetensorsFormatException(path, "__metadata__ is not an object of strings");
        }
        for (Map.Entry<String, JsonElement> m : value.getAsJsonObject().entrySet()) {
            if (!m.getValue().isJsonPrimitive() || !m.getValue().getAsJsonPrimitive().isString()) {
                throw new SafetensorsFormatException(
                        path, "__metadata__ value for " + quote(m.getKey()) + " is not a string");
            }
            metadata.put(m.getKey(), m.getValue().getAsString());
        }
    }

    private static Entry parseEntry(Path path, String name, JsonElement value)
            throws SafetensorsFormatException {
        String where = "tensor " + quote(name) + ": ";
        if (!value.isJsonObject()) {
            throw new SafetensorsFormatException(path, where + "entry is not an object");
        }
        JsonObject o = value.getAsJsonObject();
        if (!o.has("dtype") || !o.has("shape") || !o.has("data_offsets")) {
            throw new SafetensorsFormatException(
                    path, where + "needs dtype, shape and data_offsets");
        }
        DType dtype;
        try {
            dtype = DType.parse(o.get("dtype").getAsString());
        } catch (RuntimeException e) {
            throw new SafetensorsFormatException(path, where + e.getMessage());
        }
        long[] shape = longArray(path, where + "shape", o.get("shape"), -1);
        long[] offsets = longArray(path, where + "data_offsets", o.get("data_offsets"), 2);
        if (offsets[1] < offsets[0]) {
            throw new SafetensorsFormatException(
                    path,
                    where + "data_offsets end " + offsets[1] + " is before begin " + offsets[0]);
        }
        long bytes;
        try {
            bytes = Math.multiplyExact(TensorData.numElements(shape), (long) dtype.byteSize());
        } catch (ArithmeticException e) {
            throw new SafetensorsFormatException(path, where + "shape is too large");
        }
        if (offsets[1] - offsets[0] != bytes) {
            throw new SafetensorsFormatException(
                    path,
                    where
                            + "shape and dtype need "
                            + bytes
                            + " bytes but data_offsets span "
                            + (offsets[1] - offsets[0]));
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    private static long[] longArray(Path path, String what, JsonElement value, int requiredLength)
            throws SafetensorsFormatException {
        if (!value.isJsonArray()) {
            throw new SafetensorsFormatException(path, what + " is not an array");
        }
        JsonArray array = value.getAsJsonArray();
        if (requiredLength >= 0 && array.size() != requiredLength) {
            throw new SafetensorsFormatException(
                    path, what + " must have " + requiredLength + " entries");
        }
        long[] result = new long[array.size()];
        for (int i = 0; i < result.length; i++) {
            JsonElement e = array.get(i);
            if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
                throw new SafetensorsFormatException(path, what + " holds a non-number");
            }
            double d = e.getAsDouble();
            if (d < 0 || d != Math.rint(d) || d > Long.MAX_VALUE / 16) {
                throw new SafetensorsFormatException(
                        path, what + " holds " + e + ", not a non-negative integer");
            }
            result[i] = e.getAsLong();
        }
        return result;
    }

    private static String quote(String name) {
        return Json.quote(name);
    }

    @Override
    public Path path() {
        return path;
    }

    @Override
    public Map<String, Entry> entries() {
        return entries;
    }

    public Map<String, String> metadata() {
        return Collections.unmodifiableMap(metadata);
    }

    @Override
    public Entry entry(String name) throws IOException {
        Entry e = entries.get(name);
        if (e == null) {
            throw new IOException(path + ": no tensor named " + quote(name));
        }
        return e;
    }

    /**
     * Reads a floating-point tensor as {@link #readFloats} does and refuses one holding NaN or an
     * infinity, naming the tensor and the first bad element: weights and optimizer state are only
     * ever finite.
     */
    @Override
    public float[] readFiniteFloats(String name) throws IOException {
        float[] out = new float[Math.toIntExact(entry(name).numElements())];
        decode(entry(name), FloatBuffer.wrap(out), true);
        return out;
    }

    /**
     * As {@link #readFiniteFloats(String)}, into {@code target} from its position on (which then
     * advances past the tensor). The file is read in small chunks, never mapped: mapped pages count
     * towards the process's resident memory until the collector unmaps them, and a loader must hold
     * no more than the tensors it has built.
     */
    @Override
    public void readFiniteFloats(String name, FloatBuffer target) throws IOException {
        Entry e = entry(name);
        if (target.remaining() < e.numElements()) {
            throw new IllegalArgumentException(
                    "tensor "
                            + quote(name)
                            + " has "
                            + e.numElements()
                            + " elements, the target room for "
                            + target.remaining());
        }
        decode(e, target, true);
    }

    /**
     * Reads a floating-point tensor, widening F16 and BF16 to F32 (BF16 is never handed to the
     * engine).
     */
    public float[] readFloats(String name) throws IOException {
        float[] out = new float[Math.toIntExact(entry(name).numElements())];
        decode(entry(name), FloatBuffer.wrap(out), false);
        return out;
    }

    /** Bytes read from the file at a time while widening a tensor. */
    private static final int CHUNK_BYTES = 1 << 20;

    /** Widens {@code e} to F32 into {@code out}, chunk by chunk; optionally refuses non-finite. */
    private void decode(Entry e, FloatBuffer out, boolean finiteOnly) throws IOException {
        DType dtype = e.dtype();
        if (dtype != DType.F32 && dtype != DType.F64 && dtype != DType.BF16 && dtype != DType.F16) {
            throw new IOException(
                    path
                            + ": tensor "
                            + quote(e.name())
                            + " has dtype "
                            + dtype
                            + ", expected F32, F16, BF16 or F64");
        }
        long n = e.numElements();
        int size = dtype.byteSize();
        ByteBuffer chunk =
                ByteBuffer.allocate(
                                (int) Math.min(CHUNK_BYTES, Math.max(size, e.end() - e.begin())))
                        .order(ByteOrder.LITTLE_ENDIAN);
        long done = 0;
        while (done < n) {
            int count = (int) Math.min(n - done, chunk.capacity() / size);
            chunk.clear().limit(count * size);
            readFully(path, channel, chunk, dataStart + e.begin() + done * size);
            for (int i = 0; i < count; i++) {
                float value =
                        switch (dtype) {
                            case F32 -> chunk.getFloat(i * 4);
                            case F64 -> (float) chunk.getDouble(i * 8);
                            case BF16 ->
                                    Float.intBitsToFloat((chunk.getShort(i * 2) & 0xffff) << 16);
                            default -> HalfFloats.toFloat(chunk.getShort(i * 2));
                        };
                if (finiteOnly && !Float.isFinite(value)) {
                    throw new SafetensorsFormatException(
                            path,
                            "tensor "
                                    + quote(e.name())
                                    + " holds "
                                    + value
                                    + " at element "
                                    + (done + i)
                                    + " (of "
                                    + n
                                    + "); weights must be finite numbers");
                }
                out.put(value);
            }
            done += count;
        }
    }

    /** Reads an integer tensor (I64 or I32) as longs. */
    public long[] readLongs(String name) throws IOException {
        Entry e = entry(name);
        ByteBuffer bytes = map(e);
        int n = Math.toIntExact(e.numElements());
        long[] out = new long[n];
        switch (e.dtype()) {
            case I64 -> bytes.asLongBuffer().get(out);
            case I32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = bytes.getInt(i * 4);
                }
            }
            default ->
                    throw new IOException(
                            path
                                    + ": tensor "
                                    + quote(name)
                                    + " has dtype "
                                    + e.dtype()
                                    + ", expected I64 or I32");
        }
        return out;
    }

    private ByteBuffer map(Entry e) throws IOException {
        if (e.end() == e.begin()) {
            return ByteBuffer.allocate(0).order(ByteOrder.LITTLE_ENDIAN);
        }
        return channel.map(
                        FileChannel.MapMode.READ_ONLY, dataStart + e.begin(), e.end() - e.begin())
                .order(ByteOrder.LITTLE_ENDIAN);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
