package dev.fairway.usage;

import dev.fairway.pipeline.AnswerReport;
import dev.fairway.provider.WireFormat;
import java.util.ArrayList;
import java.util.List;

/**
 * The answering model and the finish reasons found in an answer, by their path from the top of a
 * document ({@link #accept}): the places each provider format puts them, and no other, so a tool
 * call's arguments that happen to hold a {@code stop_reason} are not read. Streams add one event's
 * findings after another ({@link #addAll}).
 */
final class AnswerFields {
    /** More reasons than this are not kept: one per generation, and no client asks for hundreds. */
    private static final int MAX_REASONS = 64;

    private String model;
    private List<String> reasons;
    /** The Responses API's status and incomplete reason: its answers carry no finish reason. */
    private String status;
    private String incomplete;

    /** Whether a string field named {@code name} may be one of these (the cheap test before building its path). */
    static boolean named(String name) {
        return switch (name) {
            case "model", "modelVersion", "finish_reason", "stop_reason", "finishReason", "stopReason", "status", "reason" -> true;
            default -> false;
        };
    }

    /** Takes {@code value} if {@code path} (names from the top, array elements as {@code []}) is where a format puts one. */
    void accept(String path, String value) {
        switch (path) {
            // OpenAI, Mistral, Anthropic (a body, or message_start's message), the Responses API (a stream's response), Google.
            case "model", "message.model", "response.model", "modelVersion" -> model = value;
            // OpenAI chat choices, Google candidates, Anthropic, Cohere v1/v2 (a stream's message-end delta), Bedrock Converse.
            case "choices.[].finish_reason", "candidates.[].finishReason", "stop_reason", "delta.stop_reason", "finish_reason",
                 "delta.finish_reason", "stopReason" -> reason(value);
            case "status", "response.status" -> status = value;
            case "incomplete_details.reason", "response.incomplete_details.reason" -> incomplete = value;
            default -> { }
        }
    }

    private void reason(String value) {
        if (reasons == null) {
            reasons = new ArrayList<>(1);
        }
        if (reasons.size() < MAX_REASONS) {
            reasons.add(value);
        }
    }

    /** Adds a later event's findings: its model and status replace these, its reasons follow these. */
    void addAll(AnswerFields later) {
        if (later.model != null) {
            model = later.model;
        }
        if (later.reasons != null) {
            for (String r : later.reasons) {
                reason(r);
            }
        }
        if (later.status != null) {
            status = later.status;
        }
        if (later.incomplete != null) {
            incomplete = later.incomplete;
        }
    }

    /**
     * What was found, as the exchange's report. An OpenAI Responses answer has no finish reason:
     * its incomplete reason ({@code max_output_tokens}) stands for it, else its status
     * ({@code completed}, {@code failed}).
     */
    AnswerReport report(WireFormat format) {
        List<String> found = reasons;
        if (found == null && format == WireFormat.OPENAI) {
            String stood = incomplete != null ? incomplete : status;
            found = stood == null ? null : List.of(stood);
        }
        if (model == null && found == null) {
            return AnswerReport.NONE;
        }
        return new AnswerReport(model, found == null ? List.of() : found);
    }
}
