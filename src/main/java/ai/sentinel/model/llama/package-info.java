/**
 * Llama and the families that reuse its architecture (Qwen2, Mistral): config, weights table,
 * rotary scaling, and one class per concept — grouped-query attention, SwiGLU MLP, block, model.
 */
package ai.sentinel.model.llama;
