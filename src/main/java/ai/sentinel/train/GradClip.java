package ai.sentinel.train;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Parameter;
import java.util.List;

/**
 * Clipping by the global gradient norm {@code ‖g‖ = √Σ_p ‖g_p‖²}: when it exceeds {@code maxNorm},
 * every gradient is scaled by {@code maxNorm/‖g‖}. (The engine's own clipping is element-wise and
 * one-sided.)
 */
public final class GradClip {
    private GradClip() {}

    /**
     * Returns the norm before clipping; {@code maxNorm ≤ 0} measures without clipping. Call inside
     * a scope.
     */
    public static double clipGlobalNorm(List<Parameter> parameters, double maxNorm) {
        double sumSquares = 0;
        for (Parameter p : parameters) {
            NDArray g = p.gradient().flatten();
            sumSquares += g.dot(g).getFloat();
        }
        double norm = Math.sqrt(sumSquares);
        if (maxNorm > 0 && norm > maxNorm && Double.isFinite(norm)) {
            float factor = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : parameters) {
                p.gradient().muli(factor);
            }
        }
        return norm;
    }
}
