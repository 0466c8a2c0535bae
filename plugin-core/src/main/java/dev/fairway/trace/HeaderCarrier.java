package dev.fairway.trace;

import dev.fairway.http.Headers;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapSetter;
import java.util.ArrayList;
import java.util.List;

/** W3C trace context read from a request's {@link Headers} and written into an upstream request's. */
final class HeaderCarrier {
    static final TextMapGetter<Headers> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers carrier) {
            List<String> names = new ArrayList<>(carrier.size());
            for (int i = 0; i < carrier.size(); i++) {
                names.add(carrier.name(i));
            }
            return names;
        }

        @Override
        public String get(Headers carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    /** Replaces the header: the client's own traceparent must not go upstream beside ours. */
    static final TextMapSetter<Headers> SETTER = (carrier, key, value) -> {
        if (carrier != null) {
            carrier.set(key, value);
        }
    };

    private HeaderCarrier() {}
}
