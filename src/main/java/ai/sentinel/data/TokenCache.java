package ai.sentinel.data;

import ai.sentinel.io.AtomicFiles;
import ai.sentinel.tokenizer.TextPieces;
import ai.sentinel.tokenizer.Tokenizer;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Tokenises text as a stream, in bounded pieces ({@link TextPieces}), into a token file that later
 * runs reuse: keyed by the text's files (paths, sizes, modification times, reading settings) and
 * the tokenizer's fingerprint, and mapped from disk for training and evaluation ({@link
 * TokenFile}), so memory stays bounded whatever the corpus's size. Text that lives in memory (the
 * built-in corpora) is tokenised into memory and not cached.
 *
 * <p>A token file is written beside its final name and moved into place when complete, then its
 * description {@code <key>.json}; only a file with a description whose count matches its size is
 * reused, so a run killed while tokenising leaves nothing that a later run would trust.
 */
public final class TokenCache {
    /** Told as the text is read. */
    @FunctionalInterface
    public interface Progress {
        Progress NONE = (done, total) -> {};

        /** {@code done} of the source's {@code total} bytes have been tokenised. */
        void read(long done, long total);
    }

    private static final String PARTIAL = ".partial";

    /** Changes whenever the piece rule or the file layout does, so older files are not reused. */
    private static final String FORMAT = "sentinel-tokens-1";

    private final Path folder;

    public TokenCache(Path folder) {
        this.folder = folder;
    }

    /**
     * {@code $SENTINEL_CACHE/tokens}, else {@code $XDG_CACHE_HOME/sentinel/tokens}, else {@code
     * ~/.cache/sentinel/tokens}.
     */
    public static Path defaultFolder() {
        String sentinel = System.getenv("SENTINEL_CACHE");
        if (sentinel != null && !sentinel.isBlank()) {
            return Path.of(sentinel, "tokens");
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base =
                xdg != null && !xdg.isBlank()
                        ? Path.of(xdg)
                        : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("sentinel").resolve("tokens");
    }

    public Path folder() {
        return folder;
    }

    /**
     * The ids of {@code source}'s text: from the cache when the same files were tokenised the same
     * way before, else tokenised now.
     *
     * @throws IllegalArgumentException when an id lies outside the model's vocabulary
     */
    public TokenSequence tokens(
            TextSource source, Tokenizer tokenizer, int modelVocab, Progress progress)
            throws IOException {
        Optional<String> fingerprint = source.fingerprint();
        if (fingerprint.isEmpty()) {
            IdArray ids = new IdArray();
            tokenize(source, tokenizer, modelVocab, ids, progress);
            return TokenSequence.of(ids.toArray());
        }
        String key = key(fingerprint.get(), tokenizer.fingerprint());
        Path tokens = folder.resolve(key + ".tokens");
        Path description = folder.resolve(key + ".json");
        int width = TokenFile.width(tokenizer.vocabSize());
        Optional<Description> cached = Description.read(description);
        if (cached.isPresent() && cached.get().describes(tokens, width)) {
            checkVocabulary(cached.get().maxId(), modelVocab, source);
            return TokenFile.open(tokens, width);
        }
        Path partial = folder.resolve(key + ".tokens." + UUID.randomUUID() + PARTIAL);
        try {
            Files.createDirectories(folder);
            removeAbandoned();
        } catch (IOException e) {
            throw cannotWrite(folder, e);
        }
        try (IdFile ids = new IdFile(partial, width)) {
            tokenize(source, tokenizer, modelVocab, ids, progress);
            try {
                ids.finish();
                Files.move(partial, tokens, StandardCopyOption.ATOMIC_MOVE);
                new Description(width, ids.count, ids.maxId)
                        .write(description, source.describe(), tokenizer.fingerprint());
            } catch (IOException e) {
                throw cannotWrite(folder, e);
            }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        return TokenFile.open(tokens, width);
    }

    /** Pieces encoded in one native call: enough to keep both cores busy, ~0.5 MB of text. */
    private static final int PIECES_PER_BATCH = 8;

    private static void tokenize(
            TextSource source, Tokenizer tokenizer, int modelVocab, IdSink sink, Progress progress)
            throws IOException {
        long total = source.sizeBytes();
        List<String> batch = new ArrayList<>();
        TextPieces pieces =
                new TextPieces(
                        piece -> {
                            batch.add(piece);
                            if (batch.size() == PIECES_PER_BATCH) {
                                encode(batch, tokenizer, modelVocab, sink, source);
                            }
                        });
        source.feed(pieces, done -> progress.read(done, total));
        pieces.finish();
        encode(batch, tokenizer, modelVocab, sink, source);
        progress.read(total, total);
    }

    /** Encodes and writes the batch's pieces in order, and empties it. */
    private static void encode(
            List<String> batch, Tokenizer tokenizer, int modelVocab, IdSink sink, TextSource source)
            throws IOException {
        for (int[] ids : tokenizer.encodeAll(batch)) {
            for (int id : ids) {
                checkVocabulary(id, modelVocab, source);
            }
            sink.write(ids);
        }
        batch.clear();
    }

    private static void checkVocabulary(long id, int modelVocab, TextSource source) {
        if (id >= modelVocab) {
            throw new IllegalArgumentException(
                    "the tokenizer produced id "
                            + id
                            + " for "
                            + source.describe()
                            + ", outside the model's vocabulary of "
                            + modelVocab);
        }
    }

    private static String key(String textFingerprint, String tokenizerFingerprint) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] digest =
                    sha.digest(
                            (FORMAT + '\u0000' + textFingerprint + '\u0000' + tokenizerFingerprint)
                                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** What {@code <key>.json} says of its token file. */
    private record Description(int width, long tokens, long maxId) {
        static Optional<Description> read(Path file) {
            try {
                JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
                if (!FORMAT.equals(json.get("format").getAsString())) {
                    return Optional.empty();
                }
                return Optional.of(
                        new Description(
                                json.get("width").getAsInt(),
                                json.get("tokens").getAsLong(),
                                json.get("max_id").getAsLong()));
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // missing, half-written or foreign: tokenise again
            }
        }

        boolean describes(Path tokenFile, int expectedWidth) throws IOException {
            return width == expectedWidth
                    && Files.isRegularFile(tokenFile)
                    && Files.size(tokenFile) == tokens * width;
        }

        void write(Path file, String source, String tokenizer) throws IOException {
            JsonObject json = new JsonObject();
            json.addProperty("format", FORMAT);
            json.addProperty("source", source);
            json.addProperty("tokenizer", tokenizer);
            json.addProperty("width", width);
            json.addProperty("tokens", tokens);
            json.addProperty("max_id", maxId);
            AtomicFiles.writeString(file, json.toString());
        }
    }

    /**
     * Deletes partial files that no run is writing: a writer holds a lock on its partial file for
     * as long as it writes, so one that can be locked was left by a run that died (on any host
     * sharing the folder, where locks reach across).
     */
    private void removeAbandoned() throws IOException {
        try (DirectoryStream<Path> partials = Files.newDirectoryStream(folder, "*" + PARTIAL)) {
            for (Path partial : partials) {
                try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                    if (channel.tryLock() != null) {
                        Files.deleteIfExists(partial);
                    }
                } catch (OverlappingFileLockException | NoSuchFileException e) {
                    // written by this very process, or removed meanwhile
                }
            }
        }
    }

    /** One line naming the folder and how to choose another. */
    private static IOException cannotWrite(Path where, IOException cause) {
        return new IOException(
                "cannot write tokens into "
                        + where
                        + " ("
                        + cause.getClass().getSimpleName().replace("Exception", "")
                        + ": "
                        + cause.getMessage()
                        + "); choose another folder with --token-cache or SENTINEL_CACHE",
                cause);
    }

    /** Where tokenised ids go. */
    private interface IdSink {
        void write(int[] ids) throws IOException;
    }

    /** Ids kept in memory, for text that is in memory already. */
    private static final class IdArray implements IdSink {
        private int[] ids = new int[1 << 16];
        private int count;

        @Override
        public void write(int[] more) {
            if (count + more.length > ids.length) {
                ids = Arrays.copyOf(ids, Math.max(ids.length * 2, count + more.length));
            }
            System.arraycopy(more, 0, ids, count, more.length);
            count += more.length;
        }

        int[] toArray() {
            return Arrays.copyOf(ids, count);
        }
    }

    /** Ids written little-endian to a file through a 1 MiB buffer. */
    private static final class IdFile implements IdSink, AutoCloseable {
        private final FileChannel channel;
        private final ByteBuffer buffer =
                ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        private final Path file;
        private final int width;
        long count;
        long maxId = -1;

        IdFile(Path file, int width) throws IOException {
            this.file = file;
            try {
                this.channel =
                        FileChannel.open(
                                file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw cannotWrite(file, e);
            }
            channel.lock(); // held until closed: marks the file as being written (removeAbandoned)
            this.width = width;
        }

        @Override
        public void write(int[] ids) throws IOException {
            for (int id : ids) {
                if (id < 0 || (width == 2 && id > 0xFFFF)) {
                    throw new IllegalArgumentException(
                            "the tokenizer produced id " + id + ", outside its own vocabulary");
                }
                if (buffer.remaining() < width) {
                    drain();
                }
                if (width == 2) {
                    buffer.putShort((short) id);
                } else {
                    buffer.putInt(id);
                }
                maxId = Math.max(maxId, id);
            }
            count += ids.length;
        }

        void finish() throws IOException {
            drain();
            channel.force(false);
        }

        private void drain() throws IOException {
            buffer.flip();
            try {
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
            } catch (IOException e) {
                throw cannotWrite(file, e);
            }
            buffer.clear();
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
