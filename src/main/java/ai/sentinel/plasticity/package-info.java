/**
 * Plasticity: strategies that decide which heads to prune or grow (pure functions of measurements),
 * and the code that acts on those decisions — masking or removing heads, regrowing them, warming
 * their gates up, giving them their own learning rate — plus the train → prune → measure → grow →
 * learn cycle.
 */
package ai.sentinel.plasticity;
