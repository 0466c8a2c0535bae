package dev.fairway.kong;

import dev.fairway.config.RouteConfig;
import dev.fairway.kong.pdk.PluginInfo;
import dev.fairway.kong.schema.KongSchema;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Properties;

/**
 * What the {@code fairway} plugin reports to Kong. Built from the config model alone (no network,
 * no Vert.x), because Kong runs the query command synchronously while it starts.
 */
final class FairwayPluginInfo {
    static final String NAME = "fairway";

    /**
     * After Kong's authentication plugins (key-auth 1250, jwt 1450, ...), ACL (950) and its
     * rate-limiting (910), so the consumer is known and cheap refusals happen first; before the
     * request transformers (801), whose changes the dispatcher would not see anyway.
     */
    static final int PRIORITY = 900;

    static final List<String> PHASES = List.of("access", "log");

    private FairwayPluginInfo() {}

    static PluginInfo create() {
        return new PluginInfo(NAME, version(), PRIORITY, PHASES, KongSchema.plugin(NAME, RouteConfig.class));
    }

    static String version() {
        try (InputStream in = FairwayPluginInfo.class.getResourceAsStream("plugin.properties")) {
            if (in == null) {
                throw new IllegalStateException("dev/fairway/kong/plugin.properties is missing from the class path");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
