/**
 * Text data: corpora from files or folders, named datasets resolved from a local data folder,
 * fixed-length token blocks, a train/validation split and a deterministic, resumable batch order.
 * Token ids are plain {@code long[]}; nothing here touches tensors.
 */
package ai.sentinel.data;
