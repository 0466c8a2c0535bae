package dev.fairway.cache.semantic;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions) on ONNX Runtime, as langchain4j packages it: the
 * model, its tokenizer and the native libraries are inside the jars on the class path, so nothing
 * is fetched at run time. The model is read once per process, by the first call to
 * {@link #shared()} (its class initialiser), which takes about a second: callers make that first
 * call off event loops, as every later one.
 */
public final class MiniLmEmbedder implements Embedder {
    static final int DIMENSION = 384;

    private final EmbeddingModel model;

    private MiniLmEmbedder() {
        // The tokenizer's library may otherwise look for its native code on the network when the
        // jar lacks this platform's: fail instead, and the semantic cache stays off.
        System.setProperty("ai.djl.offline", "true");
        // One text per call is embedded on the calling thread; this executor only serves batches.
        this.model = new AllMiniLmL6V2QuantizedEmbeddingModel(Runnable::run);
    }

    /** The process's one model, loaded on first use. */
    public static MiniLmEmbedder shared() {
        return Holder.INSTANCE;
    }

    @Override
    public float[] embed(String text) {
        return Vectors.unit(model.embed(text).content().vector());
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    /** Lazy, thread-safe, once: the JVM's class initialisation. */
    private static final class Holder {
        static final MiniLmEmbedder INSTANCE = new MiniLmEmbedder();
    }
}
