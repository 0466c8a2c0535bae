package dev.fairway.admin;

import static java.util.Objects.requireNonNull;

import dev.fairway.flow.FlowAdmin;
import dev.fairway.prompt.PromptAdmin;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One data API on the admin listener ({@code /logs}, {@code /flows}, {@code /prompts}). The
 * {@link AdminServer} does what they share, in this order: the admin token (before any byte of
 * the body is read), a body bounded by {@link #maxBodyBytes()}, then {@link #handle} off the
 * event loop, its answer or {@link dev.fairway.error.GatewayError} written as JSON. An API holds
 * only its own routes.
 */
interface AdminApi {
    /** Whether {@code path} is one of this API's. */
    boolean serves(String path);

    /** The largest request body this API reads; a larger one is a 413. */
    int maxBodyBytes();

    /**
     * Answers one authorised request; called off the event loop.
     *
     * @throws dev.fairway.error.GatewayError the 4xx to answer; a 405 may name the methods it
     *     takes in the detail {@code allow}, which the server sends as the {@code Allow} header
     */
    Answer handle(Call call);

    /** An authorised request with its whole body. */
    record Call(String method, String path, Map<String, List<String>> params, byte[] body) {
        public Call {
            requireNonNull(method, "method");
            requireNonNull(path, "path");
            requireNonNull(params, "params");
            requireNonNull(body, "body");
        }
    }

    /** A status and a JSON body. */
    record Answer(int status, byte[] body) {
        public Answer {
            requireNonNull(body, "body");
        }
    }

    /** The routing flows' API ({@link FlowAdmin}). */
    static AdminApi flows(FlowAdmin flows) {
        requireNonNull(flows, "flows");
        return new Plain(FlowAdmin::serves, FlowAdmin.MAX_BODY_BYTES, call -> {
            FlowAdmin.Answer a = flows.handle(call.method(), call.path(), call.body());
            return new Answer(a.status(), a.body());
        });
    }

    /** The prompt repository's API ({@link PromptAdmin}). */
    static AdminApi prompts(PromptAdmin prompts) {
        requireNonNull(prompts, "prompts");
        return new Plain(PromptAdmin::handles, PromptAdmin.MAX_BODY_BYTES, call -> {
            PromptAdmin.Reply r = prompts.handle(call.method(), call.path(), call.body());
            return new Answer(r.status(), r.body());
        });
    }

    /** An API made of its path test, its body limit and one function. */
    record Plain(Predicate<String> paths, int maxBodyBytes, java.util.function.Function<Call, Answer> handler) implements AdminApi {
        public Plain {
            requireNonNull(paths, "paths");
            requireNonNull(handler, "handler");
        }

        @Override
        public boolean serves(String path) {
            return paths.test(path);
        }

        @Override
        public Answer handle(Call call) {
            return handler.apply(call);
        }
    }
}
