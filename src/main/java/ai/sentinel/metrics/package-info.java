/**
 * Per-head measurements — attention entropy, gradient norm, weight magnitude, importance ∂L/∂gate.
 * Meters read the model and never change it (a meter that lifts masks restores them). Depends on
 * {@code model}, {@code nn}, {@code data}.
 */
package ai.sentinel.metrics;
