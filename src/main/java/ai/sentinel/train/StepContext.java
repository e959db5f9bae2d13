package ai.sentinel.train;

/**
 * What a {@link StepHook} may act on: the optimizer (to follow head surgery with {@link
 * AdamW#remap}) and the per-head learning-rate controls it composes.
 */
public record StepContext(AdamW optimizer, HeadRates rates) {}
