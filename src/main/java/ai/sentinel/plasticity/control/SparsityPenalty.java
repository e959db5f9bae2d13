package ai.sentinel.plasticity.control;

/**
 * The weight that the expected number of open gates E carries in the loss. A fixed penalty is λ
 * itself. A target uses CoFi's Lagrangian λ₁(E − T) + λ₂(E − T)², T the (ramped, see {@link
 * LearnedGateConfig.TargetActive}) target number of open gates: the model and gates minimise it, λ₁
 * and λ₂ maximise it by gradient ascent (λ₁ += η(E − T), λ₂ += η(E − T)²), so λ₁ keeps pushing
 * while E misses T and the quadratic term, whose λ₂ only grows, damps the swing a purely linear
 * multiplier makes around T. Counting in heads rather than fractions keeps λ in the fixed penalty's
 * units.
 */
final class SparsityPenalty {
    private final LearnedGateConfig.Sparsity sparsity;
    double lambda1;
    double lambda2;

    SparsityPenalty(LearnedGateConfig.Sparsity sparsity) {
        this.sparsity = sparsity;
    }

    /** ∂penalty/∂E: each logit's penalty gradient is this times ∂P(open)/∂log α. */
    double weightPerGate(double expectedOpen, long stepsPenalised, int gates) {
        if (sparsity instanceof LearnedGateConfig.TargetActive target) {
            return lambda1 + 2 * lambda2 * (expectedOpen - target.at(stepsPenalised) * gates);
        }
        return ((LearnedGateConfig.FixedPenalty) sparsity).lambda();
    }

    /** One ascent step of the multipliers (nothing for a fixed penalty). */
    void ascend(double expectedOpen, long stepsPenalised, int gates, double rate) {
        if (sparsity instanceof LearnedGateConfig.TargetActive target) {
            double miss = expectedOpen - target.at(stepsPenalised) * gates;
            lambda1 += rate * miss;
            lambda2 += rate * miss * miss;
        }
    }
}
