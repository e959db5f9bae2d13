package ai.sentinel.engine;

import java.util.Optional;

/**
 * This process's environment as native libraries read it. Java's {@code System.getenv} is a copy
 * taken at start-up; libgomp and OpenBLAS read the C environment when they are loaded, so the
 * settings they need are written there, before libtorch loads. Does nothing where the C library
 * cannot be reached (then the launcher's settings are all there is).
 */
final class NativeEnvironment {
    private NativeEnvironment() {}

    private interface CLibrary extends com.sun.jna.Library {
        String getenv(String name);

        int setenv(String name, String value, int overwrite);

        int unsetenv(String name);
    }

    private static final CLibrary C = load();

    private static CLibrary load() {
        if (com.sun.jna.Platform.isWindows()) {
            return null;
        }
        try {
            return com.sun.jna.Native.load("c", CLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            return null;
        }
    }

    static Optional<String> get(String name) {
        if (C == null) {
            return Optional.ofNullable(System.getenv(name));
        }
        return Optional.ofNullable(C.getenv(name));
    }

    /** Sets {@code name}; false where the C environment cannot be written. */
    static boolean set(String name, String value) {
        return C != null && C.setenv(name, value, 1) == 0;
    }

    /** Removes {@code name}; false where the C environment cannot be written. */
    static boolean unset(String name) {
        return C != null && C.unsetenv(name) == 0;
    }
}
