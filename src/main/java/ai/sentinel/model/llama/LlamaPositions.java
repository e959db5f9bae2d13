package ai.sentinel.model.llama;

import ai.djl.ndarray.NDArray;
import ai.sentinel.nn.Rope;

/**
 * What every layer needs to know about the T positions of one forward pass: their rotation and the
 * (T, S) causal bias over the S = cached + T keys.
 */
record LlamaPositions(Rope.Window rope, NDArray causalBias) {}
