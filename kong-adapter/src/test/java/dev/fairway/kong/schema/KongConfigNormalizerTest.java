package dev.fairway.kong.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fairway.config.ConfigException;
import dev.fairway.config.ConfigLoader;
import dev.fairway.config.Doc;
import dev.fairway.config.RouteConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KongConfigNormalizerTest {

    /** What Kong sends for a plugin whose user set only providers.openai.base_url: every other field null or expanded. */
    private static final String KONG_CONFIG = """
            {"name":"chat","prefix":"/ai","gateway_id":null,"request_timeout_ms":120000,"max_body_bytes":null,
             "providers":{"openai":{"api_key":null,"base_url":"http://127.0.0.1:9/v1","params":{},
                                    "aws":{"access_key_id":null,"secret_access_key":null,"session_token":null}}},
             "route_id":"r-1","service_id":"s-1","consumer_id":null,"plugin_instance_name":null,
             "__plugin_id":"p-1","__ws_id":"w-1","__key__":"plugins:fairway:p-1","__seq__":3}""";

    @Test
    void kongsKeysNullsAndExpandedRecordsAreUndone() {
        String json = KongConfigNormalizer.normalize(KONG_CONFIG, RouteConfig.class);

        assertThat(json).isEqualTo("{\"name\":\"chat\",\"prefix\":\"/ai\",\"request_timeout_ms\":120000,"
                + "\"providers\":{\"openai\":{\"base_url\":\"http://127.0.0.1:9/v1\",\"params\":{}}}}");
        RouteConfig route = ConfigLoader.withEnv(Map.of()).parseRoute(json);
        assertThat(route.name()).isEqualTo("chat");
        assertThat(route.providers().get("openai").aws()).isNull();
        assertThat(route.maxBodyBytes()).isEqualTo(RouteConfig.DEFAULT_MAX_BODY);
    }

    record Lists(@Doc("Regions.") List<String> regions, @Doc("By name.") Map<String, String> labels) {}

    @Test
    void luaEmptyTablesTakeTheFieldsShape() {
        assertThat(KongConfigNormalizer.normalize("{\"regions\":{},\"labels\":[]}", Lists.class))
                .isEqualTo("{\"regions\":[],\"labels\":{}}");
    }

    @Test
    void whatIsNotKongsIsLeftForTheLoaderToReport() {
        String unknown = KongConfigNormalizer.normalize("{\"prefx\":\"/ai\",\"__seq__\":1}", RouteConfig.class);
        String wrongType = KongConfigNormalizer.normalize("{\"request_timeout_ms\":\"soon\",\"__seq__\":1}", RouteConfig.class);

        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute(unknown))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("prefx: unknown field");
        assertThatThrownBy(() -> ConfigLoader.withEnv(Map.of()).parseRoute(wrongType))
                .isInstanceOf(ConfigException.class).hasMessage("request_timeout_ms: soon is not a valid whole number");
    }

    @Test
    void somethingOtherThanAnObjectIsRefused() {
        assertThatThrownBy(() -> KongConfigNormalizer.normalize("[1]", RouteConfig.class)).hasMessage("expected a JSON object, got array");
        assertThatThrownBy(() -> KongConfigNormalizer.normalize("{", RouteConfig.class)).hasMessageStartingWith("not valid JSON");
    }
}
