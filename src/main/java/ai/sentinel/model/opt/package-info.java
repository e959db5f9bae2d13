/**
 * Meta's OPT (OPT-125m, the post-LN OPT-350m with its embedding projections, and larger sizes):
 * config, weights table, and one class per concept — attention, MLP, block, model.
 */
package ai.sentinel.model.opt;
