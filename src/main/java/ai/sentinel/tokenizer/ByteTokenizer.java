package ai.sentinel.tokenizer;

import ai.sentinel.io.AtomicFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * 256 symbols, one per UTF-8 byte: any text encodes with no unknown tokens. It saves as an
 * equivalent byte-level BPE {@code tokenizer.json} (token b = byte b, no merges), so a saved model
 * folder loads anywhere HF tokenizers do.
 */
public final class ByteTokenizer implements Tokenizer {
    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xff;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] > 255) {
                throw new IllegalArgumentException("byte token ids are 0..255, got " + ids[i]);
            }
            bytes[i] = (byte) ids[i];
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    @Override
    public int vocabSize() {
        return 256;
    }

    @Override
    public String fingerprint() {
        return "utf-8 bytes";
    }

    @Override
    public OptionalInt endOfText() {
        return OptionalInt.empty();
    }

    @Override
    public void save(Path folder) throws IOException {
        Files.createDirectories(folder);
        AtomicFiles.writeString(folder.resolve(TokenizerJson.FILE), TokenizerJson.forBytes());
    }
}
