package ai.sentinel.data;

import ai.sentinel.io.ParquetStrings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The text of Parquet files: one string column, a row per line. A row that already ends in a
 * newline (wikitext's rows do: its raw file is their concatenation) gets none added, so wikitext
 * read from Parquet is its raw file but for the blank lines' single space; an empty row is a blank
 * line; a null row has no text and is left out.
 */
public final class ParquetCorpus {
    private ParquetCorpus() {}

    /** The rows of {@code column} in every file, in the order given. */
    public static String read(List<Path> files, String column) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Path file : files) {
            for (String row : ParquetStrings.read(file, column)) {
                if (row != null) {
                    text.append(row);
                    if (!row.endsWith("\n")) {
                        text.append('\n');
                    }
                }
            }
        }
        return text.toString();
    }
}
