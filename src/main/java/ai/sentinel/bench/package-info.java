/** Throughput measurements: training steps of a given shape and this machine's FP32 matmul peak. */
package ai.sentinel.bench;
