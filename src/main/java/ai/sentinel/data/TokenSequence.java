package ai.sentinel.data;

/**
 * A read-only run of token ids: an array in memory ({@link #of}), or a token file mapped from disk
 * ({@link TokenFile}), so a corpus larger than the heap trains without being loaded.
 */
public interface TokenSequence {
    long length();

    /** The id at {@code index}, in {@code 0 .. length()-1}. */
    int get(long index);

    /** Ids {@code [from, to)} as a sequence of their own (a view, nothing copied). */
    default TokenSequence slice(long from, long to) {
        if (from < 0 || to < from || to > length()) {
            throw new IndexOutOfBoundsException(
                    "slice [" + from + ", " + to + ") of " + length() + " tokens");
        }
        TokenSequence whole = this;
        return new TokenSequence() {
            @Override
            public long length() {
                return to - from;
            }

            @Override
            public int get(long index) {
                return whole.get(from + index);
            }
        };
    }

    /** The ids of an array (not copied: do not change the array afterwards). */
    static TokenSequence of(int[] ids) {
        return new TokenSequence() {
            @Override
            public long length() {
                return ids.length;
            }

            @Override
            public int get(long index) {
                return ids[Math.toIntExact(index)];
            }
        };
    }
}
