package dev.fairway.trace;

import io.opentelemetry.sdk.common.export.GrpcSender;
import io.opentelemetry.sdk.common.export.GrpcSenderConfig;
import io.opentelemetry.sdk.common.export.GrpcSenderProvider;

/** Registered for the OTLP exporter's service lookup (META-INF/services): OTLP/gRPC through {@link GrpcExportSender}. */
public final class GrpcExportSenderProvider implements GrpcSenderProvider {
    @Override
    public GrpcSender createSender(GrpcSenderConfig config) {
        return new GrpcExportSender(config);
    }
}
