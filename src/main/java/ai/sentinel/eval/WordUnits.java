package ai.sentinel.eval;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits decoded text into word units and numbers them, so that repetition is measured on the same
 * units whatever the tokenizer: byte-level 4-grams of English prose repeat often (" the" is one),
 * so seq-rep-4 on bytes would call ordinary prose repetitive, while on GPT-2's BPE it would not. A
 * unit is a run of letters, a run of digits, or one other non-space character; a letter run longer
 * than {@value #MAX_UNIT_CHARS} characters is cut into pieces of that length, so a model that loops
 * without spaces ("ababab…") still yields repeated units. One instance numbers consistently across
 * calls, which pooled distinct-n needs.
 */
public final class WordUnits {
    static final int MAX_UNIT_CHARS = 16; // longer than almost every English word

    private static final Pattern UNIT = Pattern.compile("\\p{L}+|\\p{N}+|[^\\s\\p{L}\\p{N}]");

    private final Map<String, Integer> ids = new HashMap<>();

    /** The ids of the units of {@code text}, in order; equal units get equal ids. */
    public int[] ids(String text) {
        List<Integer> out = new ArrayList<>();
        Matcher m = UNIT.matcher(text);
        while (m.find()) {
            String unit = m.group();
            for (int start = 0; start < unit.length(); start += MAX_UNIT_CHARS) {
                String piece =
                        unit.substring(start, Math.min(unit.length(), start + MAX_UNIT_CHARS));
                out.add(ids.computeIfAbsent(piece, k -> ids.size()));
            }
        }
        return out.stream().mapToInt(Integer::intValue).toArray();
    }
}
