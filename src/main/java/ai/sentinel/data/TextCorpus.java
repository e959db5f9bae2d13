package ai.sentinel.data;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Reads training text: one file, or every {@code .txt} file of a folder in name order, joined by newlines. */
public final class TextCorpus {
    private TextCorpus() {}

    public static String read(Path path) throws IOException {
        if (Files.isRegularFile(path)) {
            return Files.readString(path);
        }
        if (!Files.isDirectory(path)) {
            throw new IOException("no text file or folder at " + path);
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(path)) {
            files = walk.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".txt")).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new IOException("folder " + path + " holds no .txt files");
        }
        StringBuilder text = new StringBuilder();
        for (Path f : files) {
            if (text.length() > 0) {
                text.append('\n');
            }
            text.append(Files.readString(f));
        }
        return text.toString();
    }
}
