/**
 * Charts (PNG, drawn with Java2D) and a self-contained HTML report, built only from the files of a
 * run folder, so a report can always be rebuilt. Computes nothing about the model.
 */
package ai.sentinel.report;
