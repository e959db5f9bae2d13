/**
 * Experiments that test the claims of neural plasticity on real runs; each writes raw results as
 * JSON and a chart. Run by {@code sentinel experiment} from the scripts in {@code
 * bench/experiments/}.
 */
package ai.sentinel.experiments;
