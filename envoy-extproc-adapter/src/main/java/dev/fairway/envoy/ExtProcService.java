package dev.fairway.envoy;

import io.envoyproxy.envoy.service.ext_proc.v3.ExternalProcessorGrpc;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingRequest;
import io.envoyproxy.envoy.service.ext_proc.v3.ProcessingResponse;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** The {@code envoy.service.ext_proc.v3.ExternalProcessor} service: one {@link ProcessingStream} per call. */
final class ExtProcService extends ExternalProcessorGrpc.ExternalProcessorImplBase {
    private static final Context.Key<String> ROUTE = Context.key("fairway-route");

    private final Processor processor;
    private volatile boolean open = true;

    ExtProcService(Processor processor) {
        this.processor = processor;
    }

    @Override
    public StreamObserver<ProcessingRequest> process(StreamObserver<ProcessingResponse> responseObserver) {
        ServerCallStreamObserver<ProcessingResponse> out = (ServerCallStreamObserver<ProcessingResponse>) responseObserver;
        ReplyQueue replies = new ReplyQueue(out);
        // Without a cancel handler, a write racing Envoy's reset throws; the request observer's
        // onError does the clean-up.
        out.setOnCancelHandler(replies::abandon);
        return new ProcessingStream(processor, ROUTE.get(), replies);
    }

    /** Refuses every stream from now on; open ones run on. */
    void stopIntake() {
        open = false;
    }

    /** Reads the route name Envoy sends as gRPC initial metadata (ExtProcPerRoute grpc_initial_metadata). */
    ServerInterceptor routeMetadata() {
        Metadata.Key<String> key = Metadata.Key.of(processor.settings().routeMetadata(), Metadata.ASCII_STRING_MARSHALLER);
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                if (!open) {
                    // Stopping: a connection Envoy opened before the listener closed may still start
                    // a stream; it fails now, and Envoy applies its failure mode.
                    call.close(io.grpc.Status.UNAVAILABLE.withDescription("the ext_proc service is stopping"), new Metadata());
                    return new ServerCall.Listener<>() {};
                }
                return Contexts.interceptCall(Context.current().withValue(ROUTE, headers.get(key)), call, headers, next);
            }
        };
    }
}
