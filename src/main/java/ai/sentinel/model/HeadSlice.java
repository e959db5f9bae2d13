package ai.sentinel.model;

import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.nn.Parameter;

/**
 * The part of one parameter that belongs to one head: {@code parameter.value().get(index)}, with
 * the role it plays in the head's attention. {@code weight} is false for bias slices (they take
 * part in surgery and learning rates, not in weight or gradient norms).
 *
 * @param axis the axis along which the head's elements lie (for example GPT-2's fused {@code
 *     c_attn} columns: 1, rows of its {@code c_proj}: 0)
 * @param start first index along {@code axis}
 * @param length number of indices along {@code axis}
 * @param role what this slice computes for the head
 */
public record HeadSlice(
        Parameter parameter, int axis, long start, long length, boolean weight, Role role) {
    /**
     * The four parts of a head: its query, key and value projections and its share of the output
     * projection.
     */
    public enum Role {
        QUERY,
        KEY,
        VALUE,
        OUTPUT
    }

    public NDIndex index() {
        String range = start + ":" + (start + length);
        return axis == 0 ? new NDIndex(range) : new NDIndex(":, " + range);
    }
}
