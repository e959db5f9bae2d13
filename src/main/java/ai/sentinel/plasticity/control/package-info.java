/**
 * Controllers that prune and revive heads while the model trains, each a {@link
 * ai.sentinel.plasticity.HeadController} chosen by {@code --controller}: the threshold controller
 * (rules on measured entropy and gradients, {@code Threshold…}) and the learned-gate controller
 * ({@code Learned…}, {@code HardConcrete…}).
 */
package ai.sentinel.plasticity.control;
