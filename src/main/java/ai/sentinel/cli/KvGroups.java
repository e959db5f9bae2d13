package ai.sentinel.cli;

import ai.sentinel.model.ModelConfig;
import ai.sentinel.report.Plural;

/**
 * The grouped-query shape in words, for lines that state a model's heads: where query heads share
 * keys and values the group count changes what pruning a head saves, so it is said.
 */
final class KvGroups {
    private KvGroups() {}

    /** " in 3 key/value groups" when heads share keys and values, else "". */
    static String suffix(ModelConfig c) {
        return c.numKvHeads() == c.numHeads()
                ? ""
                : " in " + Plural.of(c.numKvHeads(), "key/value group");
    }
}
