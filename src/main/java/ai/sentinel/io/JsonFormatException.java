package ai.sentinel.io;

import java.io.IOException;

/**
 * A JSON file that does not parse, or holds a value of the wrong type or range; the message names
 * the file.
 */
public final class JsonFormatException extends IOException {
    public JsonFormatException(String message) {
        super(message);
    }
}
