package dev.fairway.trace;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/** Span attribute keys of the OpenTelemetry GenAI semantic conventions (gen-ai-spans), and Fairway's own. */
final class GenAi {
    static final AttributeKey<String> OPERATION_NAME = AttributeKey.stringKey("gen_ai.operation.name");
    static final AttributeKey<String> PROVIDER_NAME = AttributeKey.stringKey("gen_ai.provider.name");
    static final AttributeKey<String> REQUEST_MODEL = AttributeKey.stringKey("gen_ai.request.model");
    static final AttributeKey<String> RESPONSE_MODEL = AttributeKey.stringKey("gen_ai.response.model");
    static final AttributeKey<List<String>> FINISH_REASONS = AttributeKey.stringArrayKey("gen_ai.response.finish_reasons");
    static final AttributeKey<Long> INPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.input_tokens");
    static final AttributeKey<Long> OUTPUT_TOKENS = AttributeKey.longKey("gen_ai.usage.output_tokens");
    static final AttributeKey<Long> CACHE_READ_TOKENS = AttributeKey.longKey("gen_ai.usage.cache_read.input_tokens");
    static final AttributeKey<String> TOKEN_TYPE = AttributeKey.stringKey("gen_ai.token.type");
    static final AttributeKey<String> INPUT_MESSAGES = AttributeKey.stringKey("gen_ai.input.messages");
    static final AttributeKey<String> OUTPUT_MESSAGES = AttributeKey.stringKey("gen_ai.output.messages");
    static final AttributeKey<String> SERVER_ADDRESS = AttributeKey.stringKey("server.address");
    static final AttributeKey<Long> SERVER_PORT = AttributeKey.longKey("server.port");
    static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");
    static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
    static final AttributeKey<String> HTTP_METHOD = AttributeKey.stringKey("http.request.method");

    static final AttributeKey<String> ROUTE = AttributeKey.stringKey("fairway.route");
    static final AttributeKey<String> LOG_ID = AttributeKey.stringKey("fairway.log_id");
    static final AttributeKey<String> STAGE = AttributeKey.stringKey("fairway.stage");
    static final AttributeKey<Boolean> STAGE_ANSWERED = AttributeKey.booleanKey("fairway.stage.answered");
    static final AttributeKey<Long> ATTEMPT = AttributeKey.longKey("fairway.attempt");
    static final AttributeKey<Long> FALLBACK_STEP = AttributeKey.longKey("fairway.fallback_step");
    static final AttributeKey<String> ATTEMPT_NEXT = AttributeKey.stringKey("fairway.attempt.next");
    static final AttributeKey<Boolean> CACHED = AttributeKey.booleanKey("fairway.cached");
    static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("fairway.attempts");
    static final AttributeKey<Double> COST_USD = AttributeKey.doubleKey("fairway.cost_usd");
    static final AttributeKey<String> TRANSLATED_FROM = AttributeKey.stringKey("fairway.translation.from");

    private GenAi() {}
}
