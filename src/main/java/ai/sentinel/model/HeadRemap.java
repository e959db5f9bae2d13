package ai.sentinel.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.sentinel.nn.Parameter;
import java.util.List;

/**
 * How head surgery re-lays out one parameter along one axis: the new array is the concatenation of
 * {@code segments}, each either a range of the old array or a block of zeros (an inserted head).
 * Applied to the weights and, identically, to the optimizer's moments, so state stays aligned with
 * the slices it belongs to.
 */
public record HeadRemap(Parameter parameter, int axis, List<Segment> segments) {
    /**
     * {@code length} elements along the axis: from {@code oldStart} in the old array, or zeros if
     * it is −1.
     */
    public record Segment(long oldStart, long length) {
        public static Segment kept(long oldStart, long length) {
            return new Segment(oldStart, length);
        }

        public static Segment inserted(long length) {
            return new Segment(-1, length);
        }
    }

    /**
     * The re-laid-out copy of {@code old} (same shape as the parameter before surgery), in old's
     * manager.
     */
    public NDArray apply(NDArray old) {
        NDList parts = new NDList();
        for (Segment s : segments) {
            if (s.oldStart() >= 0) {
                String range = s.oldStart() + ":" + (s.oldStart() + s.length());
                parts.add(old.get(axis == 0 ? new NDIndex(range) : new NDIndex(":, " + range)));
            } else {
                long[] shape = old.getShape().getShape();
                shape[axis] = s.length();
                parts.add(old.getManager().zeros(new Shape(shape), old.getDataType()));
            }
        }
        NDArray result =
                parts.size() == 1 ? parts.get(0).duplicate() : NDArrays.concat(parts, axis);
        parts.close();
        return result;
    }
}
