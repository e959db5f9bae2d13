package ai.sentinel.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.sentinel.model.CausalLm;
import ai.sentinel.model.Families;
import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadSlice;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Per-head rate controls compose by product, a masked head stays frozen whatever a control says,
 * and the key/value slices of a group (grouped-query attention) follow the rule of {@link
 * HeadRates}: read back from the optimizer.
 */
class HeadRatesTest {
    private static final float LR = 0.01f;

    @Test
    void composedMultipliersReadBackFromTheOptimizerAsTheProductOfTheControls() {
        // llama-nano shape: 2 layers × 4 query heads in 2 key/value groups of 2
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano").orElseThrow().initialize(61, 2, 4, 32, m, 5);
                AdamW optimizer = new AdamW(model.parameters(), AdamWConfig.defaults(), m)) {
            HeadId warm = new HeadId(0, 0);
            HeadId both = new HeadId(0, 2);
            HeadId masked = new HeadId(1, 1);
            HeadRates rates = new HeadRates(model);
            rates.set("warm-up", Map.of(warm, 5f, both, 3f, masked, 4f));
            rates.set("controller", Map.of(both, 0.5f, masked, 2f));
            model.gates().setMasked(masked, true);
            rates.applyTo(optimizer);

            assertEquals(5f, rate(model, optimizer, warm, HeadSlice.Role.QUERY));
            assertEquals(5f, rate(model, optimizer, warm, HeadSlice.Role.OUTPUT));
            assertEquals(1.5f, rate(model, optimizer, both, HeadSlice.Role.QUERY));
            assertEquals(1.5f, rate(model, optimizer, both, HeadSlice.Role.OUTPUT));
            assertEquals(0f, rate(model, optimizer, masked, HeadSlice.Role.QUERY), "frozen");
            assertEquals(1f, rate(model, optimizer, new HeadId(1, 3), HeadSlice.Role.QUERY));
            // (0, 0)'s group-mate (0, 1) trains at the base rate, so the group's keys do too
            assertEquals(1f, rate(model, optimizer, warm, HeadSlice.Role.KEY));
            // (1, 1)'s group-mate (1, 0) trains at the base rate: the masked head's group lives on
            assertEquals(1f, rate(model, optimizer, masked, HeadSlice.Role.VALUE));
            assertEquals(0f, rates.multiplier(masked));
            assertEquals(1.5f, rates.multiplier(both));

            // both heads of group (0, {2, 3}) off the base rate: the group takes the highest
            rates.set("controller", Map.of(both, 0.5f, new HeadId(0, 3), 4f));
            rates.applyTo(optimizer);
            assertEquals(4f, rate(model, optimizer, both, HeadSlice.Role.KEY));
            assertEquals(1.5f, rate(model, optimizer, both, HeadSlice.Role.QUERY));

            rates.clear("warm-up");
            rates.clear("controller");
            model.gates().setMasked(masked, false);
            rates.applyTo(optimizer);
            assertEquals(0, optimizer.rateScaledParameters().size(), "all at the base rate again");
        }
    }

    @Test
    void rejectsNegativeOrNonFiniteMultipliers() {
        try (NDManager m = NDManager.newBaseManager();
                CausalLm model =
                        Families.preset("llama-nano")
                                .orElseThrow()
                                .initialize(61, 2, 4, 32, m, 5)) {
            HeadRates rates = new HeadRates(model);
            assertThrows(
                    IllegalArgumentException.class,
                    () -> rates.set("x", Map.of(new HeadId(0, 0), -1f)));
            assertThrows(
                    IllegalArgumentException.class,
                    () -> rates.set("x", Map.of(new HeadId(0, 0), Float.NaN)));
        }
    }

    /** The effective rate ÷ the base rate over {@code head}'s slice of {@code role} (all equal). */
    private static float rate(CausalLm model, AdamW optimizer, HeadId head, HeadSlice.Role role) {
        HeadSlice slice =
                model.headLayout().slices(head).stream()
                        .filter(s -> s.role() == role)
                        .findFirst()
                        .orElseThrow();
        try (NDScope scope = new NDScope()) {
            NDArray rates = optimizer.effectiveRate(slice.parameter(), LR).get(slice.index());
            float max = rates.max().getFloat() / LR;
            assertEquals(max, rates.min().getFloat() / LR, 1e-6f, "one rate over the slice");
            return Math.round(max * 1e4f) / 1e4f;
        }
    }
}
