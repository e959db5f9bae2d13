package ai.sentinel.io;

import java.util.Optional;

/**
 * The few C library calls Sentinel makes, through one JNA binding: handing freed memory back to the
 * operating system, and the process environment as native libraries read it. Each does nothing (or
 * falls back to Java's view) where the C library, or the call, is missing.
 */
public final class CLibrary {
    private CLibrary() {}

    private interface C extends com.sun.jna.Library {
        int malloc_trim(long pad);

        String getenv(String name);

        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    private static final C LIBC = load();

    private static C load() {
        if (com.sun.jna.Platform.isWindows()) {
            return null;
        }
        try {
            return com.sun.jna.Native.load("c", C.class);
        } catch (UnsatisfiedLinkError e) {
            return null; // no C library to load: nothing native to call
        }
    }

    /**
     * glibc's {@code malloc_trim(0)}: returns the memory its arenas keep after frees. Does nothing
     * off glibc (musl returns memory on its own terms).
     */
    public static void mallocTrim() {
        if (LIBC != null) {
            try {
                LIBC.malloc_trim(0);
            } catch (UnsatisfiedLinkError e) {
                // a libc without malloc_trim
            }
        }
    }

    /**
     * A variable of the C environment. Java's {@code System.getenv} is a copy taken at start-up;
     * libgomp and OpenBLAS read this one when they are loaded.
     */
    public static Optional<String> getenv(String name) {
        return Optional.ofNullable(LIBC == null ? System.getenv(name) : LIBC.getenv(name));
    }

    /** Sets a variable of the C environment; false where it cannot be written. */
    public static boolean setenv(String name, String value) {
        return LIBC != null && LIBC.setenv(name, value, 1) == 0;
    }

    /** Removes a variable of the C environment; false where it cannot be written. */
    public static boolean unsetenv(String name) {
        return LIBC != null && LIBC.unsetenv(name) == 0;
    }
}
