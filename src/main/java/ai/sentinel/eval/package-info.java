/**
 * Evaluation (token-weighted cross-entropy, perplexity) and text generation with the key/value
 * cache.
 */
package ai.sentinel.eval;
