/**
 * Small layers and ops over DJL {@code NDArray}s: parameters, linear maps, normalisation,
 * activations, masks, losses. Knows nothing of models or heads; depends only on DJL.
 */
package ai.sentinel.nn;
