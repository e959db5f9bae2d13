package ai.sentinel.data;

import ai.sentinel.tokenizer.TextPieces;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * Training text from files: one file, or every {@code .txt} file of a folder in name order, joined
 * by newlines; read as a stream.
 */
public final class TextCorpus implements TextSource {
    private final Path path;
    private final List<Path> files;
    private final Charset encoding;
    private final long sizeBytes;

    private TextCorpus(Path path, List<Path> files, Charset encoding) throws IOException {
        this.path = path;
        this.files = files;
        this.encoding = encoding;
        long size = 0;
        for (Path file : files) {
            size += Files.size(file);
        }
        this.sizeBytes = size;
    }

    /** The text file, or the folder's {@code .txt} files. */
    public static TextCorpus open(Path path, Charset encoding) throws IOException {
        if (Files.isRegularFile(path)) {
            return new TextCorpus(path, List.of(path), encoding);
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("no text file or folder at " + path);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files =
                    walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".txt"))
                            .sorted()
                            .toList();
        }
        if (files.isEmpty()) {
            throw new IOException("folder " + path + " holds no .txt files");
        }
        return new TextCorpus(path, files, encoding);
    }

    /** Reads UTF-8 text whole (small files and tests). */
    public static String read(Path path) throws IOException {
        return read(path, StandardCharsets.UTF_8);
    }

    /**
     * Reads text whole in the given encoding; a byte sequence that is not valid in it is an error
     * naming the file and the byte offset (never silently replaced).
     */
    public static String read(Path path, Charset encoding) throws IOException {
        return open(path, encoding).readAll();
    }

    @Override
    public String describe() {
        return path.toString();
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public Optional<String> fingerprint() throws IOException {
        return Optional.of(Fingerprint.of("text", files, encoding.name()));
    }

    @Override
    public void feed(TextPieces pieces, LongConsumer bytesRead) throws IOException {
        long before = 0;
        for (Path file : files) {
            if (file != files.get(0)) {
                pieces.append("\n");
            }
            long offset = before;
            StrictDecoder.decode(
                    file, encoding, pieces::append, done -> bytesRead.accept(offset + done));
            before += Files.size(file);
        }
    }
}
