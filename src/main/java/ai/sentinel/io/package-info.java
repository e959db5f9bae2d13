/**
 * File formats and atomic file writing: safetensors, JSON. No tensor math; depends only on the JDK
 * and Gson.
 */
package ai.sentinel.io;
