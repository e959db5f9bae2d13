package ai.sentinel.data;

/**
 * A dataset's text: one text, which is split by a fraction, or the training and validation texts of
 * a dataset that comes with its own split (wikitext), kept apart. Both are streams ({@link
 * TextSource}), never held whole.
 */
public sealed interface DatasetText {
    /** One text; validation is its last fraction. */
    record Whole(TextSource text) implements DatasetText {}

    /** The dataset's own split: training text from its train split, validation from validation. */
    record OwnSplit(TextSource train, TextSource validation) implements DatasetText {}
}
