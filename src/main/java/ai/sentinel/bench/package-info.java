/**
 * Benchmarks: training steps, cached generation and checkpoint loading of a given shape, and this
 * machine's FP32 matmul peak.
 */
package ai.sentinel.bench;
