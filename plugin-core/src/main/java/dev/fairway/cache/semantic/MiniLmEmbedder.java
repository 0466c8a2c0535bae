package dev.fairway.cache.semantic;

import static java.util.Objects.requireNonNull;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * all-MiniLM-L6-v2 (quantized, 384 dimensions) on ONNX Runtime: the model and its tokenizer are read
 * from the jar langchain4j ships them in, so nothing is fetched at run time. The model is read once
 * per process, by the first call to {@link #shared()} (its class initialiser), which takes about a
 * second: callers make that first call off event loops, as every later one.
 *
 * <p>The session is built here rather than by langchain4j, for its threads: ONNX Runtime's default
 * is an intra-op pool of one thread per core whose workers spin while they wait. The semantic pool
 * already runs one embedding per thread, so a second pool per call only hands work across threads
 * and, on a loaded machine, spins against the request threads; one intra-op thread (the caller)
 * runs a whole embedding without a hand-off. Graph optimisations are all on (constant folding and
 * the fused attention and layer-norm kernels).
 */
public final class MiniLmEmbedder implements Embedder {
    static final int DIMENSION = 384;
    private static final String MODEL = "all-minilm-l6-v2-q.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-q-tokenizer.json";

    private final Model model;

    private MiniLmEmbedder() {
        // The tokenizer's library may otherwise look for its native code on the network when the
        // jar lacks this platform's: fail instead, and the semantic cache stays off.
        System.setProperty("ai.djl.offline", "true");
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(1);
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = environment.createSession(resource(MODEL), options);
            try (InputStream tokenizer = requireNonNull(
                    AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream("/" + TOKENIZER), TOKENIZER)) {
                // One text per call is embedded on the calling thread; the executor only serves batches.
                this.model = new Model(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
            }
        } catch (OrtException e) {
            throw new IllegalStateException("semantic cache model: ONNX Runtime refused " + MODEL, e);
        } catch (IOException e) {
            throw new UncheckedIOException("semantic cache model: " + TOKENIZER, e);
        }
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

    private static byte[] resource(String name) {
        try (InputStream in = requireNonNull(AllMiniLmL6V2QuantizedEmbeddingModel.class.getResourceAsStream("/" + name), name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("semantic cache model: " + name, e);
        }
    }

    /** langchain4j's in-process model around an encoder whose session this class configured. */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(Runnable::run);
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }
    }

    /** Lazy, thread-safe, once: the JVM's class initialisation. */
    private static final class Holder {
        static final MiniLmEmbedder INSTANCE = new MiniLmEmbedder();
    }
}
