/**
 * The {@code sentinel} command line: picocli only — parse, validate, call one library entry point,
 * print. Maps errors to one line and an exit code (2 for bad input, 3 for a diverged run, 1
 * otherwise).
 */
package ai.sentinel.cli;
