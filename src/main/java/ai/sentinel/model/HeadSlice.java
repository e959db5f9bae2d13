package ai.sentinel.model;

import ai.djl.ndarray.index.NDIndex;
import ai.sentinel.nn.Parameter;

/**
 * The part of one parameter that belongs to one head: {@code parameter.value().get(index)}. {@code weight} is false
 * for bias slices (they take part in surgery and learning rates, not in weight or gradient norms).
 *
 * @param axis the axis along which the head's elements lie (columns of {@code c_attn}: 1, rows of {@code c_proj}: 0)
 * @param start first index along {@code axis}
 * @param length number of indices along {@code axis}
 */
public record HeadSlice(Parameter parameter, int axis, long start, long length, boolean weight) {
    public NDIndex index() {
        String range = start + ":" + (start + length);
        return axis == 0 ? new NDIndex(range) : new NDIndex(":, " + range);
    }
}
