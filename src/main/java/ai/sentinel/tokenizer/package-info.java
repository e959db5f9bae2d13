/**
 * Tokenizers: Hugging Face {@code tokenizer.json} through DJL's tokenizers binding, assembly of a
 * {@code tokenizer.json} from GPT-2's {@code vocab.json} + {@code merges.txt}, and a byte-level
 * tokenizer for models trained from scratch. Depends on the JDK, Gson, the DJL tokenizers binding
 * and {@code io}.
 */
package ai.sentinel.tokenizer;
