package dev.fairway.kong.pdk;

/**
 * A Kong plugin written in Java, served to Kong by {@link PluginServer}.
 *
 * <p>Kong starts one instance per plugin configuration and nginx worker ({@link #start}), then
 * sends events ({@code access}, {@code log}, ...) to it; each event runs {@link #handle} on the
 * platform thread that serves the connection Kong sent it on, so handlers may block on PDK calls
 * and on their own I/O (while one does, Kong waits on that connection and uses its others).
 *
 * @param <C> the parsed configuration of one instance
 */
public interface KongPlugin<C> {

    /** Name, version, priority, phases and schema, as reported to Kong by {@code -dump}. */
    PluginInfo info();

    /**
     * Parses one instance's configuration, as Kong sends it: the plugin's {@code config} table as
     * JSON, with Kong's own keys ({@code route_id}, {@code __seq__}, ...) mixed in.
     *
     * @throws InvalidConfigException naming the field when the configuration cannot be used
     */
    C start(String configJson);

    /** Handles one event of one of {@link PluginInfo#phases()}. */
    void handle(String phase, C config, Kong kong) throws Exception;

    /** Called when Kong closes the instance or it expires idle. */
    default void close(C config) {}
}
