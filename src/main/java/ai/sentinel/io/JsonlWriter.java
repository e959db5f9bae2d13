package ai.sentinel.io;

import com.google.gson.Gson;
import com.google.gson.JsonObject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** One JSON object per line, flushed at every line so a killed process keeps what it wrote. */
public final class JsonlWriter implements AutoCloseable {
    private final BufferedWriter out;
    private final Gson gson = new Gson();

    /**
     * @param append keep existing lines (a resumed run) rather than start the file afresh
     */
    public JsonlWriter(Path file, boolean append) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        this.out =
                append
                        ? Files.newBufferedWriter(
                                file,
                                StandardCharsets.UTF_8,
                                StandardOpenOption.CREATE,
                                StandardOpenOption.APPEND)
                        : Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    }

    public void write(JsonObject line) {
        try {
            out.write(gson.toJson(line));
            out.newLine();
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        out.close();
    }
}
