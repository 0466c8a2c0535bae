package dev.fairway.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;

/** The dashboard page and its assets, read from the jar once. Nothing is fetched from elsewhere. */
final class Dashboard {
    /** Everything from this origin, nothing inline, nothing from elsewhere. */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    record Asset(String contentType, byte[] bytes) {}

    private final Map<String, Asset> assets;

    private Dashboard(Map<String, Asset> assets) {
        this.assets = assets;
    }

    static Dashboard load() {
        return new Dashboard(Map.of(
                "/dashboard", new Asset("text/html; charset=utf-8", read("dashboard.html")),
                "/dashboard/app.js", new Asset("text/javascript; charset=utf-8", read("dashboard.js")),
                "/dashboard/logs.js", new Asset("text/javascript; charset=utf-8", read("logs.js")),
                "/dashboard/app.css", new Asset("text/css; charset=utf-8", read("dashboard.css"))));
    }

    /** The asset at {@code path}, or null. */
    Asset asset(String path) {
        return assets.get(path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path);
    }

    private static byte[] read(String name) {
        try (InputStream in = Dashboard.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("dashboard asset missing from the jar: " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
