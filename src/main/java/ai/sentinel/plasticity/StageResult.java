package ai.sentinel.plasticity;

import java.util.List;

/**
 * The model measured at one stage of a cycle.
 *
 * @param tokensPerSecond forward (evaluation) throughput measured during this stage's evaluation
 */
public record StageResult(String stage, int cycle, long step, double loss, double perplexity, int activeHeads,
        long parameters, double tokensPerSecond, List<String> samples) {}
