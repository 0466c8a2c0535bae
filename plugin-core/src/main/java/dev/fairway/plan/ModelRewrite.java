package dev.fairway.plan;

import com.fasterxml.jackson.databind.ObjectMapper;

/** Writes the parts of a Universal request that go upstream as bodies of their own. */
final class ModelRewrite {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private ModelRewrite() {}
}
