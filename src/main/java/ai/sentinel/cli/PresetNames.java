package ai.sentinel.cli;

import ai.sentinel.model.Families;
import java.util.Iterator;

/**
 * The preset names for help texts ({@code ${COMPLETION-CANDIDATES}}) and shell completion: the list
 * the errors show too, so the two cannot disagree.
 */
final class PresetNames implements Iterable<String> {
    @Override
    public Iterator<String> iterator() {
        return Families.presetNames().iterator();
    }
}
