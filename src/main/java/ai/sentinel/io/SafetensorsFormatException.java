package ai.sentinel.io;

import java.io.IOException;
import java.nio.file.Path;

/** A safetensors file that breaks the format; the message names the file and the problem. */
public final class SafetensorsFormatException extends IOException {
    public SafetensorsFormatException(Path file, String problem) {
        super(file + ": not a valid safetensors file: " + problem);
    }
}
