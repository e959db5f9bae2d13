/**
 * Family-independent model contracts ({@link ai.sentinel.model.CausalLm}, head gates, attention
 * probes, the key/value cache) and model folders on disk. Depends on {@code nn} and {@code io};
 * families live in sub-packages that never import each other.
 */
package ai.sentinel.model;
