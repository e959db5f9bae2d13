package ai.sentinel.io;

import java.util.Locale;

/** Element types of a safetensors file, with their byte sizes and header spellings. */
public enum DType {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I16(2),
    I8(1),
    U8(1),
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    public int byteSize() {
        return byteSize;
    }

    /** Parses a header spelling such as {@code "F32"}; the message lists the accepted values. */
    public static DType parse(String text) {
        try {
            return valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown dtype "
                            + Json.quote(text)
                            + " (accepted: F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL)");
        }
    }
}
