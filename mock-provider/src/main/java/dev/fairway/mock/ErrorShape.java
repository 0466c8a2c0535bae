package dev.fairway.mock;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The error body each provider family sends with a failing status, so clients classify it as they would. */
enum ErrorShape {

    /** {@code {"error":{"message","type","param","code"}}} */
    OPENAI {
        @Override
        ObjectNode body(int status, String message, Ids ids) {
            ObjectNode error = Json.object()
                    .put("message", message)
                    .put("type", status == 429 ? "requests" : status >= 500 ? "server_error" : "invalid_request_error");
            error.putNull("param");
            if (status == 429) {
                error.put("code", "rate_limit_exceeded");
            } else if (status == 404) {
                error.put("code", "unknown_url");
            } else {
                error.putNull("code");
            }
            ObjectNode body = Json.object();
            body.set("error", error);
            return body;
        }
    },

    /** {@code {"type":"error","error":{"type","message"},"request_id"}} */
    ANTHROPIC {
        @Override
        ObjectNode body(int status, String message, Ids ids) {
            ObjectNode body = Json.object().put("type", "error");
            body.putObject("error").put("type", anthropicType(status)).put("message", message);
            body.put("request_id", ids.id("req_"));
            return body;
        }
    },

    /** {@code {"error":{"code","message","status"}}} */
    GOOGLE {
        @Override
        ObjectNode body(int status, String message, Ids ids) {
            ObjectNode body = Json.object();
            body.putObject("error").put("code", status).put("message", message).put("status", googleStatus(status));
            return body;
        }
    },

    /** {@code {"id","message"}} */
    COHERE {
        @Override
        ObjectNode body(int status, String message, Ids ids) {
            return Json.object().put("id", ids.uuid()).put("message", message);
        }
    },

    /** {@code {"message"}}, with the exception name in {@code x-amzn-ErrorType} as AWS sends it. */
    BEDROCK {
        @Override
        ObjectNode body(int status, String message, Ids ids) {
            return Json.object().put("message", message);
        }

        @Override
        Map<String, String> headers(int status) {
            return Map.of("x-amzn-ErrorType", bedrockType(status));
        }
    };

    abstract ObjectNode body(int status, String message, Ids ids);

    /** Headers the provider adds to an error answer. */
    Map<String, String> headers(int status) {
        return Map.of();
    }

    /** The message a fault's error carries; names the mock so nobody mistakes it for a real outage. */
    static String faultMessage(int status) {
        return switch (status) {
            case 429 -> "Rate limit reached (mock provider fault)";
            case 503, 529 -> "The server is overloaded (mock provider fault)";
            default -> "Mock provider fault: HTTP " + status;
        };
    }

    static String anthropicType(int status) {
        return switch (status) {
            case 401 -> "authentication_error";
            case 403 -> "permission_error";
            case 404 -> "not_found_error";
            case 413 -> "request_too_large";
            case 429 -> "rate_limit_error";
            case 503, 529 -> "overloaded_error";
            default -> status >= 500 ? "api_error" : "invalid_request_error";
        };
    }

    static String googleStatus(int status) {
        return switch (status) {
            case 400 -> "INVALID_ARGUMENT";
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "PERMISSION_DENIED";
            case 404 -> "NOT_FOUND";
            case 409 -> "ABORTED";
            case 429 -> "RESOURCE_EXHAUSTED";
            case 501 -> "UNIMPLEMENTED";
            case 503 -> "UNAVAILABLE";
            case 504 -> "DEADLINE_EXCEEDED";
            default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
        };
    }

    static String bedrockType(int status) {
        return switch (status) {
            case 403 -> "AccessDeniedException";
            case 404 -> "ResourceNotFoundException";
            case 408 -> "ModelTimeoutException";
            case 424 -> "ModelErrorException";
            case 429 -> "ThrottlingException";
            case 503 -> "ServiceUnavailableException";
            default -> status >= 500 ? "InternalServerException" : "ValidationException";
        };
    }
}
