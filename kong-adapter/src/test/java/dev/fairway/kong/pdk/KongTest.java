package dev.fairway.kong.pdk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KongTest {
    /** Records calls and answers from a script. */
    private static final class Channel implements PdkChannel {
        final List<String> calls = new ArrayList<>();
        final List<String> lastCalls = new ArrayList<>();
        Object answer;

        @Override
        public Object call(String method, List<Object> args) {
            calls.add(method + args);
            return answer;
        }

        @Override
        public void callLast(String method, List<Object> args) {
            lastCalls.add(method + args.subList(0, Math.min(1, args.size())) + args.size());
        }
    }

    private final Channel channel = new Channel();
    private final Kong kong = new Kong(channel);

    @Test
    void trailingNilsAreNotSentBecauseLuaWouldDropThem() {
        kong.call("kong.x", "a", null, null);
        kong.call("kong.y", null, "b");

        assertThat(channel.calls).containsExactly("kong.x[a]", "kong.y[null, b]");
    }

    @Test
    void exitAndErrorAreLastCallsWhicheverWayTheyAreMade() {
        kong.response().exit(403, null, Map.of());
        kong.call("kong.response.error", 500);

        assertThat(channel.lastCalls).containsExactly("kong.response.exit[403]2", "kong.response.error[500]1");
        assertThat(channel.calls).isEmpty();
    }

    @Test
    void multiMapsAcceptEveryShapeKongSends() {
        Map<Object, Object> raw = new LinkedHashMap<>();
        raw.put("a", List.of("1", "2"));
        raw.put("b", "3");
        raw.put("flag", true);
        raw.put("bin", List.of(new byte[] {'x'}));
        channel.answer = raw;

        assertThat(kong.request().getHeaders()).containsExactly(
                Map.entry("a", List.of("1", "2")), Map.entry("b", List.of("3")),
                Map.entry("flag", List.of()), Map.entry("bin", List.of("x")));
    }

    @Test
    void typedResultsConvert() {
        channel.answer = "body";
        assertThat(kong.request().getRawBody()).containsExactly('b', 'o', 'd', 'y');
        channel.answer = null;
        assertThat(kong.request().getRawBody()).as("nil is Kong's failure, never an empty body").isNull();
        assertThat(kong.client().getConsumer()).isNull();
        assertThat(kong.nginx().getVar("x")).isNull();
        channel.answer = 42L;
        assertThat(kong.nginx().getVar("x")).isEqualTo("42");
        assertThatThrownBy(() -> kong.request().getRawBody()).hasMessage("expected a body, got Long");
        assertThat(channel.calls).contains("kong.request.get_raw_body[]", "kong.nginx.get_var[x]");
    }

    @Test
    void serviceCallsCarryTheirArguments() {
        kong.service().setTarget("127.0.0.1", 9000);
        kong.service().request().setRawBody(new byte[0]);

        assertThat(channel.calls.get(0)).isEqualTo("kong.service.set_target" + Arrays.asList("127.0.0.1", 9000));
        assertThat(channel.calls.get(1)).startsWith("kong.service.request.set_raw_body[[B@");
    }
}
