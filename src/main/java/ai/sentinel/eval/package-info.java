/**
 * Evaluation (token-weighted cross-entropy, perplexity), text generation with the key/value cache,
 * and repetition measures of generated text (seq-rep-4, distinct-2, longest repeat and their
 * combined degeneration score; docs/DEGENERATION.md).
 */
package ai.sentinel.eval;
