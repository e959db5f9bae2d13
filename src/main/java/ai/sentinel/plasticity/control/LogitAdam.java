package ai.sentinel.plasticity.control;

/**
 * Adam (no weight decay) over the gate logits, in doubles on the Java side: L·H numbers do not
 * justify an engine call, and the model's optimizer must not see them. Only the entries a step
 * names move; the others keep their moments (a pruned head's logit stops).
 */
final class LogitAdam {
    static final double BETA1 = 0.9;
    static final double BETA2 = 0.999;
    static final double EPS = 1e-8;

    final double[] firstMoment;
    final double[] secondMoment;
    long steps;

    LogitAdam(int size) {
        this.firstMoment = new double[size];
        this.secondMoment = new double[size];
    }

    /** One update of {@code x} by {@code gradient} at the entries where {@code moving} holds. */
    void step(double[] x, double[] gradient, boolean[] moving, double rate) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        for (int i = 0; i < x.length; i++) {
            if (!moving[i]) {
                continue;
            }
            firstMoment[i] = BETA1 * firstMoment[i] + (1 - BETA1) * gradient[i];
            secondMoment[i] = BETA2 * secondMoment[i] + (1 - BETA2) * gradient[i] * gradient[i];
            double m = firstMoment[i] / correction1;
            double v = secondMoment[i] / correction2;
            x[i] -= rate * m / (Math.sqrt(v) + EPS);
        }
    }
}
