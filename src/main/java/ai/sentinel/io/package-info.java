/**
 * File formats and atomic file writing: safetensors, JSON, and the string columns of Parquet files
 * (Hugging Face datasets). No tensor math; depends only on the JDK, Gson, Apache Parquet's format
 * structures and aircompressor.
 */
package ai.sentinel.io;
