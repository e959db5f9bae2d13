package ai.sentinel.model.gpt2;

import ai.sentinel.model.HeadId;
import ai.sentinel.model.HeadLayout;
import ai.sentinel.model.HeadSlice;
import java.util.ArrayList;
import java.util.List;

/**
 * GPT-2's head layout (Conv1D, input × output): head h, the i-th head present in its layer, owns columns
 * {@code [iD, (i+1)D)} of each of the q, k and v thirds of {@code c_attn} (weight and bias) and rows
 * {@code [iD, (i+1)D)} of {@code c_proj.weight}. The {@code c_proj} bias is shared and belongs to no head.
 */
final class Gpt2HeadLayout implements HeadLayout {
    private final Gpt2Model model;

    Gpt2HeadLayout(Gpt2Model model) {
        this.model = model;
    }

    @Override
    public List<HeadSlice> slices(HeadId head) {
        int i = Gpt2Model.indexOf(model.config().headsPresent(head.layer()), head.head());
        if (i < 0) {
            throw new IllegalArgumentException("head " + head + " has been removed from the model");
        }
        int D = model.config().headDim();
        long present = (long) model.config().numHeadsPresent(head.layer()) * D; // width of each q|k|v third
        Gpt2Attention attention = model.blocks().get(head.layer()).attention();
        List<HeadSlice> slices = new ArrayList<>();
        HeadSlice.Role[] thirds = {HeadSlice.Role.QUERY, HeadSlice.Role.KEY, HeadSlice.Role.VALUE};
        for (int third = 0; third < 3; third++) {
            long start = third * present + (long) i * D;
            slices.add(new HeadSlice(attention.qkvProj().weight(), 1, start, D, true, thirds[third]));
            slices.add(new HeadSlice(attention.qkvProj().bias(), 0, start, D, false, thirds[third]));
        }
        slices.add(new HeadSlice(attention.outputProj().weight(), 0, (long) i * D, D, true, HeadSlice.Role.OUTPUT));
        return slices;
    }

}
