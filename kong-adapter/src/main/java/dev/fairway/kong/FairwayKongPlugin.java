package dev.fairway.kong;

import static java.util.Objects.requireNonNull;

import dev.fairway.Fairway;
import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.InvalidConfigException;
import dev.fairway.kong.pdk.Kong;
import dev.fairway.kong.pdk.KongPlugin;
import dev.fairway.kong.pdk.PluginInfo;
import dev.fairway.kong.schema.KongConfigNormalizer;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code fairway} Kong plugin: one instance per Kong plugin configuration (a route's AI
 * gateway settings, parsed once into a {@link RouteConfig}); the access phase decides every request
 * in the core, the log phase joins what Kong knows (consumer, route, latencies) to the gateway's
 * log id.
 */
public final class FairwayKongPlugin implements KongPlugin<RouteConfig> {
    private static final Logger LOG = LoggerFactory.getLogger(FairwayKongPlugin.class);

    private final PluginInfo info = FairwayPluginInfo.create();
    private final ConfigLoader loader;
    private final Access access;
    private final Consumer<KongLogRecord> logSink;
    private final Fairway fairway;

    private FairwayKongPlugin(Builder b) {
        this.fairway = b.fairway;
        this.loader = b.loader;
        this.access = new Access(b.fairway, b.decideTimeout);
        this.logSink = b.logSink;
    }

    public static Builder builder(Fairway fairway) {
        return new Builder(fairway);
    }

    @Override
    public PluginInfo info() {
        return info;
    }

    @Override
    public RouteConfig start(String configJson) {
        String normalized;
        try {
            normalized = KongConfigNormalizer.normalize(configJson, RouteConfig.class);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(e.getMessage());
        }
        try {
            return loader.parseRoute(normalized);
        } catch (ConfigException e) {
            throw new InvalidConfigException(String.join("; ", e.problems()));
        }
    }

    @Override
    public void handle(String phase, RouteConfig route, Kong kong) {
        switch (phase) {
            case "access" -> access.run(kong, route);
            case "log" -> log(kong);
            default -> throw new IllegalArgumentException("phase: " + phase + " (expected: access or log)");
        }
    }

    private void log(Kong kong) {
        String serialized = kong.log().serialize();
        if (serialized == null) {
            // Kong's cjson could not encode its serializer output; nil is all that crosses the bridge.
            LOG.warn("kong.log.serialize returned nil; no Kong view joins this request's log record");
            return;
        }
        KongLogRecord record;
        try {
            record = KongLogRecord.parse(serialized);
        } catch (IllegalArgumentException e) {
            LOG.warn("{}", e.getMessage());
            return;
        }
        if (record.logId() != null) {
            fairway.noteForLog(record.logId(), "kong", record.fields());
        }
        logSink.accept(record);
    }

    public static final class Builder {
        private final Fairway fairway;
        private ConfigLoader loader = ConfigLoader.standard();
        private Duration decideTimeout = Duration.ofSeconds(10);
        private Consumer<KongLogRecord> logSink = r -> LOG.debug("kong request {}", r);

        private Builder(Fairway fairway) {
            this.fairway = requireNonNull(fairway, "fairway");
            if (fairway.dispatcherPort() < 0) {
                throw new IllegalArgumentException("fairway: started without the dispatcher endpoint (expected: dispatcherEndpoint(true))");
            }
        }

        /** Reads each instance's configuration; {@link ConfigLoader#standard()} by default. */
        public Builder loader(ConfigLoader loader) {
            this.loader = requireNonNull(loader, "loader");
            return this;
        }

        /** The longest the access phase waits for the core's decision before answering 503. */
        public Builder decideTimeout(Duration timeout) {
            requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("decideTimeout: " + timeout + " (expected: > 0)");
            }
            this.decideTimeout = timeout;
            return this;
        }

        /** Receives Kong's view of each finished request; logged at debug by default. */
        public Builder logSink(Consumer<KongLogRecord> sink) {
            this.logSink = requireNonNull(sink, "sink");
            return this;
        }

        public FairwayKongPlugin build() {
            return new FairwayKongPlugin(this);
        }
    }
}
