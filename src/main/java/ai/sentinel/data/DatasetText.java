package ai.sentinel.data;

/**
 * A dataset's text: one text, which {@link TextDataset#split} cuts by a fraction, or the training
 * and validation texts of a dataset that comes with its own split (wikitext), kept apart.
 */
public sealed interface DatasetText {
    /** One text; validation is its last fraction. */
    record Whole(String text) implements DatasetText {}

    /** The dataset's own split: training text from its train split, validation from validation. */
    record OwnSplit(String train, String validation) implements DatasetText {}
}
