package ai.sentinel.model;

/** One attention head: its layer and its index within the layer's original heads. */
public record HeadId(int layer, int head) implements Comparable<HeadId> {
    public HeadId {
        if (layer < 0 || head < 0) {
            throw new IllegalArgumentException(
                    "layer and head must be >= 0, got " + layer + ", " + head);
        }
    }

    @Override
    public int compareTo(HeadId other) {
        return layer != other.layer
                ? Integer.compare(layer, other.layer)
                : Integer.compare(head, other.head);
    }

    @Override
    public String toString() {
        return "L" + layer + "H" + head;
    }
}
