/**
 * GPT-2 and every GPT-2-shaped model (DistilGPT-2, models trained from our presets): config,
 * weights table, and one class per concept — attention, MLP, block, model.
 */
package ai.sentinel.model.gpt2;
