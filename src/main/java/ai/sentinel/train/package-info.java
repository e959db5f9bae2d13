/**
 * Training: AdamW with per-element learning rates, schedules, global-norm clipping, the training
 * loop with resumable checkpoints. Opens one {@code NDScope} per step.
 */
package ai.sentinel.train;
