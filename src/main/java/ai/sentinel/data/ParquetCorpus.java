package ai.sentinel.data;

import ai.sentinel.io.ParquetStrings;
import ai.sentinel.tokenizer.TextPieces;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.LongConsumer;

/**
 * The text of Parquet files: one string column, a row per line. A row that already ends in a
 * newline (wikitext's rows do: its raw file is their concatenation) gets none added, so wikitext
 * read from Parquet is its raw file but for the blank lines' single space; an empty row is a blank
 * line; a null row has no text and is left out. One file's column is read at a time.
 */
public final class ParquetCorpus implements TextSource {
    private final List<Path> files;
    private final String column;
    private final long sizeBytes;

    private ParquetCorpus(List<Path> files, String column) throws IOException {
        this.files = List.copyOf(files);
        this.column = column;
        long size = 0;
        for (Path file : files) {
            size += Files.size(file);
        }
        this.sizeBytes = size;
    }

    /** The rows of {@code column} in every file, in the order given. */
    public static ParquetCorpus open(List<Path> files, String column) throws IOException {
        return new ParquetCorpus(files, column);
    }

    /** The whole text (small files and tests). */
    public static String read(List<Path> files, String column) throws IOException {
        return open(files, column).readAll();
    }

    @Override
    public String describe() {
        return files.size() == 1 ? files.get(0).toString() : files.size() + " Parquet files";
    }

    @Override
    public long sizeBytes() {
        return sizeBytes;
    }

    @Override
    public Optional<String> fingerprint() throws IOException {
        return Optional.of(Fingerprint.of("parquet", files, column));
    }

    @Override
    public void feed(TextPieces pieces, LongConsumer bytesRead) throws IOException {
        long done = 0;
        for (Path file : files) {
            for (String row : ParquetStrings.read(file, column)) {
                if (row != null) {
                    pieces.append(row);
                    if (!row.endsWith("\n")) {
                        pieces.append("\n");
                    }
                }
            }
            done += Files.size(file);
            bytesRead.accept(done);
        }
    }
}
