package ai.sentinel.tokenizer;

/**
 * GPT-2's reversible byte ↔ printable-character map ({@code bytes_to_unicode} in the GPT-2
 * release): printable Latin-1 bytes map to themselves, the other 68 bytes to U+0100 onwards, so
 * every byte string is a readable string.
 */
final class ByteLevel {
    private static final char[] BYTE_TO_CHAR = buildTable();

    private ByteLevel() {}

    static char charOf(int b) {
        return BYTE_TO_CHAR[b & 0xff];
    }

    private static char[] buildTable() {
        char[] table = new char[256];
        boolean[] printable = new boolean[256];
        for (int b = '!'; b <= '~'; b++) {
            printable[b] = true;
        }
        for (int b = 0xA1; b <= 0xAC; b++) {
            printable[b] = true;
        }
        for (int b = 0xAE; b <= 0xFF; b++) {
            printable[b] = true;
        }
        int next = 256;
        for (int b = 0; b < 256; b++) {
            table[b] = printable[b] ? (char) b : (char) next++;
        }
        return table;
    }
}
